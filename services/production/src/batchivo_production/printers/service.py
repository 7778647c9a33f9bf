"""Printers and loading spools into them."""

from __future__ import annotations

import uuid
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.inventory import SpoolUsageReportedV1
from batchivo_common.errors import AppError, Conflict, NotFound
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production.printers.models import Printer, PrinterSpool
from batchivo_production.printers.rules import is_stale, place_reported_spool
from batchivo_production.printers.schemas import LoadedSpool, PrinterRead
from batchivo_production.readmodels.models import SpoolView
from batchivo_production.readmodels.service import ReadModels


class SpoolAlreadyLoaded(Conflict):
    code = "SPOOL_LOADED"


class SlotTaken(Conflict):
    code = "SLOT_TAKEN"


class UnknownSpool(AppError):
    status_code, code = 422, "UNKNOWN_SPOOL"


class ApiKeyLinked(Conflict):
    code = "API_KEY_LINKED"

    def __init__(self) -> None:
        super().__init__(
            "Another printer already reports usage with this API key: unlink it there first"
            " (one API key per printer)"
        )


_API_KEY_UNIQUE = "uq_printers_tenant_id_api_key_id"


class PrinterService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.read_models = ReadModels(session)

    async def own(self, tenant_id: uuid.UUID, printer_id: uuid.UUID, *, lock: bool = False) -> Printer:
        stmt = select(Printer).where(Printer.tenant_id == tenant_id, Printer.id == printer_id)
        if lock:
            stmt = stmt.with_for_update()
        printer = (await self.session.execute(stmt)).scalar_one_or_none()
        if printer is None:
            raise NotFound("Printer not found")
        return printer

    async def loaded(
        self, tenant_id: uuid.UUID, printer_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[LoadedSpool]]:
        result: dict[uuid.UUID, list[LoadedSpool]] = {p: [] for p in printer_ids}
        if not printer_ids:
            return result
        rows = await self.session.execute(
            select(PrinterSpool, SpoolView)
            .outerjoin(
                SpoolView,
                (SpoolView.tenant_id == PrinterSpool.tenant_id) & (SpoolView.id == PrinterSpool.spool_id),
            )
            .where(PrinterSpool.tenant_id == tenant_id, PrinterSpool.printer_id.in_(printer_ids))
            .order_by(PrinterSpool.slot)
        )
        for link, spool in rows.all():
            result[link.printer_id].append(
                LoadedSpool(
                    slot=link.slot,
                    spool_id=link.spool_id,
                    code=spool.code if spool else None,
                    filament_type_id=spool.filament_type_id if spool else None,
                    material_code=spool.material_code if spool else None,
                    color_name=spool.color_name if spool else None,
                    current_weight=spool.current_weight if spool else None,
                    loaded_at=link.loaded_at,
                )
            )
        return result

    async def views(self, tenant_id: uuid.UUID, printers: list[Printer]) -> list[PrinterRead]:
        loaded = await self.loaded(tenant_id, [p.id for p in printers])
        return [
            PrinterRead(
                id=p.id,
                name=p.name,
                manufacturer=p.manufacturer,
                model=p.model,
                nozzle_diameter_mm=p.nozzle_diameter_mm,
                build_volume=p.build_volume,
                notes=p.notes,
                is_active=p.is_active,
                slot_count=p.slot_count,
                api_key_id=p.api_key_id,
                last_reported_at=p.last_reported_at,
                last_reported_spool_id=p.last_reported_spool_id,
                last_reported_spool_code=p.last_reported_spool_code,
                loaded_spools=loaded[p.id],
                created_at=p.created_at,
                updated_at=p.updated_at,
            )
            for p in printers
        ]

    async def page(
        self, principal: Principal, *, active: bool | None, limit: int, offset: int
    ) -> tuple[list[PrinterRead], int]:
        where = [Printer.tenant_id == principal.tenant_id]
        if active is not None:
            where.append(Printer.is_active.is_(active))
        total = (
            await self.session.execute(select(func.count()).select_from(Printer).where(*where))
        ).scalar_one()
        rows = await self.session.execute(
            select(Printer).where(*where).order_by(Printer.name, Printer.id).limit(limit).offset(offset)
        )
        return await self.views(principal.tenant_id, list(rows.scalars())), int(total)

    async def get(self, principal: Principal, printer_id: uuid.UUID) -> PrinterRead:
        return (await self.views(principal.tenant_id, [await self.own(principal.tenant_id, printer_id)]))[0]

    async def _refuse_linked_key(
        self, tenant_id: uuid.UUID, api_key_id: uuid.UUID | None, printer_id: uuid.UUID
    ) -> None:
        if api_key_id is None:
            return
        holder = (
            await self.session.execute(
                select(Printer.id).where(
                    Printer.tenant_id == tenant_id, Printer.api_key_id == api_key_id, Printer.id != printer_id
                )
            )
        ).scalar_one_or_none()
        if holder is not None:
            raise ApiKeyLinked

    async def _flush(self) -> None:
        """Flush; a racing link of the same key loses on the unique constraint with the same 409."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if _API_KEY_UNIQUE in str(exc.orig):
                raise ApiKeyLinked from exc
            raise

    async def create(self, principal: Principal, fields: dict[str, Any]) -> PrinterRead:
        printer = Printer(id=uuid.uuid4(), tenant_id=principal.tenant_id, **fields)
        await self._refuse_linked_key(principal.tenant_id, printer.api_key_id, printer.id)
        self.session.add(printer)
        await self._flush()
        await self.session.refresh(printer)
        return (await self.views(principal.tenant_id, [printer]))[0]

    async def update(
        self, principal: Principal, printer_id: uuid.UUID, changes: dict[str, Any]
    ) -> PrinterRead:
        printer = await self.own(principal.tenant_id, printer_id, lock=True)
        if "api_key_id" in changes and changes["api_key_id"] != printer.api_key_id:
            await self._refuse_linked_key(principal.tenant_id, changes["api_key_id"], printer.id)
            # Another key (or none): the previous key's reports say nothing about this printer any more.
            printer.last_reported_at = None
            printer.last_reported_spool_id = None
            printer.last_reported_spool_code = None
        for name, value in changes.items():
            if value is None and name in ("name", "is_active", "slot_count"):
                continue
            setattr(printer, name, value)
        printer.updated_at = func.now()
        await self._flush()
        await self.session.refresh(printer)
        return (await self.views(principal.tenant_id, [printer]))[0]

    async def delete(self, principal: Principal, printer_id: uuid.UUID) -> None:
        """Unloads its spools (cascade); its runs keep their history with no printer."""
        printer = await self.own(principal.tenant_id, printer_id, lock=True)
        await self.session.delete(printer)
        await self.session.flush()

    async def load(
        self, principal: Principal, printer_id: uuid.UUID, spool_id: uuid.UUID, slot: int
    ) -> PrinterRead:
        tenant_id = principal.tenant_id
        printer = await self.own(tenant_id, printer_id, lock=True)
        spool = (await self.read_models.spools(tenant_id, {spool_id})).get(spool_id)
        if spool is None or spool.is_deleted or spool.is_archived:
            raise UnknownSpool("Spool not found, archived or not yet known to production")
        existing = (
            await self.session.execute(
                select(PrinterSpool).where(
                    PrinterSpool.tenant_id == tenant_id, PrinterSpool.spool_id == spool_id
                )
            )
        ).scalar_one_or_none()
        if existing is not None and (existing.printer_id != printer.id or existing.slot != slot):
            raise SpoolAlreadyLoaded(
                f"Spool {spool.code} is already loaded (slot {existing.slot} of a printer)"
            )
        if existing is None:
            occupied = (
                await self.session.execute(
                    select(PrinterSpool).where(
                        PrinterSpool.tenant_id == tenant_id,
                        PrinterSpool.printer_id == printer.id,
                        PrinterSpool.slot == slot,
                    )
                )
            ).scalar_one_or_none()
            if occupied is not None:
                raise SlotTaken(f"Slot {slot} already holds another spool; unload it first")
            self.session.add(
                PrinterSpool(
                    id=uuid.uuid4(), tenant_id=tenant_id, printer_id=printer.id, slot=slot, spool_id=spool_id
                )
            )
            await self.session.flush()
        return (await self.views(tenant_id, [printer]))[0]

    async def unload(
        self, principal: Principal, printer_id: uuid.UUID, slot: int | None, spool_id: uuid.UUID | None
    ) -> PrinterRead:
        tenant_id = principal.tenant_id
        if slot is None and spool_id is None:
            raise UnknownSpool("Name the slot or the spool to unload", code="VALIDATION_ERROR")
        printer = await self.own(tenant_id, printer_id, lock=True)
        stmt = select(PrinterSpool).where(
            PrinterSpool.tenant_id == tenant_id, PrinterSpool.printer_id == printer.id
        )
        if slot is not None:
            stmt = stmt.where(PrinterSpool.slot == slot)
        if spool_id is not None:
            stmt = stmt.where(PrinterSpool.spool_id == spool_id)
        link = (await self.session.execute(stmt)).scalar_one_or_none()
        if link is None:
            raise NotFound("Nothing loaded there")
        await self.session.delete(link)
        await self.session.flush()
        return (await self.views(tenant_id, [printer]))[0]

    async def apply_usage_report(self, tenant_id: uuid.UUID, report: SpoolUsageReportedV1) -> bool:
        """``inventory.spool.usage_reported.v1``: the printer linked to the reporting API key (if any) gets
        the spool loaded (printers/rules.py) and its ``last_reported_*`` move on. The spool leaves any other
        printer; a spool inventory deleted or archived (as far as the read model knows) is not loaded. A
        spool the read model does not know yet is loaded all the same: the event comes from inventory, the
        read model only lags. False when nothing applied (no printer holds the key, or a stale report)."""
        printer = (
            await self.session.execute(
                select(Printer)
                .where(Printer.tenant_id == tenant_id, Printer.api_key_id == report.api_key_id)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if printer is None or is_stale(report.reported_at, printer.last_reported_at):
            return False
        spool = (await self.read_models.spools(tenant_id, {report.spool_id})).get(report.spool_id)
        if spool is None or not (spool.is_deleted or spool.is_archived):
            # Two printers' reports of one spool at once: the second waits here for the first to commit, then
            # sees where the spool went (each statement reads afresh), instead of failing on the unique key.
            await self.session.execute(
                select(
                    func.pg_advisory_xact_lock(func.hashtextextended(f"printer-spool:{report.spool_id}", 0))
                )
            )
            links = (
                await self.session.execute(
                    select(PrinterSpool).where(
                        PrinterSpool.tenant_id == tenant_id, PrinterSpool.printer_id == printer.id
                    )
                )
            ).scalars()
            placement = place_reported_spool(
                report.spool_id, {link.slot: link.spool_id for link in links}, printer.slot_count
            )
            if placement.slot is not None:
                # Out of any other printer, and out of the slot it takes; then in.
                await self.session.execute(
                    delete(PrinterSpool).where(
                        PrinterSpool.tenant_id == tenant_id,
                        (PrinterSpool.spool_id == report.spool_id)
                        | ((PrinterSpool.printer_id == printer.id) & (PrinterSpool.slot == placement.slot)),
                    )
                )
                self.session.add(
                    PrinterSpool(
                        id=uuid.uuid4(),
                        tenant_id=tenant_id,
                        printer_id=printer.id,
                        slot=placement.slot,
                        spool_id=report.spool_id,
                    )
                )
        printer.last_reported_at = report.reported_at
        printer.last_reported_spool_id = report.spool_id
        printer.last_reported_spool_code = report.spool_code[:32]
        await self.session.flush()
        return True
