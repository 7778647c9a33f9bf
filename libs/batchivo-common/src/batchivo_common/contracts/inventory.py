"""Events the inventory service publishes (design.md §2.10).

State events (``created``/``updated``/``archived``/``deleted``) carry the aggregate's full current state;
the envelope's ``aggregate_id``/``aggregate_version`` let a read model keep the highest version.
Grams and money are JSON numbers (2 dp), cost per gram 4 dp.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from batchivo_common.messaging.envelope import EventPayload, register_event


class FilamentTypeStateV1(EventPayload):
    filament_type_id: uuid.UUID
    material_type_id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    color_hex: str | None = None
    finish: str | None = None
    diameter_mm: float
    min_stock_grams: float
    cost_per_gram: float | None = None
    cost_is_estimate: bool
    #: The type's integer id in the Spoolman-compatible API (``filament_types.spoolman_id``); None in events
    #: published before it was added.
    spoolman_id: int | None = None


@register_event("inventory.filament_type.created.v1")
class FilamentTypeCreatedV1(FilamentTypeStateV1):
    pass


@register_event("inventory.filament_type.updated.v1")
class FilamentTypeUpdatedV1(FilamentTypeStateV1):
    pass


@register_event("inventory.filament_type.deleted.v1")
class FilamentTypeDeletedV1(FilamentTypeStateV1):
    pass


class SpoolStateV1(EventPayload):
    spool_id: uuid.UUID
    code: str
    filament_type_id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    initial_weight: float
    current_weight: float
    empty_spool_weight: float | None = None
    purchase_price: float | None = None
    purchase_date: date | None = None
    location: str | None = None
    cost_per_gram: float | None = None
    is_archived: bool


@register_event("inventory.spool.created.v1")
class SpoolCreatedV1(SpoolStateV1):
    pass


@register_event("inventory.spool.updated.v1")
class SpoolUpdatedV1(SpoolStateV1):
    pass


@register_event("inventory.spool.archived.v1")
class SpoolArchivedV1(SpoolStateV1):
    pass


@register_event("inventory.spool.deleted.v1")
class SpoolDeletedV1(SpoolStateV1):
    pass


@register_event("inventory.stock.low.v1")
class StockLowV1(EventPayload):
    """A spool fell below its threshold, or a filament type's active spools below its reorder level.

    Published once per crossing; ``threshold_grams`` is the level that was crossed.
    """

    scope: Literal["spool", "filament_type"]
    filament_type_id: uuid.UUID
    spool_id: uuid.UUID | None = None
    code: str | None = None
    remaining_grams: float
    threshold_grams: float


@register_event("inventory.spool.usage_reported.v1")
class SpoolUsageReportedV1(EventPayload):
    """An API key (a printer, through the Spoolman-compatible API) started reporting usage on a spool.

    Published when a report opens a new usage row in the spool's ledger, not on the reports merged into it
    (services/inventory/README.md, coalescing): a printer reporting every few seconds announces itself once
    per coalescing window, or again when it moves to another spool. Production links the printer of the key
    to the spool (its loaded spool). ``reported_at``: when the report was booked.
    """

    spool_id: uuid.UUID
    spool_code: str
    api_key_id: uuid.UUID
    api_key_name: str | None = None
    reported_at: datetime


class SpoolUsage(EventPayload):
    spool_id: uuid.UUID
    #: Grams booked as usage/waste (the full consumption the run reported).
    booked_grams: float = Field(ge=0)
    #: Of those, the grams the record did not hold (booked first as an adjustment ``discrepancy``).
    discrepancy_grams: float = Field(ge=0)


@register_event("inventory.usage.recorded.v1")
class UsageRecordedV1(EventPayload):
    """The outcome of a run's deduction (production shows discrepancies on the run)."""

    run_id: uuid.UUID
    source_event_type: str
    spools: list[SpoolUsage]
