"""The run list (``GET /production-runs``): a page with its items and material lines in one statement, and
the response built as plain JSON values.

The statement reads the page's runs as plain rows (the columns a response shows), the total as its own
count (a scalar subquery, computed once), and, on the first row only, every item and material line of the
page with the read models' sku, name, spool code and filament type, as one JSON text parsed with
``Decimal`` numbers (so the variance rules get exactly what ORM rows would give them). No ORM objects, no
pydantic validation of trusted rows: :func:`run_json` builds what ``RunRead`` would serialise to, key for
key (``tests/api/test_list_golden.py`` holds it to the recorded bytes, and checks each item against
``GET /production-runs/{id}``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg
from batchivo_common.db.driver import DriverQuery
from batchivo_common.responses import number
from sqlalchemy import ColumnElement, TextClause, exists, or_, text

from batchivo_production.runs import rules
from batchivo_production.runs.models import ProductionRun, RunItem

RUNS = ProductionRun.__table__
ITEMS = RunItem.__table__

#: The run columns of a list page, in the order :func:`run_json` reads them.
PAGE_COLUMNS = (
    "id",
    "run_number",
    "printer_id",
    "status",
    "run_date",
    "started_at",
    "completed_at",
    "duration_hours",
    "estimated_print_time_hours",
    "slicer",
    "nozzle_temp",
    "bed_temp",
    "quality_rating",
    "notes",
    "failure_reason",
    "original_run_id",
    "cost_per_gram_actual",
    "deduction_status",
    "deduction",
    "version",
    "created_at",
    "updated_at",
)

#: Every item and material line of the page's runs (the ``page`` CTE), with what the read models know of
#: their model and spool (a forgotten one: nulls), as one JSON array of two arrays.
LINES_SQL = """
select json_build_array(
  (select json_agg(json_build_array(i.run_id, i.id, i.model_id, m.sku, m.name, i.quantity,
                                    i.successful_quantity, i.failed_quantity, i.bed_position,
                                    i.bom_grams_per_unit, i.actual_unit_cost)
                   order by i.bed_position, i.id)
     from production.run_items i
     left join production.models m on m.tenant_id = i.tenant_id and m.id = i.model_id
     where i.run_id = any(array(select id from page))),
  (select json_agg(json_build_array(x.run_id, x.id, x.spool_id, s.code, s.filament_type_id,
                                    x.estimated_model_grams, x.estimated_flush_grams, x.estimated_tower_grams,
                                    x.weight_before, x.weight_after, x.actual_model_grams,
                                    x.actual_flush_grams, x.actual_tower_grams, x.cost_per_gram)
                   order by x.id)
     from production.run_materials x
     left join production.spools s on s.tenant_id = x.tenant_id and s.id = x.spool_id
     where x.run_id = any(array(select id from page)))
)::text
"""


def conditions(
    tenant_id: uuid.UUID,
    *,
    status: str | None = None,
    printer_id: uuid.UUID | None = None,
    model_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
) -> list[ColumnElement[bool]]:
    """The list's filters (the list and the JSON Lines export), on the runs table's columns."""
    r = RUNS.c
    found: list[ColumnElement[bool]] = [r.tenant_id == tenant_id]
    if status is not None:
        found.append(r.status == status)
    if printer_id is not None:
        found.append(r.printer_id == printer_id)
    if date_from is not None:
        found.append(r.run_date >= date_from)
    if date_to is not None:
        found.append(r.run_date <= date_to)
    if model_id is not None:
        found.append(exists().where(ITEMS.c.run_id == r.id, ITEMS.c.model_id == model_id))
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found.append(or_(r.run_number.ilike(pattern), r.notes.ilike(pattern)))
    return found


@dataclass(frozen=True, slots=True)
class ListFilters:
    """The list's query parameters (all optional but the tenant)."""

    status: str | None = None
    printer_id: uuid.UUID | None = None
    model_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None

    def params(self) -> dict[str, Any]:
        """The bind values of the filters that are set (what :func:`page_statement` names)."""
        values: dict[str, Any] = {
            "status": self.status,
            "printer_id": self.printer_id,
            "model_id": self.model_id,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }
        if self.q:
            escaped = self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            values["pattern"] = f"%{escaped}%"
        return {k: v for k, v in values.items() if v is not None}


