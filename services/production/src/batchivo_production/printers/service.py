"""Printers and loading spools into them."""

from __future__ import annotations

import uuid
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import AppError, Conflict, NotFound
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production.printers.models import Printer, PrinterSpool
from batchivo_production.printers.schemas import LoadedSpool, PrinterRead
from batchivo_production.readmodels.models import SpoolView
from batchivo_production.readmodels.service import ReadModels


class SpoolAlreadyLoaded(Conflict):
    code = "SPOOL_LOADED"


class SlotTaken(Conflict):
    code = "SLOT_TAKEN"


class UnknownSpool(AppError):
    status_code, code = 422, "UNKNOWN_SPOOL"


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

    async def create(self, principal: Principal, fields: dict[str, Any]) -> PrinterRead:
        printer = Printer(id=uuid.uuid4(), tenant_id=principal.tenant_id, **fields)
        self.session.add(printer)
        await self.session.flush()
        await self.session.refresh(printer)
        return (await self.views(principal.tenant_id, [printer]))[0]

    async def update(
        self, principal: Principal, printer_id: uuid.UUID, changes: dict[str, Any]
    ) -> PrinterRead:
        printer = await self.own(principal.tenant_id, printer_id, lock=True)
        for name, value in changes.items():
            if value is None and name in ("name", "is_active"):
                continue
            setattr(printer, name, value)
        printer.updated_at = func.now()
        await self.session.flush()
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
