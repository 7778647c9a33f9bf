"""Looking up a scanned code; remembering, listing and forgetting a filament type's retail codes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import AppError, Conflict, NotFound
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.barcodes.models import FilamentTypeBarcode
from batchivo_inventory.barcodes.rules import InvalidRetailCode, normalize_retail_code
from batchivo_inventory.barcodes.schemas import BarcodeLookup
from batchivo_inventory.materials.models import FilamentType
from batchivo_inventory.spools.models import Spool


class InvalidBarcode(AppError):
    status_code, code = 422, "INVALID_BARCODE"


def _uuid(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


class BarcodeService:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def lookup(self, principal: Principal, raw: str) -> BarcodeLookup:
        """A spool by its code (as typed, then upper-cased) or id; else a remembered retail code."""
        raw = raw.strip()
        tenant = principal.tenant_id
        spool_id = _uuid(raw)
        candidates = [Spool.id == spool_id] if spool_id else [Spool.code == raw]
        if not spool_id and raw.upper() != raw:
            candidates.append(Spool.code == raw.upper())
        for condition in candidates:
            stmt = select(Spool.id, Spool.code, Spool.filament_type_id).where(
                Spool.tenant_id == tenant, condition
            )
            row = (await self.session.execute(stmt)).first()
            if row is not None:
                return BarcodeLookup(
                    kind="spool", id=row.id, code=row.code, filament_type_id=row.filament_type_id
                )
        try:
            code = normalize_retail_code(raw)
        except InvalidRetailCode:
            raise NotFound("No spool has this code", code="UNKNOWN_CODE") from None
        type_id = await self.session.scalar(
            select(FilamentTypeBarcode.filament_type_id).where(
                FilamentTypeBarcode.tenant_id == tenant, FilamentTypeBarcode.code == code
            )
        )
        if type_id is None:
            raise NotFound("No filament type remembers this retail code", code="UNKNOWN_BARCODE")
        return BarcodeLookup(kind="filament_type", id=type_id, code=code, filament_type_id=type_id)

    async def list(self, principal: Principal, filament_type_id: uuid.UUID) -> Sequence[FilamentTypeBarcode]:
        await self._type_exists(principal, filament_type_id)
        stmt = (
            select(FilamentTypeBarcode)
            .where(
                FilamentTypeBarcode.tenant_id == principal.tenant_id,
                FilamentTypeBarcode.filament_type_id == filament_type_id,
            )
            .order_by(FilamentTypeBarcode.created_at, FilamentTypeBarcode.code)
        )
        return (await self.session.execute(stmt)).scalars().all()

    async def attach(
        self, principal: Principal, filament_type_id: uuid.UUID, raw: str
    ) -> tuple[FilamentTypeBarcode, bool]:
        """Remembers ``raw`` for the type; returns the row and whether it is new (the same code on the same
        type again is not an error: a repeated "remember" changes nothing)."""
        try:
            code = normalize_retail_code(raw)
        except InvalidRetailCode as exc:
            raise InvalidBarcode(str(exc)) from None
        await self._type_exists(principal, filament_type_id, lock=True)
        existing = await self._by_code(principal.tenant_id, code)
        if existing is not None:
            if existing.filament_type_id == filament_type_id:
                return existing, False
            raise Conflict(f"{code} is already remembered for another filament type", code="BARCODE_TAKEN")
        row = FilamentTypeBarcode(
            id=uuid.uuid4(), tenant_id=principal.tenant_id, filament_type_id=filament_type_id, code=code
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError:
            raise Conflict(
                f"{code} is already remembered for another filament type", code="BARCODE_TAKEN"
            ) from None
        return row, True

    async def forget(self, principal: Principal, filament_type_id: uuid.UUID, raw: str) -> None:
        await self._type_exists(principal, filament_type_id)
        try:
            code = normalize_retail_code(raw)
        except InvalidRetailCode:
            raise NotFound("This filament type does not remember this code") from None
        result = await self.session.execute(
            delete(FilamentTypeBarcode).where(
                FilamentTypeBarcode.tenant_id == principal.tenant_id,
                FilamentTypeBarcode.filament_type_id == filament_type_id,
                FilamentTypeBarcode.code == code,
            )
        )
        if getattr(result, "rowcount", 0) == 0:
            raise NotFound("This filament type does not remember this code")

    async def _by_code(self, tenant_id: uuid.UUID, code: str) -> FilamentTypeBarcode | None:
        stmt = select(FilamentTypeBarcode).where(
            FilamentTypeBarcode.tenant_id == tenant_id, FilamentTypeBarcode.code == code
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def _type_exists(
        self, principal: Principal, filament_type_id: uuid.UUID, *, lock: bool = False
    ) -> None:
        stmt = select(FilamentType.id).where(
            FilamentType.id == filament_type_id, FilamentType.tenant_id == principal.tenant_id
        )
        if lock:
            # KEY SHARE: a concurrent delete of the type waits, so no code is left pointing at nothing.
            stmt = stmt.with_for_update(key_share=True)
        if await self.session.scalar(stmt) is None:
            raise NotFound("Filament type not found")
