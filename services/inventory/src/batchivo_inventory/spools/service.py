"""Use cases of spools and their weight ledger.

Every change of ``current_weight`` goes through :meth:`SpoolService.book`: the spool row is locked
(``SELECT ... FOR UPDATE``), the movement is computed by the pure rules, the spool is updated and one ledger
row is appended, all in the caller's transaction. So concurrent changes queue on the row and none is lost,
and ``current_weight == Σ delta`` of the spool's ledger rows at every commit.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.inventory import SpoolStateV1
from batchivo_common.errors import BadRequest, Conflict, NotFound
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.db import outbox
from batchivo_inventory.locations.models import Location
from batchivo_inventory.locations.repository import LocationRepository, SpoolEventRepository
from batchivo_inventory.locations.rules import EventKind
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.materials.repository import FilamentTypeRepository
from batchivo_inventory.materials.service import FilamentTypeService
from batchivo_inventory.spools import rules, weighing
from batchivo_inventory.spools.models import InventoryTransaction, Spool
from batchivo_inventory.spools.repository import (
    CodeTaken,
    FilamentTypeGone,
    LedgerRepository,
    SpoolFilters,
    SpoolPageResult,
    SpoolRepository,
    SpoolRow,
    TransactionFilters,
)
from batchivo_inventory.stock.service import StockService

PRODUCER = "inventory"
_CODE_ATTEMPTS = 20
#: Fields whose change moves the filament type's cost per gram (its ``updated`` event is republished).
_COST_FIELDS = frozenset({"purchase_price", "initial_weight", "filament_type_id"})


#: The order of a spools export page (``ix_spools_tenant_id_created_at_id`` serves it): new spools come last.
EXPORT_KEY = (Spool.created_at, Spool.id)


class SpoolService:
    def __init__(self, session: AsyncSession, *, default_threshold_pct: Decimal = Decimal(20)):
        self.session = session
        self.spools = SpoolRepository(session)
        self.ledger = LedgerRepository(session)
        self.filaments = FilamentTypeRepository(session)
        self.filament_types = FilamentTypeService(session)
        self.stock = StockService(session)
        self.locations = LocationRepository(session)
        self.events = SpoolEventRepository(session)
        self.default_threshold_pct = default_threshold_pct

    # --- reads ---------------------------------------------------------------------------------------------

    async def get(self, principal: Principal, spool_id: uuid.UUID) -> SpoolRow:
        return await self._row(principal.tenant_id, spool_id)

    async def page(
        self,
        principal: Principal,
        filters: SpoolFilters,
        *,
        limit: int,
        offset: int,
        sort: str,
        descending: bool,
    ) -> SpoolPageResult:
        return await self.spools.page(
            principal.tenant_id, filters, limit=limit, offset=offset, sort=sort, descending=descending
        )

    async def export_query(self, principal: Principal, filters: SpoolFilters) -> Select[Spool]:
        """The spools of the list's ``filters`` as a query for a keyset export (key: :data:`EXPORT_KEY`)."""
        return await self.spools.export_query(principal.tenant_id, filters)

    async def rows_of(self, spools: list[Spool]) -> list[SpoolRow]:
        """``spools`` with their filament and material types (one query for the batch)."""
        return await self.spools.with_types(spools)

    async def transactions(
        self, principal: Principal, filters: TransactionFilters, *, limit: int, offset: int, descending: bool
    ) -> tuple[list[tuple[InventoryTransaction, str]], int]:
        if filters.spool_id is not None:
            await self._row(principal.tenant_id, filters.spool_id)  # 404 for a missing/foreign spool
        return await self.ledger.page(
            principal.tenant_id, filters, limit=limit, offset=offset, descending=descending
        )

    # --- creation ------------------------------------------------------------------------------------------

    async def create(self, principal: Principal, fields: dict[str, Any]) -> SpoolRow:
        rows = await self._create_many(principal, fields, quantity=1)
        return rows[0]

    async def create_bulk(
        self, principal: Principal, fields: dict[str, Any], quantity: int
    ) -> list[SpoolRow]:
        return await self._create_many(principal, fields, quantity=quantity)

    async def duplicate(self, principal: Principal, spool_id: uuid.UUID) -> SpoolRow:
        """A new full spool like ``spool_id`` (same type, weights, price, supplier, location); a new code."""
        source = (await self._row(principal.tenant_id, spool_id)).spool
        fields = {
            "filament_type_id": source.filament_type_id,
            "initial_weight": source.initial_weight,
            "empty_spool_weight": source.empty_spool_weight,
            "purchase_price": source.purchase_price,
            "purchase_date": source.purchase_date,
            "supplier": source.supplier,
            "location": source.location,
            "lot_number": source.lot_number,
            "low_stock_threshold_pct": source.low_stock_threshold_pct,
        }
        return (await self._create_many(principal, fields, quantity=1))[0]

    async def _create_many(
        self, principal: Principal, fields: dict[str, Any], *, quantity: int
    ) -> list[SpoolRow]:
        tenant_id = principal.tenant_id
        fields = dict(fields)
        loaded = await self._type_and_place(tenant_id, fields)
        chosen_code = fields.pop("code", None)
        current = fields.pop("current_weight", None)
        if fields.get("low_stock_threshold_pct") is None:
            fields["low_stock_threshold_pct"] = self.default_threshold_pct
        created: list[SpoolRow] = []
        cost_moved = False
        for _ in range(quantity):
            spool = Spool(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                current_weight=fields["initial_weight"] if current is None else current,
                version=1,
                is_archived=False,
                low_stock_notified=False,
                **fields,
            )
            purchase = {
                "tenant_id": tenant_id,
                "spool_id": spool.id,
                "kind": rules.Kind.purchase.value,
                "grams_before": Decimal(0),
                "delta": spool.current_weight,
                "grams_after": spool.current_weight,
                "reason": "purchase",
                "actor_id": principal.user_id,
            }
            try:
                cost_moved |= await self._insert_with_code(spool, purchase, loaded, chosen_code)
            except FilamentTypeGone:
                raise NotFound("Filament type not found") from None
            row = SpoolRow(spool, loaded[0], loaded[1])
            await self.stock.check_spool(spool)
            created.append(row)
        if cost_moved:
            await self.filament_types.republish(tenant_id, fields["filament_type_id"])
        await self.stock.check_filament_type(tenant_id, fields["filament_type_id"], known=loaded[0])
        return created

    async def _insert_with_code(
        self,
        spool: Spool,
        purchase: dict[str, Any],
        loaded: tuple[FilamentType, MaterialType],
        chosen: str | None,
    ) -> bool:
        """The spool with its purchase row and ``created`` event, in one statement per attempt; whether it
        moved its type's cost per gram."""

        async def attempt(code: str | None) -> bool:
            # Without a chosen code the statement draws the tenant's next number and sets the spool's and
            # its event's code from it: "" holds the place.
            spool.code = "" if code is None else code
            event = spool_event(SpoolRow(spool, *loaded), "created")
            return await self.spools.insert_purchased(spool, purchase, event, draw_code=code is None)

        if chosen is not None:
            try:
                return await attempt(chosen)
            except CodeTaken:
                raise Conflict(f"Spool code {chosen} is already used") from None
        for _ in range(_CODE_ATTEMPTS):
            # A person may have chosen a code that looks generated; skip those numbers.
            try:
                return await attempt(None)
            except CodeTaken:
                continue
        raise Conflict("Could not generate a free spool code")  # pragma: no cover

    # --- changes -------------------------------------------------------------------------------------------

    async def update(
        self, principal: Principal, spool_id: uuid.UUID, changes: dict[str, Any], reason: str | None
    ) -> SpoolRow:
        row = await self._row(principal.tenant_id, spool_id, for_update=True)
        spool = row.spool
        writable(spool)
        old_type = spool.filament_type_id
        old_location = (spool.location_id, spool.location)
        if "location" in changes:
            await self._place_fields(principal.tenant_id, changes)
        new_weight = changes.pop("current_weight", None)
        new_type = changes.get("filament_type_id", old_type)
        if new_type != old_type and await self.filaments.get(principal.tenant_id, new_type) is None:
            raise NotFound("Filament type not found")
        touched_cost = any(
            name in _COST_FIELDS and getattr(spool, name) != value for name, value in changes.items()
        )
        for name, value in changes.items():
            setattr(spool, name, value)
        spool.version += 1
        try:
            await self.spools.flush()
        except CodeTaken:
            raise Conflict(f"Spool code {changes.get('code')} is already used") from None
        if old_location[0] != spool.location_id:
            await self.events.add(
                spool,
                EventKind.moved,
                actor_id=principal.user_id,
                from_location=old_location[1],
                to_location=spool.location,
            )
        if new_weight is not None and new_weight != spool.current_weight:
            await self.move(
                spool,
                rules.Kind.adjustment,
                new_weight - spool.current_weight,
                reason=reason or "manual adjustment",
                actor_id=principal.user_id,
            )
        row = await self._row(principal.tenant_id, spool_id)
        await self.publish(row, "updated")
        await self.stock.check_spool(spool)
        # Both types (when the spool moved) in id order: two such moves cannot deadlock on the type rows.
        for type_id in sorted({old_type, spool.filament_type_id}, key=str):
            if touched_cost:
                await self.filament_types.touched(principal.tenant_id, type_id)
            await self.stock.check_filament_type(principal.tenant_id, type_id)
        return row

    async def weigh(
        self,
        principal: Principal,
        spool_id: uuid.UUID,
        *,
        gross: Decimal | None,
        net: Decimal | None,
        reason: str | None,
        confirm: bool = False,
    ) -> SpoolRow:
        row = await self._row(principal.tenant_id, spool_id, for_update=True)
        spool = row.spool
        writable(spool)
        reading = weighing.read(
            gross=gross, net=net, tare=spool.empty_spool_weight, initial=spool.initial_weight
        )
        if reading.problem is not None and not confirm:
            raise BadRequest(reading.message or reading.problem.value, code=reading.problem.value)
        new_weight = reading.net
        return await self._change(
            principal,
            row,
            rules.Kind.adjustment,
            new_weight - spool.current_weight,
            reason=reason or "weighed",
        )

    async def use(
        self, principal: Principal, spool_id: uuid.UUID, grams: Decimal, reason: str | None
    ) -> SpoolRow:
        row = await self._row(principal.tenant_id, spool_id, for_update=True)
        writable(row.spool)
        try:
            rules.check_usage(row.spool.current_weight, grams)
        except rules.InsufficientStock as exc:
            raise Conflict(str(exc), code="INSUFFICIENT_STOCK") from None
        return await self._change(principal, row, rules.Kind.usage, -grams, reason=reason or "manual usage")

    async def archive(self, principal: Principal, spool_id: uuid.UUID) -> SpoolRow:
        row = await self._row(principal.tenant_id, spool_id, for_update=True)
        if row.spool.is_archived:
            return row
        row.spool.is_archived = True
        row.spool.version += 1
        await self.session.flush()
        await self.events.add(row.spool, EventKind.archived, actor_id=principal.user_id)
        row = await self._row(principal.tenant_id, spool_id)
        await self.publish(row, "archived")
        await self.stock.check_spool(row.spool)
        await self.stock.check_filament_type(principal.tenant_id, row.spool.filament_type_id)
        return row

    async def restore(self, principal: Principal, spool_id: uuid.UUID) -> SpoolRow:
        """Back among the active spools (a history event; the ledger is not touched). Idempotent."""
        row = await self._row(principal.tenant_id, spool_id, for_update=True)
        if not row.spool.is_archived:
            return row
        row.spool.is_archived = False
        row.spool.version += 1
        await self.session.flush()
        await self.events.add(row.spool, EventKind.restored, actor_id=principal.user_id)
        row = await self._row(principal.tenant_id, spool_id)
        await self.publish(row, "updated")
        await self.stock.check_spool(row.spool)
        await self.stock.check_filament_type(principal.tenant_id, row.spool.filament_type_id)
        return row

    async def _type_and_place(
        self, tenant_id: uuid.UUID, fields: dict[str, Any]
    ) -> tuple[FilamentType, MaterialType]:
        """A new spool's filament type (404 without it), and its ``location`` placed as
        :meth:`_place_fields` places it: a known place is read with the type, in one statement."""
        name = fields.get("location")
        place: Location | None = None
        if not name:
            loaded = await self.filaments.get(tenant_id, fields["filament_type_id"])
        else:
            found = await self.locations.type_and_place(tenant_id, fields["filament_type_id"], name)
            loaded, place = (None, None) if found is None else (found[:2], found[2])
        if loaded is None:
            raise NotFound("Filament type not found")
        if place is None:  # none named, or a new place: created once the type is known
            await self._place_fields(tenant_id, fields)
        else:
            fields["location"], fields["location_id"] = place.name, place.id
        return loaded

    async def _place_fields(self, tenant_id: uuid.UUID, fields: dict[str, Any]) -> None:
        """A ``location`` name given with a spool → its location row (any case; created when new): the
        spool stores the row's id and its spelling of the name."""
        name = fields.get("location")
        if not name:
            fields["location"], fields["location_id"] = None, None
            return
        location = await self.locations.resolve(tenant_id, name)
        fields["location"], fields["location_id"] = location.name, location.id

    async def delete(self, principal: Principal, spool_id: uuid.UUID) -> None:
        """Hard delete only for a spool whose ledger holds nothing but its purchase row; else 409 IN_USE."""
        row = await self._row(principal.tenant_id, spool_id, for_update=True)
        if await self.ledger.count_for_spool(spool_id) > 1:
            raise Conflict("The spool has ledger history; archive it instead", code="IN_USE")
        row.spool.version += 1
        await self.publish(row, "deleted")
        await self.spools.delete(row.spool)
        if row.spool.purchase_price is not None:
            await self.filament_types.touched(principal.tenant_id, row.spool.filament_type_id)
        await self.stock.check_filament_type(principal.tenant_id, row.spool.filament_type_id)

    # --- the ledger ----------------------------------------------------------------------------------------

    async def _change(
        self, principal: Principal, row: SpoolRow, kind: rules.Kind, delta: Decimal, *, reason: str
    ) -> SpoolRow:
        """``row`` was read with its lock. The spool's UPDATE, its ledger row and its state event go in one
        statement (``SpoolRepository.book``); after it the objects hold the new state, so neither the event
        nor the answer reads the spool again. Then the low-stock checks (spool first: the lock order is
        spool → filament type)."""
        if delta == 0:
            return row
        spool = row.spool
        movement = _movement(spool, delta)
        ledger_row = _ledger_row(spool, kind, movement, reason=reason, actor_id=principal.user_id)
        # The state event describes the spool after the change, which the same statement writes.
        event = spool_event(row, "updated", current_weight=movement.after, version=spool.version + 1)
        await self.spools.book(spool, movement.after, ledger_row, event)
        await self.stock.check_spool(spool)
        await self.stock.check_filament_type(spool.tenant_id, spool.filament_type_id, known=row.filament)
        return row

    async def after_weight_change(self, spool: Spool, row: SpoolRow | None = None) -> None:
        """State event, then the low-stock checks (spool first: the lock order is spool → filament type).
        ``row``: the spool's locked row, when the caller has it (saves a read)."""
        row = row or await self._row(spool.tenant_id, spool.id)
        await self.publish(row, "updated")
        await self.stock.check_spool(spool)
        await self.stock.check_filament_type(spool.tenant_id, spool.filament_type_id, known=row.filament)

    async def move(
        self,
        spool: Spool,
        kind: rules.Kind,
        delta: Decimal,
        *,
        reason: str | None,
        actor_id: uuid.UUID | None = None,
        source_event_id: uuid.UUID | None = None,
        production_run_id: uuid.UUID | None = None,
        reversal_of_id: uuid.UUID | None = None,
    ) -> InventoryTransaction:
        """Apply ``delta`` to the locked ``spool`` and append its ledger row (in the caller's transaction)."""
        movement = _movement(spool, delta)
        await self.spools.set_weight(spool, movement.after)
        return await self.ledger.add(
            **_ledger_row(
                spool,
                kind,
                movement,
                reason=reason,
                actor_id=actor_id,
                source_event_id=source_event_id,
                production_run_id=production_run_id,
                reversal_of_id=reversal_of_id,
            )
        )

    async def lock(self, tenant_id: uuid.UUID, spool_id: uuid.UUID) -> SpoolRow | None:
        """The spool's row locked (FOR UPDATE), with its type: pass it on to ``after_weight_change``."""
        return await self.spools.get(tenant_id, spool_id, for_update=True)

    # --- events --------------------------------------------------------------------------------------------

    async def publish(self, row: SpoolRow, verb: str) -> None:
        await add_event(self.session, outbox, spool_event(row, verb))

    async def _row(self, tenant_id: uuid.UUID, spool_id: uuid.UUID, *, for_update: bool = False) -> SpoolRow:
        row = await self.spools.get(tenant_id, spool_id, for_update=for_update)
        if row is None:
            raise NotFound("Spool not found")
        return row


