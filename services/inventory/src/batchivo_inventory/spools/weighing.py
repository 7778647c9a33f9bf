"""Weighing sanity: a reading that cannot be right is refused with the reason, unless a person confirms it.

A weighing gives the filament left on a spool: the net reading, or the gross reading less the tare (the empty
spool's weight). Two readings make no sense for the spool as recorded:

- **above the initial weight** (``WEIGHT_ABOVE_INITIAL``): more filament than the spool ever held. Usually
  the tare is missing or too low, or something else is on the scale (a spool holder, a dry box lid);
- **below the tare** (``WEIGHT_BELOW_TARE``): a gross reading lighter than the empty spool. Usually the tare
  is too high (a different spool make) or the scale was tared with the spool on it.

Neither is booked silently: the request is refused (400) with the reason, and only ``confirm: true`` books it
(above the initial weight: the net as read; below the tare: an empty spool, 0 g). Pure rules, stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

_PLACES = Decimal("0.01")


class Problem(StrEnum):
    above_initial = "WEIGHT_ABOVE_INITIAL"
    below_tare = "WEIGHT_BELOW_TARE"


@dataclass(frozen=True, slots=True)
class Reading:
    """What a weighing would book (``net``) and, when the reading is implausible, why."""

    net: Decimal
    problem: Problem | None = None
    message: str | None = None


def _g(value: Decimal) -> str:
    """``Decimal("1280.00")`` → ``1,280 g``; ``Decimal("12.5")`` → ``12.5 g``."""
    value = value.quantize(_PLACES, rounding=ROUND_HALF_UP)
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} g"


def read(*, gross: Decimal | None, net: Decimal | None, tare: Decimal | None, initial: Decimal) -> Reading:
    """The net filament of a weighing (exactly one of ``gross`` or ``net``) and its problem, if any."""
    if (gross is None) == (net is None):
        raise ValueError("give exactly one of gross or net")
    if gross is not None:
        tare_g = tare or Decimal(0)
        if gross < tare_g:
            return Reading(
                net=Decimal(0),
                problem=Problem.below_tare,
                message=(
                    f"The scale reads {_g(gross)}, less than the empty spool weight (tare) of {_g(tare_g)}. "
                    "Check the spool's tare (a different spool make?) and that the scale was zeroed without "
                    "the spool on it. Confirm to book the spool as empty (0 g)."
                ),
            )
        value = (gross - tare_g).quantize(_PLACES, rounding=ROUND_HALF_UP)
        cause = (
            "The spool has no tare recorded, so the empty spool is counted as filament: set its empty "
            "spool weight"
            if tare is None
            else f"Check the tare ({_g(tare_g)}) and that nothing else, like a spool holder, is on the scale"
        )
        source = f"A gross reading of {_g(gross)} less the tare of {_g(tare_g)} gives {_g(value)}"
    else:
        assert net is not None
        value = net.quantize(_PLACES, rounding=ROUND_HALF_UP)
        cause = "Check that the reading is the filament alone, without the spool or a spool holder"
        source = f"A net reading of {_g(value)}"
    if value > initial:
        return Reading(
            net=value,
            problem=Problem.above_initial,
            message=(
                f"{source}, more than the spool's initial {_g(initial)}. {cause}. Confirm to book it anyway."
            ),
        )
    return Reading(net=value)
