"""Pure rules of models: the rates a model costs at, and the event state it publishes."""

from __future__ import annotations

from decimal import Decimal

from batchivo_catalog.costing import Rates


def model_rates(
    tenant: Rates, labor_rate_override: Decimal | None, overhead_pct_override: Decimal | None
) -> Rates:
    """The tenant's rates with the model's overrides where it has them."""
    return Rates(
        labor_rate_per_hour=tenant.labor_rate_per_hour
        if labor_rate_override is None
        else labor_rate_override,
        overhead_pct=tenant.overhead_pct if overhead_pct_override is None else overhead_pct_override,
        price_multiplier=tenant.price_multiplier,
    )


def normalize_sku(sku: str) -> str:
    return sku.strip().upper()