def spool_event(
    row: SpoolRow, verb: str, *, current_weight: Decimal | None = None, version: int | None = None
) -> EventEnvelope:
    """The ``inventory.spool.<verb>.v1`` state event of ``row`` (full state, ``aggregate_version``);
    ``current_weight`` and ``version``, when given, are the state a weight change is about to write."""
    s = row.spool
    current_weight = s.current_weight if current_weight is None else current_weight
    data = SpoolStateV1(
        spool_id=s.id,
        code=s.code,
        filament_type_id=s.filament_type_id,
        material_code=row.material.code,
        brand=row.filament.brand,
        color_name=row.filament.color_name,
        initial_weight=float(s.initial_weight),
        current_weight=float(current_weight),
        empty_spool_weight=float(s.empty_spool_weight) if s.empty_spool_weight is not None else None,
        purchase_price=float(s.purchase_price) if s.purchase_price is not None else None,
        purchase_date=s.purchase_date,
        location=s.location,
        cost_per_gram=_float(rules.cost_per_gram(s.purchase_price, s.initial_weight)),
        is_archived=s.is_archived,
    )
    return new_event(
        f"inventory.spool.{verb}.v1",
        producer=PRODUCER,
        tenant_id=s.tenant_id,
        aggregate_id=s.id,
        aggregate_version=s.version if version is None else version,
        data=data.model_dump(mode="json"),
    )


def _movement(spool: Spool, delta: Decimal) -> rules.Movement:
    """The move of ``delta`` grams on the locked ``spool``; more than it holds is 409 INSUFFICIENT_STOCK."""
    try:
        return rules.movement(spool.current_weight, rules.grams(delta))
    except rules.InsufficientStock as exc:
        raise Conflict(str(exc), code="INSUFFICIENT_STOCK") from None


def _ledger_row(
    spool: Spool, kind: rules.Kind, movement: rules.Movement, *, reason: str | None, **links: uuid.UUID | None
) -> dict[str, Any]:
    """The ledger row of ``movement`` (``links``: actor_id, source_event_id, production_run_id,
    reversal_of_id)."""
    return {
        "tenant_id": spool.tenant_id,
        "spool_id": spool.id,
        "kind": kind.value,
        "grams_before": movement.before,
        "delta": movement.delta,
        "grams_after": movement.after,
        "reason": reason,
        **links,
    }


def writable(spool: Spool) -> None:
    """Archived spools are read-only: restore one before weighing, using, editing or moving it."""
    if spool.is_archived:
        raise Conflict(
            f"Spool {spool.code} is archived; restore it before changing it", code="SPOOL_ARCHIVED"
        )


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
