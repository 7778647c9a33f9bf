"""Decimal types of the API: exact in Python and the database, JSON numbers on the wire (domain.md §0)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

_as_number = PlainSerializer(float, return_type=float, when_used="json")

#: Output: grams and money (2 dp) and cost per gram (4 dp) as JSON numbers.
Number = Annotated[Decimal, _as_number]
#: Input grams: 0 < g ≤ 100 kg, at most 2 decimals.
PositiveGrams = Annotated[Decimal, Field(gt=0, le=100000, decimal_places=2), _as_number]
#: Input grams that may be 0.
Grams = Annotated[Decimal, Field(ge=0, le=100000, decimal_places=2), _as_number]
Money = Annotated[Decimal, Field(ge=0, le=1000000, decimal_places=2), _as_number]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2), _as_number]
