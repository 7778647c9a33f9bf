"""The event types an endpoint may subscribe to: every public event of design.md §2.10, plus the test
event an admin sends from the endpoint page. An explicit list: no wildcard, so a new event type reaches no
receiver until it is added here (and documented) on purpose."""

from __future__ import annotations

from collections.abc import Iterable

TEST_EVENT_TYPE = "webhooks.test.v1"

#: Event type → what it means for a receiver.
PUBLIC_EVENTS: dict[str, str] = {
    "auth.tenant.created.v1": "The shop (tenant) was created.",
    "inventory.filament_type.created.v1": "A filament type was created.",
    "inventory.filament_type.updated.v1": "A filament type changed (full current state).",
    "inventory.filament_type.deleted.v1": "A filament type was deleted (its last state).",
    "inventory.spool.created.v1": "A spool was added to the stock.",
    "inventory.spool.updated.v1": "A spool changed, its weight included (full current state).",
    "inventory.spool.archived.v1": "A spool was archived.",
    "inventory.spool.deleted.v1": "A spool was deleted (its last state).",
    "inventory.spool.usage_reported.v1": "A printer's API key started reporting filament use on a spool "
    "(once per usage row it opens, not per report).",
    "inventory.stock.low.v1": "A spool or filament type fell under its low-stock threshold.",
    "inventory.usage.recorded.v1": "Filament used by a production run was booked against the spools.",
    "catalog.model.created.v1": "A model (printable part with its bill of materials) was created.",
    "catalog.model.updated.v1": "A model changed (full current state).",
    "catalog.model.deleted.v1": "A model was deleted (its last state).",
    "catalog.product.created.v1": "A product (models x quantity) was created.",
    "catalog.product.updated.v1": "A product changed (full current state).",
    "catalog.product.deleted.v1": "A product was deleted (its last state).",
    "production.run.completed.v1": "A production run was completed with its actual usage and unit costs.",
    "production.run.failed.v1": "A production run failed, with the waste per spool.",
    "production.run.cancelled.v1": "A production run was cancelled.",
    "production.run.reverted.v1": "A completed production run was reverted; its grams go back.",
}

#: What an endpoint may list in ``event_types`` (the test event is sent to any endpoint on request).
SUBSCRIBABLE: tuple[str, ...] = tuple(PUBLIC_EVENTS)


def unknown_event_types(wanted: Iterable[str]) -> list[str]:
    """The entries of ``wanted`` that are not public events (``*`` included: there is no wildcard)."""
    return sorted({event_type for event_type in wanted if event_type not in PUBLIC_EVENTS})
