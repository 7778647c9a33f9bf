"""Events the production service publishes that inventory and the catalog consume (design.md §2.10).

Only the fields inventory needs are declared; the models ignore unknown fields (additive changes keep v1).
"""

from __future__ import annotations

import uuid

from pydantic import Field

from batchivo_common.messaging.envelope import EventPayload, register_event

#: Grams per spool in one event: positive, at most 100 kg.
_GRAMS = Field(gt=0, le=100000)


class SpoolGrams(EventPayload):
    spool_id: uuid.UUID
    grams: float = _GRAMS


class SpoolWaste(EventPayload):
    spool_id: uuid.UUID
    waste_grams: float = _GRAMS


class ModelOutcome(EventPayload):
    """A model's good units in a run and their actual unit cost (the catalog's actual cost and stock)."""

    model_id: uuid.UUID
    successful_units: int = Field(ge=0, le=1_000_000)
    actual_unit_cost: float | None = Field(default=None, ge=0)


@register_event("production.run.completed.v1")
class RunCompletedV1(EventPayload):
    run_id: uuid.UUID
    run_number: str | None = None
    materials: list[SpoolGrams]
    #: Added in v1 (additive): the catalog's input; absent in older events.
    models: list[ModelOutcome] = Field(default_factory=list)


@register_event("production.run.failed.v1")
class RunFailedV1(EventPayload):
    run_id: uuid.UUID
    reason: str | None = None
    materials: list[SpoolWaste]


@register_event("production.run.cancelled.v1")
class RunCancelledV1(EventPayload):
    run_id: uuid.UUID
    materials: list[SpoolGrams] = Field(default_factory=list)


@register_event("production.run.reverted.v1")
class RunRevertedV1(EventPayload):
    """The run is undone: return ``grams`` to each spool; the catalog removes the run's contribution by
    ``run_id`` (``models`` is informational)."""

    run_id: uuid.UUID
    materials: list[SpoolGrams]
    models: list[ModelOutcome] = Field(default_factory=list)
