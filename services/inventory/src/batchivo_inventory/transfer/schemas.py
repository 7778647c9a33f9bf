"""The import report (every endpoint of ``/inventory/import`` answers one)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, HttpUrl

from batchivo_inventory.transfer.service import Outcome


class RowIssue(BaseModel):
    """A bad row: its line in the file (CSV: the header is line 1; JSON: the item's 1-based position)."""

    line: int
    field: str | None
    message: str


class RowOutcome(BaseModel):
    line: int
    kind: Literal["filament_type", "spool"]
    #: ``skipped``: the row found an archived spool, which an import neither restores nor changes.
    action: Literal["created", "updated", "unchanged", "skipped"]
    #: The row's id; in a dry run a created row's id is only a placeholder.
    id: uuid.UUID
    label: str
    #: Why the row was skipped.
    note: str | None = None


class ImportReport(BaseModel):
    source: Literal["csv", "spoolman", "spoolmandb"]
    #: The Spoolman instance whose ids were matched: its name, or its normalised URL; None for the default
    #: instance (an upload without a name) and for the other sources.
    instance: str | None = None
    dry_run: bool
    #: True when the rows were written: a real run without any bad row (Spoolman: bad rows are skipped).
    applied: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    #: Rows that found an archived spool (see ``RowOutcome.action``).
    skipped: int
    failed: int
    filament_types_created: int
    filament_types_updated: int
    material_types_created: list[str]
    errors: list[RowIssue]
    results: list[RowOutcome]


class UrlImport(BaseModel):
    url: HttpUrl = Field(description="Where to fetch the data (http or https)")


def report(
    outcome: Outcome,
    *,
    source: Literal["csv", "spoolman", "spoolmandb"],
    kind: Literal["filament_type", "spool"],
    dry_run: bool,
    rows: int,
    instance: str | None = None,
) -> ImportReport:
    failed_lines = {e.line for e in outcome.errors}
    return ImportReport(
        source=source,
        instance=instance,
        dry_run=dry_run,
        applied=not dry_run and not outcome.blocked,
        rows=rows,
        created=outcome.count(kind, "created"),
        updated=outcome.count(kind, "updated"),
        unchanged=outcome.count(kind, "unchanged"),
        skipped=outcome.count(kind, "skipped"),
        failed=len(failed_lines),
        filament_types_created=outcome.count("filament_type", "created"),
        filament_types_updated=outcome.count("filament_type", "updated"),
        material_types_created=outcome.material_types_created,
        errors=[RowIssue(line=e.line, field=e.field, message=e.message) for e in outcome.errors],
        results=[
            RowOutcome(line=r.line, kind=r.kind, action=r.action, id=r.id, label=r.label, note=r.note)
            for r in outcome.results
        ],
    )