#: The SQL of each filter, by its bind name (``ilike`` escapes with a backslash, PostgreSQL's default).
_FILTERS = {
    "status": "r.status = :status",
    "printer_id": "r.printer_id = :printer_id",
    "date_from": "r.run_date >= :date_from",
    "date_to": "r.run_date <= :date_to",
    "model_id": "exists (select from production.run_items i where i.run_id = r.id"
    " and i.model_id = :model_id)",
    "pattern": "(r.run_number ilike :pattern or r.notes ilike :pattern)",
}


_STATEMENTS: dict[frozenset[str], tuple[DriverQuery, DriverQuery]] = {}


def page_statement(filters: frozenset[str]) -> tuple[DriverQuery, DriverQuery]:
    """The page statement for the set of filters given, and the count alone (for a page past the end): one
    pair per combination (at most 64), built and compiled once. A statement built and keyed anew per
    request cost ~1 ms of CPU in SQLAlchemy (measured, 2026-12-07), as much as the rest of the read. Only
    the constant fragments above are joined into it; every value is a bind parameter."""
    found = _STATEMENTS.get(filters)
    if found is not None:
        return found
    where = " and ".join(["r.tenant_id = :tenant", *(_FILTERS[f] for f in sorted(filters))])
    columns = ", ".join(f"r.{c}" for c in PAGE_COLUMNS)
    order = "run_date desc, run_number desc"
    page: TextClause = text(
        f"""
with page as (
    select {columns} from production.production_runs r
    where {where}
    order by r.{order.replace(", ", ", r.")}
    limit :limit offset :offset
)
select page.*,
       (select count(*) from production.production_runs r where {where}) as total,
       case when row_number() over (order by {order}) = 1 then ({LINES_SQL}) end as lines
from page
order by {order}
"""  # noqa: S608 - constant fragments only, every value is a bind parameter
    )
    count = text(f"select count(*) from production.production_runs r where {where}")  # noqa: S608 - as above
    found = _STATEMENTS[filters] = (DriverQuery(page), DriverQuery(count))
    return found


async def read_page(
    connection: asyncpg.Connection, tenant_id: uuid.UUID, filters: ListFilters, *, limit: int, offset: int
) -> tuple[Sequence[Any], int, str | None]:
    """The page's rows (``PAGE_COLUMNS``), the total and the text of its lines (:data:`LINES_SQL`), in one
    statement on the driver (``DriverReadDep``, ADR 0026); a second one only to count when an offset ran
    past the end."""
    params = filters.params()
    page, count = page_statement(frozenset(params))
    params["tenant"] = tenant_id
    rows = await page.fetch(connection, {**params, "limit": limit, "offset": offset})
    if rows:
        return rows, int(rows[0][len(PAGE_COLUMNS)]), rows[0][len(PAGE_COLUMNS) + 1]
    if offset == 0:
        return [], 0, None
    counted = await count.fetchrow(connection, params)
    return [], int(counted[0]) if counted is not None else 0, None


def _variance(estimated: Decimal, actual: Decimal | None) -> tuple[float | None, float | None]:
    var = rules.variance(estimated, actual)
    return (None, None) if var is None else (float(var.grams), number(var.percent))


def page_json(rows: Sequence[Any], lines: str | None) -> list[dict[str, Any]]:
    """The ``RunRead`` of each row as plain JSON values (key order and numbers as pydantic writes them)."""
    items: dict[str, list[list[Any]]] = {}
    materials: dict[str, list[list[Any]]] = {}
    if lines is not None:
        all_items, all_materials = json.loads(lines, parse_float=Decimal)
        for line in all_items or ():
            items.setdefault(line[0], []).append(line)
        for line in all_materials or ():
            materials.setdefault(line[0], []).append(line)
    result = []
    for row in rows:
        key = str(row[0])
        result.append(run_json(row, items.get(key, ()), materials.get(key, ())))
    return result


