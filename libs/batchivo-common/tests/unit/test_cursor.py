import base64
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from batchivo_common.cursor import InvalidCursor, decode_cursor, encode_cursor

TYPES = (datetime, uuid.UUID)
AT = datetime(2026, 12, 6, 22, 51, 24, 123456, tzinfo=UTC)
ID = uuid.UUID("0b6f2d6e-4c1e-4b0a-9a53-2b7f6f0d9c11")


def _raw(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()


def test_a_cursor_round_trips_its_typed_values() -> None:
    token = encode_cursor("spools", [AT, ID])
    assert "=" not in token and "+" not in token and "/" not in token
    assert decode_cursor(token, "spools", TYPES) == (AT, ID)


def test_every_supported_type_round_trips() -> None:
    values = [date(2026, 1, 2), Decimal("12.50"), 7, "FIL-001", ID]
    types = (date, Decimal, int, str, uuid.UUID)
    assert decode_cursor(encode_cursor("x", values), "x", types) == tuple(values)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not base64 at all!",
        "e30",  # {}
        _raw([1, 2]),
        _raw({"v": 2, "k": "spools", "a": [AT.isoformat(), str(ID)]}),  # another version
        _raw({"v": 1, "k": "runs", "a": [AT.isoformat(), str(ID)]}),  # another export's cursor
        _raw({"v": 1, "k": "spools", "a": [AT.isoformat()]}),  # a value missing
        _raw({"v": 1, "k": "spools", "a": [AT.isoformat(), "not-a-uuid"]}),
        _raw({"v": 1, "k": "spools", "a": ["2026-12-06T22:51:24", str(ID)]}),  # naive datetime
        _raw({"v": 1, "k": "spools", "a": [5, str(ID)]}),  # a number for a datetime
        _raw({"v": 1, "k": "spools", "a": [AT.isoformat(), str(ID)], "x": 1}),  # an extra field
        _raw({"k": "spools", "v": 1, "a": [AT.isoformat(), str(ID)]}),  # not the canonical spelling
        encode_cursor("spools", [AT, ID]) + "==",  # padding added
        "é" + encode_cursor("spools", [AT, ID]),
        "A" * 600,
    ],
)
def test_a_tampered_cursor_is_a_400(token: str) -> None:
    with pytest.raises(InvalidCursor) as info:
        decode_cursor(token, "spools", TYPES)
    assert info.value.status_code == 400
    assert info.value.code == "INVALID_CURSOR"


def test_a_flipped_character_is_refused_or_decodes_to_a_valid_key() -> None:
    token = encode_cursor("spools", [AT, ID])
    refused = 0
    for i in range(len(token)):
        flipped = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        try:
            values = decode_cursor(flipped, "spools", TYPES)
        except InvalidCursor:
            refused += 1
        else:  # what decodes is still two well-typed key values, never garbage reaching SQL
            assert isinstance(values[0], datetime) and isinstance(values[1], uuid.UUID)
    assert refused > len(token) // 2


def test_decimal_cursors_refuse_non_finite_numbers() -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(_raw({"v": 1, "k": "x", "a": ["NaN"]}), "x", (Decimal,))
