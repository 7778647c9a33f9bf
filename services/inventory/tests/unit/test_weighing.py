"""The weighing sanity rule (pure): plausible readings pass, the two implausible ones say why."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from batchivo_inventory.spools.weighing import Problem, read


def test_a_plausible_gross_reading_books_gross_less_tare() -> None:
    r = read(gross=D("900"), net=None, tare=D("220"), initial=D("1000"))
    assert r.net == D("680.00") and r.problem is None and r.message is None


def test_a_reading_of_exactly_the_initial_weight_or_the_tare_is_fine() -> None:
    assert read(gross=D("1220"), net=None, tare=D("220"), initial=D("1000")).problem is None
    empty = read(gross=D("220"), net=None, tare=D("220"), initial=D("1000"))
    assert empty.net == 0 and empty.problem is None
    assert read(gross=None, net=D("1000"), tare=None, initial=D("1000")).problem is None


def test_gross_above_initial_plus_tare_is_refused_with_the_cause() -> None:
    r = read(gross=D("1500"), net=None, tare=D("220"), initial=D("1000"))
    assert r.problem is Problem.above_initial and r.net == D("1280.00")
    assert r.message is not None
    assert "1,280 g" in r.message and "1,000 g" in r.message
    assert "tare (220 g)" in r.message and "spool holder" in r.message


def test_without_a_tare_the_message_says_so() -> None:
    r = read(gross=D("1500"), net=None, tare=None, initial=D("1000"))
    assert r.problem is Problem.above_initial and r.net == D("1500.00")
    assert r.message is not None and "no tare recorded" in r.message


def test_a_net_reading_above_initial_is_refused() -> None:
    r = read(gross=None, net=D("1000.01"), tare=D("200"), initial=D("1000"))
    assert r.problem is Problem.above_initial and r.message is not None
    assert "1,000.01 g" in r.message


def test_gross_below_tare_is_refused_and_would_book_an_empty_spool() -> None:
    r = read(gross=D("150"), net=None, tare=D("220"), initial=D("1000"))
    assert r.problem is Problem.below_tare and r.net == 0
    assert r.message is not None and "150 g" in r.message and "220 g" in r.message


@pytest.mark.parametrize(("gross", "net"), [(None, None), (D(1), D(1))])
def test_exactly_one_reading(gross: D | None, net: D | None) -> None:
    with pytest.raises(ValueError):
        read(gross=gross, net=net, tare=None, initial=D("1000"))
