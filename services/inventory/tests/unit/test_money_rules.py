"""Global material costs (EUR) as a shop sees them: converted, as is in a EUR shop, else labelled EUR."""

from __future__ import annotations

from decimal import Decimal as D

from batchivo_inventory.money.rules import Cost, global_cost


def test_no_cost_stays_none() -> None:
    assert global_cost(None, currency_code="JPY", rate_from_eur=D(160)) == Cost(None)


def test_a_eur_shop_sees_the_value_in_its_currency() -> None:
    assert global_cost(D("22"), currency_code="EUR", rate_from_eur=None) == Cost(D("22"))
    assert global_cost(D("22"), currency_code="EUR", rate_from_eur=D("2")) == Cost(D("22"))


def test_a_rate_converts_to_two_decimals() -> None:
    assert global_cost(D("22"), currency_code="JPY", rate_from_eur=D("161.234567")) == Cost(D("3547.16"))
    assert global_cost(D("20"), currency_code="GBP", rate_from_eur=D("0.85")) == Cost(D("17.00"))


def test_without_a_rate_the_value_is_labelled_eur_never_the_shops_currency() -> None:
    assert global_cost(D("22"), currency_code="JPY", rate_from_eur=None) == Cost(D("22"), "EUR")
    assert global_cost(D("22"), currency_code=None, rate_from_eur=None) == Cost(D("22"), "EUR")
