"""``batchivo_common.responses``: orjson writes what pydantic and ``json.dumps`` wrote for the same values."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import asyncpg.pgproto.pgproto as pgproto
import pytest
from batchivo_common.responses import dumps, json_response, number
from pydantic import BaseModel


class Sample(BaseModel):
    when: datetime
    day: date
    id: uuid.UUID
    amount: float
    text: str


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
        datetime(2026, 5, 1, 8, 0, 0, 500000, tzinfo=UTC),
        datetime(2026, 5, 1, 8, 0, 0, 5, tzinfo=timezone(timedelta(0))),
    ],
)
def test_the_bytes_are_pydantics(when: datetime) -> None:
    value = {
        "when": when,
        "day": date(2026, 5, 5),
        "id": uuid.uuid4(),
        "amount": 0.1 + 0.2,
        "text": 'é\u2013\n"',
    }
    assert dumps(value) == Sample(**value).model_dump_json().encode()


def test_numbers_are_written_as_json_dumps_writes_them() -> None:
    values = [1.0, 0.3, 123456789.12, -112400.0, 0.0001, float(Decimal("38.26")), 7, True, None]
    assert dumps(values) == json.dumps(values, separators=(",", ":")).encode()


def test_asyncpg_uuids_are_text_and_decimals_are_refused() -> None:
    raw = pgproto.UUID("b56b0118-3b98-4784-b81e-eef5135691b7")
    assert dumps([raw]) == b'["b56b0118-3b98-4784-b81e-eef5135691b7"]'
    with pytest.raises(TypeError):
        dumps([Decimal("1.5")])
    assert number(Decimal("1.50")) == 1.5 and number(None) is None


def test_the_response() -> None:
    response = json_response({"a": "ü"}, 201, {"Location": "/x"})
    assert response.status_code == 201
    assert response.body == '{"a":"ü"}'.encode()
    assert response.headers["content-type"] == "application/json"
    assert response.headers["location"] == "/x"
