"""``batchivo_common.responses``: orjson writes what pydantic and ``json.dumps`` wrote for the same values."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated

import asyncpg.pgproto.pgproto as pgproto
import pytest
from batchivo_common.responses import TrustedJSONResponse, dumps, number
from pydantic import BaseModel, PlainSerializer


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


def test_asyncpg_uuids_are_text_and_decimals_numbers() -> None:
    raw = pgproto.UUID("b56b0118-3b98-4784-b81e-eef5135691b7")
    assert dumps([raw]) == b'["b56b0118-3b98-4784-b81e-eef5135691b7"]'
    assert dumps([Decimal("1.50"), Decimal("38.26")]) == b"[1.5,38.26]"
    assert number(Decimal("1.50")) == 1.5 and number(None) is None


def test_the_response() -> None:
    response = TrustedJSONResponse({"a": "ü"}, 201, {"Location": "/x"})
    assert response.status_code == 201
    assert response.body == '{"a":"ü"}'.encode()
    assert response.headers["content-type"] == "application/json"
    assert response.headers["location"] == "/x"


# The project's Number type (a Decimal written as a JSON number) in a model of the spools' field types.
Number = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Item(BaseModel):
    id: uuid.UUID
    name: str
    grams: Number
    price: Number | None
    bought: date | None
    at: datetime
    ok: bool
    count: int


VALUES = [
    Item(
        id=uuid.uuid4(),
        name=name,
        grams=Decimal(grams),
        price=price,
        bought=bought,
        at=at,
        ok=ok,
        count=count,
    )
    for name, grams, price, bought, at, ok, count in [
        (
            "PLA Basic \u2013 Café ü 日本",
            "1000.00",
            Decimal("24.99"),
            date(2026, 1, 31),
            datetime(2026, 12, 7, tzinfo=UTC),
            True,
            0,
        ),
        (
            'quote " and \\ back',
            "0.01",
            None,
            None,
            datetime(2026, 12, 7, 1, 2, 3, 450000, tzinfo=UTC),
            False,
            -3,
        ),
        (
            "",
            "99999.99",
            Decimal("0.00"),
            date(1999, 12, 31),
            datetime(2026, 6, 1, 12, 0, 0, 1, tzinfo=UTC),
            True,
            2**40,
        ),
        (
            "tz",
            "12.30",
            Decimal("1000000.00"),
            None,
            datetime(2026, 6, 1, 12, tzinfo=timezone(timedelta(hours=2))),
            False,
            7,
        ),
        (
            "tiny",
            "0.0001",
            Decimal("3.3333"),
            None,
            datetime(2026, 6, 1, 12, 0, 0, 999999, tzinfo=UTC),
            True,
            1,
        ),
    ]
]


@pytest.mark.parametrize("item", VALUES, ids=[v.name or "empty" for v in VALUES])
def test_dumps_writes_the_bytes_pydantic_writes(item: Item) -> None:
    assert dumps(item.model_dump()) == item.__pydantic_serializer__.to_json(item)


def test_a_page_of_items_is_the_same_json() -> None:
    page = {"items": [v.model_dump() for v in VALUES], "total": len(VALUES)}
    expected = {"items": [json.loads(v.model_dump_json()) for v in VALUES], "total": len(VALUES)}
    assert json.loads(TrustedJSONResponse(page).body) == expected


def test_anything_else_is_refused_not_stringified() -> None:
    with pytest.raises(TypeError):
        dumps({"x": object()})