def run_json(
    row: Sequence[Any], items: Sequence[list[Any]], materials: Sequence[list[Any]]
) -> dict[str, Any]:
    """One run: ``row`` in ``PAGE_COLUMNS`` order, its item and material lines as :data:`LINES_SQL` writes
    them (numbers as ``Decimal``). The figures come from the same rules as ``RunService._view``."""
    (
        run_id,
        run_number,
        printer_id,
        status,
        run_date,
        started_at,
        completed_at,
        duration_hours,
        estimated_hours,
        slicer,
        nozzle_temp,
        bed_temp,
        quality_rating,
        notes,
        failure_reason,
        original_run_id,
        cost_per_gram_actual,
        deduction_status,
        deduction,
        version,
        created_at,
        updated_at,
    ) = row[: len(PAGE_COLUMNS)]
    material_json = []
    estimated_total = Decimal(0)
    actual_total: Decimal | None = Decimal(0)
    for (
        _,
        line_id,
        spool_id,
        code,
        filament_type_id,
        e_model,
        e_flush,
        e_tower,
        before,
        after,
        a_model,
        a_flush,
        a_tower,
        per_gram,
    ) in materials:
        line = rules.Line(
            Decimal(e_model), Decimal(e_flush), Decimal(e_tower), before, after, a_model, a_flush, a_tower
        )
        estimated, actual = line.estimated, line.actual
        estimated_total += estimated
        actual_total = None if actual_total is None or actual is None else actual_total + actual
        var_grams, var_pct = _variance(estimated, actual)
        material_json.append(
            {
                "id": line_id,
                "spool_id": spool_id,
                "spool_code": code,
                "filament_type_id": filament_type_id,
                "estimated_model_grams": float(e_model),
                "estimated_flush_grams": float(e_flush),
                "estimated_tower_grams": float(e_tower),
                "estimated_grams": float(estimated),
                "weight_before": number(before),
                "weight_after": number(after),
                "actual_model_grams": number(a_model),
                "actual_flush_grams": number(a_flush),
                "actual_tower_grams": number(a_tower),
                "actual_grams": number(actual),
                "variance_grams": var_grams,
                "variance_pct": var_pct,
                "cost_per_gram": number(per_gram),
            }
        )
    if not materials:
        actual_total = None
    run_grams, run_pct = _variance(estimated_total, actual_total)
    planned = good = 0
    outcome_known = False
    item_json = []
    for _, item_id, model_id, sku, name, quantity, successful, failed, bed, bom, unit_cost in items:
        planned += quantity
        if successful is not None:
            good += successful
            outcome_known = True
        item_json.append(
            {
                "id": item_id,
                "model_id": model_id,
                "sku": sku,
                "name": name,
                "quantity": quantity,
                "successful_quantity": successful,
                "failed_quantity": failed,
                "bed_position": bed,
                "bom_grams_per_unit": number(bom),
                "actual_unit_cost": number(unit_cost),
            }
        )
    return {
        "id": run_id,
        "run_number": run_number,
        "printer_id": printer_id,
        "status": status,
        "run_date": run_date,
        "started_at": started_at,
        "completed_at": completed_at,
        "duration_hours": number(duration_hours),
        "estimated_print_time_hours": number(estimated_hours),
        "slicer": slicer,
        "nozzle_temp": nozzle_temp,
        "bed_temp": bed_temp,
        "quality_rating": quality_rating,
        "notes": notes,
        "failure_reason": failure_reason,
        "original_run_id": original_run_id,
        "items": item_json,
        "materials": material_json,
        "estimated_grams": float(estimated_total),
        "actual_grams": number(actual_total),
        "variance_grams": run_grams,
        "variance_pct": run_pct,
        "time_variance_hours": number(rules.time_variance(estimated_hours, duration_hours)),
        "success_rate": number(rules.success_rate(good, planned)) if outcome_known else None,
        "cost_per_gram_actual": number(cost_per_gram_actual),
        "deduction": {
            "status": deduction_status,
            "spools": [
                {
                    "spool_id": uuid.UUID(str(s["spool_id"])),
                    "booked_grams": float(s["booked_grams"]),
                    "discrepancy_grams": float(s["discrepancy_grams"]),
                }
                for s in deduction or ()
            ],
        },
        "version": version,
        "created_at": created_at,
        "updated_at": updated_at,
    }
