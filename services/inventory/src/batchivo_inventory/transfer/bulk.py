"""Bulk inserts for imports: one ``INSERT … SELECT FROM unnest(<one array per column>)`` per table.

An executemany of 10,000 rows is rewritten by SQLAlchemy into multi-row ``VALUES`` of thousands of
parameters (slow to build and to plan); one array per column is one parameter each and one statement.
New spools also get their search documents here, set-based: the ``spools_search_document`` trigger stands
aside while ``app.spool_search_bulk`` is on (migration ``0010_import_sources``), the ``INSERT`` computes
``search_document`` with the trigger's own ``spool_search_document(...)`` call, and the new words are added
to the tenant's search words once, not once per spool.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from batchivo_inventory.materials.models import FilamentType, MaterialType

#: Rows per statement: bounds the size of one message (and of one array) for very large imports.
BATCH = 5000


def unnest_rows(table: Table, rows: Sequence[Mapping[str, Any]]) -> Select[Any]:
    """``SELECT unnest($1::t1[]) AS c1, unnest($2::t2[]) AS c2, …``: the rows as one relation (all rows
    have the same keys; PostgreSQL zips ``unnest`` calls of equal length in a select list)."""
    columns = list(rows[0])
    return select(
        *[
            func.unnest(
                bindparam(f"p_{name}", value=[row[name] for row in rows], type_=ARRAY(table.c[name].type))
            ).label(name)
            for name in columns
        ]
    )


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        source = unnest_rows(table, part).subquery("r")
        columns = list(part[0])
        await session.execute(
            insert(table).from_select(columns, select(*[source.c[name] for name in columns]))
        )


async def insert_keys(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]], *, conflict: Sequence[str]
) -> None:
    """Insert import keys; a key that exists is pointed at the new target (keys are unique per row set)."""
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        source = unnest_rows(table, part).subquery("r")
        columns = list(part[0])
        stmt = insert(table).from_select(columns, select(*[source.c[name] for name in columns]))
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[name] for name in conflict],
            set_={"target_id": stmt.excluded.target_id, "updated_at": func.now()},
        )
        await session.execute(stmt)


def _search_document(r: Any) -> ColumnElement[Any]:
    """The trigger's document of a new spool (``inventory.spools_search_document``, 0004/0009)."""
    return func.inventory.spool_search_document(
        r.c.code,
        r.c.supplier,
        r.c.location,
        r.c.lot_number,
        FilamentType.brand,
        FilamentType.color_name,
        FilamentType.finish,
        MaterialType.code,
        MaterialType.name,
    )


async def insert_spools(
    session: AsyncSession, table: Table, tenant_id: uuid.UUID, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert new spools with their search documents, then add their words to the tenant's search words."""
    if not rows:
        return
    # Transaction-local; if a statement fails, the import's savepoint rolls the setting back with it.
    await session.execute(text("SELECT set_config('app.spool_search_bulk', 'on', true)"))
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        source = unnest_rows(table, part).subquery("r")
        columns = list(part[0])
        # Outer joins: a row naming no filament type must fail on the foreign key, not vanish.
        query = (
            select(*[source.c[name] for name in columns], _search_document(source))
            .select_from(source)
            .outerjoin(FilamentType, FilamentType.id == source.c.filament_type_id)
            .outerjoin(MaterialType, MaterialType.id == FilamentType.material_type_id)
        )
        await session.execute(insert(table).from_select([*columns, "search_document"], query))
    await session.execute(text("SELECT set_config('app.spool_search_bulk', 'off', true)"))
    ids = [row["id"] for row in rows]
    await session.execute(
        text(
            "SELECT inventory.add_search_terms("
            "  :tenant, array_to_tsvector(coalesce(array_agg(DISTINCT w), '{}')))"
            " FROM inventory.spools s, unnest(tsvector_to_array(s.search_document)) AS w"
            " WHERE s.tenant_id = :tenant AND s.id = ANY(:ids)"
        ).bindparams(
            bindparam("tenant", type_=FilamentType.__table__.c.tenant_id.type),
            bindparam("ids", type_=ARRAY(table.c.id.type)),
        ),
        {"tenant": tenant_id, "ids": ids},
    )
