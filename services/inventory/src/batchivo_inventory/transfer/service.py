"""Applying checked import rows: filament types and spools, created or updated by their keys.

One import is one transaction (the request's), inside a savepoint: a dry run, or a real run that met any
bad row, rolls the savepoint back, so it reports exactly what the real run would do and changes nothing.

Keys: a filament type is found by its ``import_keys`` entry (an ``external_id`` of the file, a Spoolman
filament id), else by its natural key (material, brand, colour; case-insensitive). A spool by its
``code``, else by its ``import_keys`` entry (``external_id`` column, Spoolman spool id); a row with
neither is always a new spool.

New spools are written in bulk (executemany of spools, ledger rows, outbox events and keys), each with a
``purchase`` row of the grams it arrived with; a Spoolman spool's used weight is then an ``adjustment``
row. Matched spools are locked in id order and updated in bulk, a new remaining weight booking an
``adjustment``, so ``current_weight == Σ delta`` holds for every spool either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, cast

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import AppError
from batchivo_common.messaging.outbox import add_events
from sqlalchemy import Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.db import outbox
from batchivo_inventory.locations.repository import LocationRepository, SpoolEventRepository
from batchivo_inventory.locations.rules import EventKind
from batchivo_inventory.materials import rules as material_rules
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.materials.service import FilamentTypeService
from batchivo_inventory.spools import rules as spool_rules
from batchivo_inventory.spools.models import InventoryTransaction, Spool
from batchivo_inventory.spools.repository import SpoolRepository, SpoolRow
from batchivo_inventory.spools.service import SpoolService, spool_event
from batchivo_inventory.stock.service import StockService
from batchivo_inventory.transfer import bulk
from batchivo_inventory.transfer.models import ImportKey
from batchivo_inventory.transfer.rules import FilamentTypeIn, RowError, SpoolIn, natural_key

Action = Literal["created", "updated", "unchanged", "skipped"]
Kind = Literal["filament_type", "spool"]
#: The namespace of an import's external ids: ``csv``, ``spoolmandb``, ``spoolman`` (the default Spoolman
#: instance) or ``spoolman:<digest>`` (a named instance or a URL: ``transfer/instances.py``); the keys made
#: before instances were told apart are ``spoolman-before-instances`` (see ``_legacy_spools``).
Source = str
#: What a re-import says of a row whose spool is archived: it is neither restored nor changed.
ARCHIVED_NOTE = "archived here: restore the spool first to import into it"
CHUNK = 1000
SPOOLS = cast(Table, Spool.__table__)
LEDGER = cast(Table, InventoryTransaction.__table__)
KEYS = cast(Table, ImportKey.__table__)
SPOOLMAN_USED_REASON = "imported: used weight in Spoolman"
#: Spoolman keys made before instances were told apart (moved here by migration 0010_import_sources).
LEGACY_SPOOLMAN = "spoolman-before-instances"
SPOOLMAN = "spoolman"


@dataclass(frozen=True, slots=True)
class RowResult:
    line: int
    kind: Kind
    action: Action
    id: uuid.UUID
    label: str
    #: Why a row was skipped.
    note: str | None = None


@dataclass(slots=True)
class Outcome:
    results: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    material_types_created: list[str] = field(default_factory=list)
    #: Bad rows are skipped (and reported) instead of stopping the import (Spoolman's data).
    partial: bool = False

    @property
    def blocked(self) -> bool:
        """True when the rows must not be written: a bad row in an all-or-nothing import."""
        return bool(self.errors) and not self.partial

    def count(self, kind: Kind, action: Action) -> int:
        return sum(1 for r in self.results if r.kind == kind and r.action == action)


@dataclass(slots=True)
class _Type:
    filament: FilamentType
    material: MaterialType


def type_label(material: str, brand: str, color_name: str) -> str:
    return f"{brand} {material} {color_name}"


class ImportService:
    def __init__(self, session: AsyncSession, principal: Principal, *, default_threshold_pct: Decimal):
        self.session = session
        self.principal = principal
        self.tenant_id = principal.tenant_id
        self.spool_service = SpoolService(session, default_threshold_pct=default_threshold_pct)
        self.filament_types = FilamentTypeService(session)
        self.stock = StockService(session)
        self.spools = SpoolRepository(session)
        self.default_threshold_pct = default_threshold_pct
        self._materials: dict[str, MaterialType] | None = None
        self._types: dict[tuple[str, str, str], _Type] | None = None
        self._types_by_id: dict[uuid.UUID, _Type] = {}
        self._keys: dict[tuple[str, str, str], uuid.UUID] = {}
        self._pending_keys: dict[tuple[str, str, str], uuid.UUID] = {}
        self.locations = LocationRepository(session)
        self.spool_events = SpoolEventRepository(session)
        self._places: dict[str, tuple[str, uuid.UUID]] = {}

    async def _place(self, name: str | None) -> tuple[str | None, uuid.UUID | None]:
        """A location name from a file → the shop's location row (any case; created when new), as the spool
        service resolves one, so imported spools keep ``location`` and ``location_id`` in step."""
        if name is None or not name.strip():
            return None, None
        key = name.strip().casefold()
        if key not in self._places:
            location = await self.locations.resolve(self.tenant_id, name)
            self._places[key] = (location.name, location.id)
        return self._places[key]

    # --- the transaction -----------------------------------------------------------------------------------

    async def run(
        self,
        work: Callable[[Outcome], Awaitable[None]],
        *,
        dry_run: bool,
        errors: Sequence[RowError],
        partial: bool = False,
    ) -> Outcome:
        """Run ``work`` in a savepoint; keep it only for a real run without any bad row (``partial``: a
        real run keeps the good rows and skips the bad ones)."""
        outcome = Outcome(errors=list(errors), partial=partial)
        if outcome.blocked and not dry_run:
            return outcome  # nothing is written when the file has bad rows
        savepoint = await self.session.begin_nested()
        try:
            await work(outcome)
            await self.flush_keys()
        except BaseException:
            await savepoint.rollback()
            raise
        if dry_run or outcome.blocked:
            await savepoint.rollback()
            self.session.expunge_all()
        else:
            await savepoint.commit()
        outcome.errors.sort(key=lambda e: (e.line, e.field or ""))
        outcome.results.sort(key=lambda r: (r.line, r.kind != "filament_type"))
        return outcome

    # --- filament types ------------------------------------------------------------------------------------

    async def import_filament_types(
        self, rows: Iterable[FilamentTypeIn], outcome: Outcome, *, source: Source, create_materials: bool
    ) -> None:
        for row in rows:
            try:
                resolved = await self.filament_type(
                    row, outcome, source=source, create_materials=create_materials, update=True
                )
            except AppError as exc:
                outcome.errors.append(RowError(row.line, None, exc.detail))
                continue
            if resolved is not None:
                found, action = resolved
                label = type_label(found.material.code, found.filament.brand, found.filament.color_name)
                outcome.results.append(RowResult(row.line, "filament_type", action, found.filament.id, label))

    async def filament_type(
        self, row: FilamentTypeIn, outcome: Outcome, *, source: Source, create_materials: bool, update: bool
    ) -> tuple[_Type, Action] | None:
        """Find the row's type (by external key, else natural key), update or create it; None when the
        row cannot be resolved (its error is recorded)."""
        types = await self._all_types()
        found: _Type | None = None
        if row.external_id is not None:
            target = await self._key(source, "filament_type", row.external_id)
            found = self._types_by_id.get(target) if target is not None else None
        if found is None:
            found = types.get(row.natural_key)
        if found is not None:
            action: Action = "unchanged"
            if update:
                changes = {k: v for k, v in row.fields().items() if getattr(found.filament, k) != v}
                if changes:
                    old_key = self._natural_key_of(found)
                    view = await self.filament_types.update(self.principal, found.filament.id, changes)
                    found = _Type(view.filament, view.material)
                    types.pop(old_key, None)
                    self._remember(found)
                    action = "updated"
            await self._set_key(source, "filament_type", row.external_id, found.filament.id)
            return found, action
        material = await self._material(row.material, create=create_materials, outcome=outcome)
        if material is None:
            outcome.errors.append(
                RowError(
                    row.line, "material", f"unknown material {row.material}; create the material type first"
                )
            )
            return None
        fields: dict[str, Any] = {
            "material_type_id": material.id,
            "brand": row.brand,
            "color_name": row.color_name,
            "diameter_mm": Decimal(material_rules.DEFAULT_DIAMETER_MM),
            "min_stock_grams": Decimal(0),
            **row.fields(),
        }
        view = await self.filament_types.create(self.principal, fields)
        created = _Type(view.filament, view.material)
        self._remember(created)
        await self._set_key(source, "filament_type", row.external_id, created.filament.id)
        return created, "created"

    # --- spools --------------------------------------------------------------------------------------------

    async def import_spools(
        self, rows: Sequence[SpoolIn], outcome: Outcome, *, source: Source, create_materials: bool
    ) -> None:
        by_code = await self._spools_by_code([r.code for r in rows if r.code is not None])
        external = [r.external_id for r in rows if r.external_id is not None and r.code is None]
        by_key = await self._spools_by_key(source, external)
        # Keys made before Spoolman instances were told apart, for ids this instance has no key for yet:
        # the default instance takes them as before; a named one only for a spool of the same type.
        legacy = await self._legacy_spools(source, [e for e in external if e not in by_key])
        new: list[tuple[SpoolIn, _Type]] = []
        matched: list[tuple[SpoolIn, _Type, Spool]] = []
        for row in rows:
            try:
                resolved = await self.filament_type(
                    row.filament, outcome, source=source, create_materials=create_materials, update=False
                )
            except AppError as exc:
                outcome.errors.append(RowError(row.line, None, exc.detail))
                continue
            if resolved is None:
                continue
            kind, type_action = resolved
            if type_action == "created":
                label = type_label(kind.material.code, kind.filament.brand, kind.filament.color_name)
                outcome.results.append(
                    RowResult(row.line, "filament_type", "created", kind.filament.id, label)
                )
            existing = by_code.get(row.code) if row.code is not None else None
            if existing is None and row.code is None and row.external_id is not None:
                existing = by_key.get(row.external_id)
                old = legacy.pop(row.external_id, None)
                if (
                    existing is None
                    and old is not None
                    and (source == SPOOLMAN or old.filament_type_id == kind.filament.id)
                ):
                    existing = old
            if existing is None:
                if row.initial_weight is None:
                    outcome.errors.append(RowError(row.line, "initial_weight", "is required for a new spool"))
                    continue
                new.append((row, kind))
                continue
            await self._set_key(source, "spool", row.external_id, existing.id)
            if existing.is_archived and (not row.archived or _differs(row, kind, existing)):
                # An archived spool is read-only: a re-import neither restores nor changes it (ADR 0016).
                outcome.results.append(
                    RowResult(
                        row.line,
                        "spool",
                        "skipped",
                        existing.id,
                        self._spool_label(existing, kind),
                        ARCHIVED_NOTE,
                    )
                )
                continue
            matched.append((row, kind, existing))
        await self._update_spools(matched, outcome)
        if new and not outcome.blocked:
            await self._create_spools(new, outcome, source=source)
        elif new:
            # A file with bad rows is not written: count what would be created, write nothing more.
            for row, kind in new:
                label = row.code or type_label(
                    kind.material.code, kind.filament.brand, kind.filament.color_name
                )
                outcome.results.append(RowResult(row.line, "spool", "created", uuid.uuid4(), label))

    async def _update_spools(self, matched: list[tuple[SpoolIn, _Type, Spool]], outcome: Outcome) -> None:
        """Apply the changes of rows that found their spool, as ``PATCH`` and ``archive`` would, in bulk:
        the spools are locked in id order with fresh values, a new remaining weight books an ``adjustment``,
        each changed spool publishes its state, then the low-stock checks and the types' cost events."""
        if not matched:
            return
        # Rows that change nothing (as read) are not locked: a re-import of an unchanged file only reads.
        pending: list[tuple[SpoolIn, _Type, Spool]] = []
        for row, kind, read in matched:
            if _differs(row, kind, read):
                pending.append((row, kind, read))
            else:
                outcome.results.append(
                    RowResult(row.line, "spool", "unchanged", read.id, self._spool_label(read, kind))
                )
        matched = pending
        if not matched:
            return
        ids = sorted({read.id for _, _, read in matched}, key=str)
        locked: dict[uuid.UUID, Spool] = {}
        for start in range(0, len(ids), CHUNK * 5):
            stmt = (
                select(Spool)
                .where(Spool.tenant_id == self.tenant_id, Spool.id.in_(ids[start : start + CHUNK * 5]))
                .order_by(Spool.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            locked.update({s.id: s for s in (await self.session.scalars(stmt)).all()})
        adjustments: list[dict[str, Any]] = []
        events: list[tuple[Spool, str]] = []
        touched_types: set[uuid.UUID] = set()
        priced_types: set[uuid.UUID] = set()
        actor = self.principal.user_id
        for row, kind, found in matched:
            spool = locked.get(found.id)
            if spool is None:  # deleted since it was read
                outcome.errors.append(RowError(row.line, "code", "the spool was deleted meanwhile"))
                continue
            changes: dict[str, Any] = {k: v for k, v in row.fields().items() if getattr(spool, k) != v}
            if spool.filament_type_id != kind.filament.id:
                changes["filament_type_id"] = kind.filament.id
            moved_from: str | None = None
            if "location" in changes:
                place_name, place_id = await self._place(changes["location"])
                if place_id == spool.location_id:  # the same place spelled another way
                    del changes["location"]
                else:
                    moved_from = spool.location
                    changes["location"], changes["location_id"] = place_name, place_id
            new_weight = row.current_weight
            archive = bool(row.archived) and not spool.is_archived
            weight_moves = new_weight is not None and new_weight != spool.current_weight
            if not changes and not weight_moves and not archive:
                outcome.results.append(
                    RowResult(row.line, "spool", "unchanged", spool.id, self._spool_label(spool, kind))
                )
                continue
            old_type = spool.filament_type_id
            if any(name in _COST_FIELDS for name in changes):
                priced_types.update({old_type, kind.filament.id})
            for name, value in changes.items():
                setattr(spool, name, value)
            if weight_moves:
                assert new_weight is not None
                delta = new_weight - spool.current_weight
                adjustments.append(
                    _ledger(
                        spool,
                        spool_rules.Kind.adjustment,
                        spool.current_weight,
                        delta,
                        f"import line {row.line}",
                        actor,
                    )
                )
                spool.current_weight = new_weight
            spool.version += 1
            if changes or weight_moves:
                events.append((spool, "updated"))
            reason = f"import line {row.line}"
            if "location_id" in changes:  # a move is in the spool's history, as from the move dialog
                await self.spool_events.add(
                    spool,
                    EventKind.moved,
                    actor_id=actor,
                    from_location=moved_from,
                    to_location=spool.location,
                    reason=reason,
                )
            if archive:
                spool.is_archived = True
                spool.version += 1
                events.append((spool, "archived"))
                await self.spool_events.add(spool, EventKind.archived, actor_id=actor, reason=reason)
            touched_types.update({old_type, spool.filament_type_id})
            outcome.results.append(
                RowResult(row.line, "spool", "updated", spool.id, self._spool_label(spool, kind))
            )
        if not events:
            return
        await self.session.flush()
        if adjustments:
            await bulk.insert_rows(self.session, LEDGER, adjustments)
        envelopes = []
        for spool, verb in events:
            current = self._types_by_id[spool.filament_type_id]
            envelopes.append(spool_event(SpoolRow(spool, current.filament, current.material), verb))
        await add_events(self.session, outbox, envelopes)
        for spool in {s.id: s for s, _ in events}.values():
            await self.stock.check_spool(spool)
        for type_id in sorted(touched_types, key=str):
            if type_id in priced_types:
                await self.filament_types.touched(self.tenant_id, type_id)
            await self.stock.check_filament_type(self.tenant_id, type_id)

    async def _create_spools(
        self, new: list[tuple[SpoolIn, _Type]], outcome: Outcome, *, source: Source
    ) -> None:
        codes = await self._codes_for(new)
        made: list[tuple[SpoolIn, _Type, Spool]] = []
        for (row, kind), code in zip(new, codes, strict=True):
            assert row.initial_weight is not None
            current = row.current_weight if row.current_weight is not None else row.initial_weight
            place_name, place_id = await self._place(row.location)
            spool = Spool(
                id=uuid.uuid4(),
                tenant_id=self.tenant_id,
                code=code,
                filament_type_id=kind.filament.id,
                initial_weight=row.initial_weight,
                current_weight=current,
                empty_spool_weight=row.empty_spool_weight,
                purchase_price=row.purchase_price,
                purchase_date=row.purchase_date,
                supplier=row.supplier,
                location=place_name,
                location_id=place_id,
                lot_number=row.lot_number,
                notes=row.notes,
                low_stock_threshold_pct=(
                    row.low_stock_threshold_pct
                    if row.low_stock_threshold_pct is not None
                    else self.default_threshold_pct
                ),
                is_archived=bool(row.archived),
                low_stock_notified=False,
                version=1,
            )
            made.append((row, kind, spool))
        actor = self.principal.user_id
        spool_columns = [c.key for c in SPOOLS.columns if c.computed is None and c.key not in _SERVER_COLUMNS]
        purchases: list[dict[str, Any]] = []
        adjustments: list[dict[str, Any]] = []
        for row, _, spool in made:
            used = row.used_weight or Decimal(0)
            arrived = spool.current_weight + used
            purchases.append(
                _ledger(spool, spool_rules.Kind.purchase, Decimal(0), arrived, "purchase", actor)
            )
            if used > 0:
                adjustments.append(
                    _ledger(spool, spool_rules.Kind.adjustment, arrived, -used, SPOOLMAN_USED_REASON, actor)
                )
        # One INSERT … SELECT unnest(...) per table (bulk.py): no ORM unit of work, no per-row statements.
        await bulk.insert_spools(
            self.session,
            SPOOLS,
            self.tenant_id,
            [{c: getattr(s, c) for c in spool_columns} for _, _, s in made],
        )
        await bulk.insert_rows(self.session, LEDGER, purchases)
        if adjustments:  # after the purchases: created_at (clock_timestamp) keeps each spool's order
            await bulk.insert_rows(self.session, LEDGER, adjustments)
        await add_events(
            self.session,
            outbox,
            [spool_event(SpoolRow(s, k.filament, k.material), "created") for _, k, s in made],
        )
        for row, kind, spool in made:
            await self._set_key(source, "spool", row.external_id, spool.id)
            outcome.results.append(
                RowResult(row.line, "spool", "created", spool.id, self._spool_label(spool, kind))
            )
        # Low stock and the types' cost, as one create does (spool first, then its type, types in id order).
        for _, _, spool in made:
            if not spool.is_archived and spool_rules.is_low_stock(
                spool.current_weight, spool.initial_weight, spool.low_stock_threshold_pct
            ):
                locked = await self.spool_service.lock(self.tenant_id, spool.id)
                if locked is not None:
                    await self.stock.check_spool(locked.spool)
        type_ids = sorted({s.filament_type_id for _, _, s in made}, key=str)
        priced = {s.filament_type_id for _, _, s in made if s.purchase_price is not None}
        for type_id in type_ids:
            if type_id in priced:
                await self.filament_types.touched(self.tenant_id, type_id)
            await self.stock.check_filament_type(self.tenant_id, type_id)

    async def _codes_for(self, new: list[tuple[SpoolIn, _Type]]) -> list[str]:
        """The chosen code of each new row, or a generated one; generated numbers a person already used
        as a code (``FIL-042`` typed by hand, or in this file) are skipped."""
        chosen = {row.code for row, _ in new if row.code is not None}
        wanted = sum(1 for row, _ in new if row.code is None)
        generated: list[str] = []
        while len(generated) < wanted:
            count = wanted - len(generated)
            first = await self.spools.next_code_number(self.tenant_id, count)
            candidates = [spool_rules.format_code(n) for n in range(first, first + count)]
            taken = set(await self._existing_codes(candidates)) | chosen
            generated.extend(c for c in candidates if c not in taken)
        iterator = iter(generated)
        return [row.code if row.code is not None else next(iterator) for row, _ in new]

    # --- lookups -------------------------------------------------------------------------------------------

    async def _existing_codes(self, codes: list[str]) -> list[str]:
        found: list[str] = []
        for start in range(0, len(codes), CHUNK * 5):
            part = codes[start : start + CHUNK * 5]
            stmt = select(Spool.code).where(Spool.tenant_id == self.tenant_id, Spool.code.in_(part))
            found.extend((await self.session.scalars(stmt)).all())
        return found

    async def _spools_by_code(self, codes: list[str]) -> dict[str, Spool]:
        result: dict[str, Spool] = {}
        for start in range(0, len(codes), CHUNK * 5):
            part = codes[start : start + CHUNK * 5]
            stmt = select(Spool).where(Spool.tenant_id == self.tenant_id, Spool.code.in_(part))
            result.update({s.code: s for s in (await self.session.scalars(stmt)).all()})
        return result

    async def _spools_by_key(
        self, source: str, external_ids: list[str], *, remember: bool = True
    ) -> dict[str, Spool]:
        result: dict[str, Spool] = {}
        for start in range(0, len(external_ids), CHUNK * 5):
            part = external_ids[start : start + CHUNK * 5]
            stmt = (
                select(ImportKey.external_id, Spool)
                .join(Spool, Spool.id == ImportKey.target_id)
                .where(
                    ImportKey.tenant_id == self.tenant_id,
                    ImportKey.source == source,
                    ImportKey.kind == "spool",
                    ImportKey.external_id.in_(part),
                )
            )
            for external_id, spool in (await self.session.execute(stmt)).all():
                result[external_id] = spool
                if remember:
                    self._keys[(source, "spool", external_id)] = spool.id
        return result

    async def _legacy_spools(self, source: str, external_ids: list[str]) -> dict[str, Spool]:
        """For a Spoolman instance: the spools that keys made before instances were told apart name, unless
        another instance has already taken that spool over."""
        if not (source == SPOOLMAN or source.startswith(f"{SPOOLMAN}:")) or not external_ids:
            return {}
        found = await self._spools_by_key(LEGACY_SPOOLMAN, external_ids, remember=False)
        if not found:
            return found
        taken = select(ImportKey.target_id).where(
            ImportKey.tenant_id == self.tenant_id,
            ImportKey.kind == "spool",
            or_(ImportKey.source == SPOOLMAN, ImportKey.source.startswith(f"{SPOOLMAN}:")),
            ImportKey.source != source,
            ImportKey.target_id.in_([s.id for s in found.values()]),
        )
        claimed = set((await self.session.scalars(taken)).all())
        return {k: s for k, s in found.items() if s.id not in claimed}

    async def _key(self, source: str, kind: str, external_id: str) -> uuid.UUID | None:
        cached = self._keys.get((source, kind, external_id))
        if cached is not None:
            return cached
        stmt = select(ImportKey.target_id).where(
            ImportKey.tenant_id == self.tenant_id,
            ImportKey.source == source,
            ImportKey.kind == kind,
            ImportKey.external_id == external_id,
        )
        target = await self.session.scalar(stmt)
        if target is not None:
            self._keys[(source, kind, external_id)] = target
        return target

    async def _set_key(self, source: str, kind: str, external_id: str | None, target_id: uuid.UUID) -> None:
        """Point ``external_id`` at ``target_id`` (written by :meth:`flush_keys`, in bulk)."""
        if external_id is None or self._keys.get((source, kind, external_id)) == target_id:
            return
        self._keys[(source, kind, external_id)] = target_id
        self._pending_keys[(source, kind, external_id)] = target_id

    async def flush_keys(self) -> None:
        """Insert the new keys, or move keys whose row is gone (one pipelined executemany)."""
        pending = [
            {
                "id": uuid.uuid4(),
                "tenant_id": self.tenant_id,
                "source": source,
                "kind": kind,
                "external_id": external_id,
                "target_id": target,
            }
            for (source, kind, external_id), target in self._pending_keys.items()
        ]
        self._pending_keys.clear()
        if not pending:
            return
        await bulk.insert_keys(
            self.session, KEYS, pending, conflict=("tenant_id", "source", "kind", "external_id")
        )

    async def _all_types(self) -> dict[tuple[str, str, str], _Type]:
        if self._types is None:
            self._types = {}
            stmt = (
                select(FilamentType, MaterialType)
                .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
                .where(FilamentType.tenant_id == self.tenant_id)
                .order_by(FilamentType.created_at, FilamentType.id)
            )
            for filament, material in (await self.session.execute(stmt)).all():
                self._remember(_Type(filament, material))
        return self._types

    def _remember(self, found: _Type) -> None:
        assert self._types is not None
        self._types.setdefault(self._natural_key_of(found), found)
        self._types_by_id[found.filament.id] = found

    @staticmethod
    def _natural_key_of(found: _Type) -> tuple[str, str, str]:
        return natural_key(found.material.code, found.filament.brand, found.filament.color_name)

    async def _material(self, code: str, *, create: bool, outcome: Outcome) -> MaterialType | None:
        if self._materials is None:
            stmt = select(MaterialType).where(
                or_(MaterialType.tenant_id.is_(None), MaterialType.tenant_id == self.tenant_id)
            )
            self._materials = {m.code.upper(): m for m in (await self.session.scalars(stmt)).all()}
        found = self._materials.get(code.upper())
        if found is not None or not create:
            return found
        material = MaterialType(
            id=uuid.uuid4(), tenant_id=self.tenant_id, code=code.upper(), name=code.upper()
        )
        self.session.add(material)
        await self.session.flush()
        self._materials[code.upper()] = material
        outcome.material_types_created.append(material.code)
        return material

    @staticmethod
    def _spool_label(spool: Spool, kind: _Type) -> str:
        return (
            f"{spool.code} · {type_label(kind.material.code, kind.filament.brand, kind.filament.color_name)}"
        )


def _differs(row: SpoolIn, kind: _Type, spool: Spool) -> bool:
    """Whether ``row`` would change ``spool`` (a field, its type, its weight, or archiving it)."""
    return (
        any(getattr(spool, k) != v for k, v in row.fields().items())
        or spool.filament_type_id != kind.filament.id
        or (row.current_weight is not None and row.current_weight != spool.current_weight)
        or (bool(row.archived) and not spool.is_archived)
    )


#: Fields whose change moves the filament type's cost per gram (as in ``SpoolService``).
_COST_FIELDS = frozenset({"purchase_price", "initial_weight", "filament_type_id"})
#: Spool columns the database fills (defaults, computed) on insert.
#: Columns the database fills (generated columns are skipped as such): timestamps, the search document.
_SERVER_COLUMNS = frozenset({"search_document", "created_at", "updated_at"})


def _ledger(
    spool: Spool, kind: spool_rules.Kind, before: Decimal, delta: Decimal, reason: str, actor: uuid.UUID
) -> dict[str, Any]:
    movement = spool_rules.movement(before, delta)
    return {
        "id": uuid.uuid4(),
        "tenant_id": spool.tenant_id,
        "spool_id": spool.id,
        "kind": kind.value,
        "grams_before": movement.before,
        "delta": movement.delta,
        "grams_after": movement.after,
        "reason": reason,
        "actor_id": actor,
        "source_event_id": None,
        "production_run_id": None,
        "reversal_of_id": None,
    }
