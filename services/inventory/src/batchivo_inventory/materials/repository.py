"""Queries on material and filament types (RLS limits them to the bound tenant; globals are readable)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Update,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.barcodes.models import FilamentTypeBarcode
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spools import search, search_sql
from batchivo_inventory.spools.models import Spool

# The statements of the hot paths (a spool's create, use, weighing), built once with bound parameters:
# building a select and its cache key cost more Python than running it (bench/README.md, issue 14).
ONE_TYPE = (
    select(FilamentType, MaterialType)
    .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
    .where(FilamentType.id == bindparam("filament_type_id"), FilamentType.tenant_id == bindparam("tenant_id"))
)
_ONE_TYPE_LOCKED = ONE_TYPE.with_for_update(of=FilamentType).execution_options(populate_existing=True)
_BUMP_TYPE = (
    update(FilamentType)
    # An UPDATE's parameters may not be named like its table's columns.
    .where(FilamentType.id == bindparam("match_id"), FilamentType.tenant_id == bindparam("match_tenant"))
    .values(version=FilamentType.version + 1, updated_at=func.now())
    .returning(FilamentType)
    # The RETURNING row refreshes the type's entity (populate_existing); matching the WHERE against every
    # loaded entity as well (synchronize_session's default) only cost CPU on every priced create.
    .execution_options(populate_existing=True, synchronize_session=False)
)
_ACTIVE_GRAMS = select(func.coalesce(func.sum(Spool.current_weight), 0)).where(
    Spool.filament_type_id == bindparam("filament_type_id"), Spool.is_archived.is_(False)
)


class Duplicate(Exception):
    """A unique constraint refused the row (HTTP 409 CONFLICT)."""


def _visible(tenant_id: uuid.UUID) -> ColumnElement[bool]:
    return or_(MaterialType.tenant_id.is_(None), MaterialType.tenant_id == tenant_id)


class MaterialTypeRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, tenant_id: uuid.UUID, material_type_id: uuid.UUID) -> MaterialType | None:
        stmt = select(MaterialType).where(MaterialType.id == material_type_id, _visible(tenant_id))
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def page(
        self, tenant_id: uuid.UUID, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[MaterialType], int]:
        columns = {
            "code": MaterialType.code,
            "name": MaterialType.name,
            "created_at": MaterialType.created_at,
        }
        order = columns[sort].desc() if descending else columns[sort].asc()
        stmt = select(MaterialType).where(_visible(tenant_id)).order_by(order, MaterialType.id)
        rows = (await self.session.execute(stmt.limit(limit).offset(offset))).scalars().all()
        total = await self.session.scalar(
            select(func.count()).select_from(MaterialType).where(_visible(tenant_id))
        )
        return rows, int(total or 0)

    async def code_taken(self, tenant_id: uuid.UUID, code: str) -> bool:
        stmt = select(exists().where(func.upper(MaterialType.code) == code.upper(), _visible(tenant_id)))
        return bool(await self.session.scalar(stmt))

    async def insert(self, material: MaterialType) -> None:
        await _insert(self.session, material)

    async def flush(self) -> None:
        await self.session.flush()

    async def in_use(self, material_type_id: uuid.UUID) -> bool:
        stmt = select(exists().where(FilamentType.material_type_id == material_type_id))
        return bool(await self.session.scalar(stmt))

    async def delete(self, material: MaterialType) -> None:
        await self.session.execute(delete(MaterialType).where(MaterialType.id == material.id))


def _document() -> ColumnElement[Any]:
    """A filament type's search document, built when searched (a shop has tens or hundreds of types): the
    words of its brand, colour, finish and material code and name as a spool's document has them (weight B,
    the database's ``inventory.spool_search_document``), and its remembered retail codes (weight A): each as
    stored, without its leading zeros, and a UPC-A (stored as 13 digits from a 0) also as its 12 printed
    digits, so the code on the box finds it whole or by its start. Accents folded, like every document."""
    code = FilamentTypeBarcode.code
    upc_a = case((and_(func.length(code) == 13, func.left(code, 1) == "0"), func.substr(code, 2)))
    codes = (
        select(func.string_agg(func.concat_ws(" ", func.inventory.search_identifier(code), upc_a), " "))
        .where(FilamentTypeBarcode.filament_type_id == FilamentType.id)
        .scalar_subquery()
    )
    described = func.inventory.spool_search_document(
        null(),
        null(),
        null(),
        null(),
        FilamentType.brand,
        FilamentType.color_name,
        FilamentType.finish,
        MaterialType.code,
        MaterialType.name,
        type_=TSVECTOR,
    )
    coded = func.setweight(
        func.to_tsvector(literal_column("'simple'"), func.coalesce(codes, "")),
        literal_column("'A'"),
        type_=TSVECTOR,
    )
    return described.op("||", return_type=TSVECTOR)(coded)


class FilamentTypeRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def export_query(self, tenant_id: uuid.UUID) -> Select[FilamentType]:
        return select(FilamentType).where(FilamentType.tenant_id == tenant_id)

    async def materials_of(self, material_type_ids: set[uuid.UUID]) -> dict[uuid.UUID, MaterialType]:
        if not material_type_ids:
            return {}
        stmt = select(MaterialType).where(MaterialType.id.in_(material_type_ids))
        return {m.id: m for m in (await self.session.scalars(stmt)).all()}

    async def get(
        self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[FilamentType, MaterialType] | None:
        stmt = _ONE_TYPE_LOCKED if for_update else ONE_TYPE
        params = {"filament_type_id": filament_type_id, "tenant_id": tenant_id}
        row = (await self.session.execute(stmt, params)).first()
        return (row[0], row[1]) if row is not None else None

    async def bump_version(
        self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID
    ) -> tuple[FilamentType, MaterialType] | None:
        """Lock the type's row and move its version on, in one statement (an UPDATE locks like FOR UPDATE);
        its material usually comes from the session's identity map (the caller loaded the type)."""
        params = {"match_id": filament_type_id, "match_tenant": tenant_id}
        return await self._bumped(_BUMP_TYPE, params)

    async def _bumped(
        self, statement: Update, params: dict[str, Any]
    ) -> tuple[FilamentType, MaterialType] | None:
        filament = (await self.session.scalars(statement, params)).one_or_none()
        if filament is None:
            return None
        material = await self.session.get(MaterialType, filament.material_type_id)
        assert material is not None  # the foreign key keeps it
        return filament, material

    async def page(
        self,
        tenant_id: uuid.UUID,
        *,
        limit: int,
        offset: int,
        sort: str,
        descending: bool,
        material_type_id: uuid.UUID | None = None,
        q: str | None = None,
    ) -> tuple[Sequence[tuple[FilamentType, MaterialType]], int]:
        columns: dict[str, Any] = {  # sort name → column or score expression
            "brand": FilamentType.brand,
            "color_name": FilamentType.color_name,
            "created_at": FilamentType.created_at,
            "material_code": MaterialType.code,
        }
        where: list[ColumnElement[bool]] = [FilamentType.tenant_id == tenant_id]
        if material_type_id is not None:
            where.append(FilamentType.material_type_id == material_type_id)
        # ``q`` follows the spool search's rules (spools/search.py): every term in any field, prefixes,
        # typos, accents folded; ``relevance`` orders by the same score.
        terms = search.parse(q) if q else []
        if terms:
            query = await search_sql.query(self.session, terms)
            document = _document()
            where.append(search_sql.matches(document, query.match))
            # A higher score is better: "relevance" lists the best first, "-relevance" the worst first.
            columns["relevance"] = -search_sql.score(document, query)
        else:
            # Without a query, relevance is the plain order (material, brand, colour: the ties below).
            columns["relevance"] = MaterialType.code
        order = columns[sort].desc() if descending else columns[sort].asc()
        base = select(FilamentType, MaterialType).join(
            MaterialType, MaterialType.id == FilamentType.material_type_id
        )
        # Ties are broken the same way on every page: material, then brand, then colour name, then id.
        ties = (MaterialType.code, FilamentType.brand, FilamentType.color_name, FilamentType.id)
        stmt = base.where(*where).order_by(order, *ties).limit(limit).offset(offset)
        rows = [(r[0], r[1]) for r in (await self.session.execute(stmt)).all()]
        count = (
            select(func.count())
            .select_from(FilamentType)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(*where)
        )
        return rows, int(await self.session.scalar(count) or 0)

    async def insert(self, filament: FilamentType) -> None:
        await _insert(self.session, filament)

    async def flush(self) -> None:
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError as exc:
            if "uq_" in str(exc.orig):
                raise Duplicate(str(exc.orig)) from None
            raise

    async def ids_of_material(self, tenant_id: uuid.UUID, material_type_id: uuid.UUID) -> list[uuid.UUID]:
        """The tenant's filament types of one material type, in id order (the lock order)."""
        rows = await self.session.scalars(
            select(FilamentType.id)
            .where(FilamentType.tenant_id == tenant_id, FilamentType.material_type_id == material_type_id)
            .order_by(FilamentType.id)
        )
        return list(rows)

    async def in_use(self, filament_type_id: uuid.UUID) -> bool:
        return bool(
            await self.session.scalar(select(exists().where(Spool.filament_type_id == filament_type_id)))
        )

    async def delete(self, filament: FilamentType) -> None:
        await self.session.execute(delete(FilamentType).where(FilamentType.id == filament.id))

    async def active_grams(self, filament_type_id: uuid.UUID) -> Decimal:
        grams = await self.session.scalar(_ACTIVE_GRAMS, {"filament_type_id": filament_type_id})
        return Decimal(grams or 0)


async def _insert(session: AsyncSession, row: object) -> None:
    """Insert in a savepoint; :class:`Duplicate` (and nothing written) when a unique key refuses it."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as exc:
        if "uq_" in str(exc.orig):
            raise Duplicate(str(exc.orig)) from None
        raise
