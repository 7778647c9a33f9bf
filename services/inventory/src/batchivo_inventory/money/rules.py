"""Money rules of the inventory (pure): the global material types' typical costs are EUR.

The eight global material types are seeded with a typical cost per kg in **EUR**. A shop's money is in its
own currency (the tenant's ``currency_code``). Shown unchanged, "22.00" became "¥22.00/kg" in a JPY shop.
Now a global cost is:

- in a shop whose settings say its currency is EUR: the value, in the shop's currency;
- in a shop that set a rate (units of its currency per 1 EUR): ``EUR * rate`` (2 dp), in the shop's currency;
- otherwise (no settings, or no rate): the EUR value **labelled EUR** (``currency = "EUR"``), so a client
  formats it as €22.00/kg and never in the shop's currency.

A shop's own material types are in its own currency and never converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GLOBAL_COST_CURRENCY = "EUR"
_PLACES = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Cost:
    value: Decimal | None
    #: None: the shop's own currency; else the ISO code the value is in (``EUR``).
    currency: str | None = None


def global_cost(
    eur_per_kg: Decimal | None, *, currency_code: str | None, rate_from_eur: Decimal | None
) -> Cost:
    """A global typical cost per kg as the shop should see it (see the module's doc)."""
    if eur_per_kg is None:
        return Cost(None)
    if currency_code == GLOBAL_COST_CURRENCY:
        return Cost(eur_per_kg)
    if rate_from_eur is not None:
        return Cost((eur_per_kg * rate_from_eur).quantize(_PLACES, rounding=ROUND_HALF_UP))
    return Cost(eur_per_kg, GLOBAL_COST_CURRENCY)
