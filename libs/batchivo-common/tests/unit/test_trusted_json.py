"""TrustedJSONResponse writes what pydantic's JSON mode writes for the project's field types."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated

import pytest
from batchivo_common.responses import TrustedJSONResponse, dumps
from pydantic import BaseModel, PlainSerializer

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
