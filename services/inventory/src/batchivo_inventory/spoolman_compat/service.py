"""Use cases of the Spoolman-compatible API: Spoolman's requests translated onto the spool service.

Every weight change goes through :class:`SpoolService` (row lock, ledger row, state event, low-stock checks);
this layer only decides which rows a Spoolman request books (``mapping.plan_use``) and finds rows by
Spoolman's integer ids.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NoReturn

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.inventory import SpoolUsageReportedV1
from batchivo_common.errors import BadRequest, Conflict, NotFound
from batchivo_common.messaging.envelope import new_event
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.materials import rules as rules_materials
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.materials.service import FilamentTypeService
from batchivo_inventory.spoolman_compat import mapping, present, schemas
from batchivo_inventory.spoolman_compat.mapping import SortKey
from batchivo_inventory.spoolman_compat.repository import CompatRepository, FilamentQuery, SpoolQuery
from batchivo_inventory.spools import rules
from batchivo_inventory.spools.repository import SpoolRow
from batchivo_inventory.spools.service import PRODUCER, SpoolService, spool_event

#: The ledger reason of the rows a Spoolman client books (with the API key's id when it carries one).
SOURCE = "spoolman-compat"


#: The ledger's ``reason`` column holds at most this many characters.
REASON_MAX = 200


def source_of(principal: Principal) -> str:
    """What books the usage: ``spoolman-compat: <key name>`` for an API key (one key per printer is the
    documented set-up, so this names the printer; the key's id when its token carries no name), else
    ``spoolman-compat``."""
    if principal.api_key_id is None:
        return SOURCE
    name = " ".join((principal.api_key_name or "").split()) or str(principal.api_key_id)
    return f"{SOURCE}: {name}"[:REASON_MAX]


class SpoolmanService:
    def __init__(self, session: AsyncSession, spools: SpoolService, *, coalesce_seconds: int = 0):
        self.session = session
        self.repo = CompatRepository(session)
        self.spools = spools
        #: An API key's ``use`` merges into its usage row opened less than this ago (0: never).
        self.coalesce_seconds = coalesce_seconds

    # --- vendors -------------------------------------------------------------------------------------------

    async def vendors(self, principal: Principal) -> list[present.VendorRow]:
        """The shop's brands as vendors, oldest first (one per brand ignoring case and spacing)."""
        return await self._vendors(principal.tenant_id)

    async def _vendors(self, tenant_id: uuid.UUID) -> list[present.VendorRow]:
        seen: dict[str, present.VendorRow] = {}
        for name, registered in await self.repo.brands(tenant_id):
            key = mapping.vendor_key(name)
            if key not in seen:
                seen[key] = present.VendorRow(mapping.vendor_id(name), " ".join(name.split()), registered)
        return list(seen.values())

    async def vendor(self, principal: Principal, vendor_id: int) -> present.VendorRow:
        for vendor in await self.vendors(principal):
            if vendor.id == vendor_id:
                return vendor
        raise NotFound("Vendor not found")

    async def create_vendor(self, principal: Principal, body: schemas.SpoolmanVendorCreate) -> NoReturn:
        """Refused: a vendor is the brand of the shop's filament types and has no row of its own, so a brand
        exists once a filament type has it (409 VENDOR_EXISTS when it already does, else 400
        VENDOR_IS_A_BRAND)."""
        if body.name is None:
            raise BadRequest("name is required", code="VALIDATION_ERROR")
        wanted = mapping.vendor_id(body.name)
        for vendor in await self.vendors(principal):
            if vendor.id == wanted:
                raise Conflict(
                    f"Vendor {vendor.name!r} already exists (id {vendor.id}): vendors are your filament "
                    "types' brands",
                    code="VENDOR_EXISTS",
                )
        raise BadRequest(
            "Vendors cannot be created on their own: a vendor is the brand of your filament types. Create a "
            f"filament type of brand {body.name!r} in Batchivo; it then appears as a vendor.",
            code="VENDOR_IS_A_BRAND",
        )

    async def update_vendor(
        self, principal: Principal, vendor_id: int, body: schemas.SpoolmanVendorUpdate
    ) -> present.VendorRow:
        """``name`` renames the brand on every filament type that has it (each through the filament-type
        service: versions, events, the material+brand+colour uniqueness). A vendor's id comes from its
        name, so a rename answers the vendor under its new id; renaming onto another existing vendor (a
        merge) is refused, 409 VENDOR_EXISTS. Other fields are ignored."""
        vendor = await self.vendor(principal, vendor_id)
        if "name" not in body.model_fields_set:
            return vendor
        if body.name is None:
            raise BadRequest("name cannot be unset", code="VALIDATION_ERROR")
        name = rules_materials.clean_text(body.name)
        new_id = mapping.vendor_id(name)
        if new_id != vendor.id and any(v.id == new_id for v in await self.vendors(principal)):
            raise Conflict(f"Vendor {name!r} already exists (id {new_id})", code="VENDOR_EXISTS")
        brands = await self.brands_of(principal, (vendor.id,))
        types = FilamentTypeService(self.session)
        for filament_uuid in await self.repo.filaments_of_brands(principal.tenant_id, brands):
            await types.update(principal, filament_uuid, {"brand": name})
        return await self.vendor(principal, new_id)

    async def delete_vendor(self, principal: Principal, vendor_id: int) -> NoReturn:
        """Refused (409 IN_USE) while filament types have the brand, which is as long as the vendor
        exists: it goes away with the last filament type of the brand."""
        vendor = await self.vendor(principal, vendor_id)
        brands = await self.brands_of(principal, (vendor.id,))
        count = len(await self.repo.filaments_of_brands(principal.tenant_id, brands))
        raise Conflict(
            f"{count} filament type(s) use vendor {vendor.name!r}: delete or re-brand them first",
            code="IN_USE",
        )

    async def brands_of(self, principal: Principal, vendor_ids: tuple[int, ...]) -> tuple[str, ...]:
        """Every brand spelling whose vendor id is in ``vendor_ids`` (-1, "no vendor", matches none)."""
        wanted = set(vendor_ids)
        return tuple(
            name
            for name, _ in await self.repo.brands(principal.tenant_id)
            if mapping.vendor_id(name) in wanted
        )

    async def _registered(self, principal: Principal) -> dict[int, Any]:
        return {v.id: v.registered for v in await self._vendors(principal.tenant_id)}

    # --- filaments -----------------------------------------------------------------------------------------

    async def filaments(
        self,
        principal: Principal,
        query: FilamentQuery,
        sort: tuple[SortKey, ...],
        *,
        limit: int,
        offset: int,
    ) -> tuple[list[schemas.SpoolmanFilament], int]:
        rows, total = await self.repo.filaments(principal.tenant_id, query, sort, limit=limit, offset=offset)
        registered = await self._registered(principal)
        return [
            present.filament_out(f, m, registered.get(mapping.vendor_id(f.brand))) for f, m in rows
        ], total

    async def filament(self, principal: Principal, number: int) -> schemas.SpoolmanFilament:
        row = await self._filament_row(principal, number)
        registered = await self._registered(principal)
        return present.filament_out(row[0], row[1], registered.get(mapping.vendor_id(row[0].brand)))

    async def present_filament(self, tenant_id: uuid.UUID, number: int) -> schemas.SpoolmanFilament | None:
        """The filament ``number`` as ``GET /filament/{id}`` answers it (for the change feed), or None."""
        rows, _ = await self.repo.filaments(
            tenant_id, FilamentQuery(), (), limit=1, offset=0, numbers=(number,)
        )
        if not rows:
            return None
        filament, material = rows[0]
        registered = {v.id: v.registered for v in await self._vendors(tenant_id)}
        return present.filament_out(filament, material, registered.get(mapping.vendor_id(filament.brand)))

    async def vendors_of(self, tenant_id: uuid.UUID) -> list[present.VendorRow]:
        """The tenant's vendors (for the change feed, which has no principal)."""
        return await self._vendors(tenant_id)

    async def create_filament(
        self, principal: Principal, body: schemas.SpoolmanFilamentCreate
    ) -> schemas.SpoolmanFilament:
        for name in ("name", "vendor_id", "material"):
            if getattr(body, name) is None:
                raise BadRequest(
                    f"{name} is required: a Batchivo filament type has a colour, brand and material"
                )
        fields = await self._filament_fields(principal, body, body.model_fields_set)
        fields.setdefault("diameter_mm", Decimal(rules_materials.DEFAULT_DIAMETER_MM))
        fields["min_stock_grams"] = Decimal(0)  # no minimum, as the native create's default
        view = await FilamentTypeService(self.session).create(principal, fields)
        return await self.filament(principal, view.filament.spoolman_id)

    async def update_filament(
        self, principal: Principal, number: int, body: schemas.SpoolmanFilamentUpdate
    ) -> schemas.SpoolmanFilament:
        filament_uuid = await self.repo.filament_uuid(principal.tenant_id, number)
        if filament_uuid is None:
            raise NotFound("Filament not found")
        sent = body.model_fields_set
        for name in ("name", "vendor_id", "material", "diameter"):
            if name in sent and getattr(body, name) is None:
                raise BadRequest(f"{name} cannot be unset")
        changes = await self._filament_fields(principal, body, sent)
        if changes:
            await FilamentTypeService(self.session).update(principal, filament_uuid, changes)
        return await self.filament(principal, number)

    async def delete_filament(self, principal: Principal, number: int) -> None:
        """Refused (409 IN_USE) while spools use the type, as Spoolman refuses it."""
        filament_uuid = await self.repo.filament_uuid(principal.tenant_id, number)
        if filament_uuid is None:
            raise NotFound("Filament not found")
        await FilamentTypeService(self.session).delete(principal, filament_uuid)

    async def _filament_fields(
        self, principal: Principal, body: schemas.SpoolmanFilamentCreate, sent: set[str]
    ) -> dict[str, Any]:
        """Our filament type's fields from the Spoolman fields sent (renamed and resolved)."""
        fields: dict[str, Any] = {}
        if body.vendor_id is not None:
            fields["brand"] = (await self.vendor(principal, body.vendor_id)).name
        if body.material is not None:
            material = await self.repo.material_by_code(principal.tenant_id, body.material)
            if material is None:
                raise BadRequest(
                    f"Unknown material {body.material!r}: use the code of one of the shop's material types",
                    code="UNKNOWN_MATERIAL",
                )
            fields["material_type_id"] = material.id
        if body.name is not None:
            fields["color_name"] = body.name
        if body.diameter is not None:
            fields["diameter_mm"] = body.diameter
        renames = {
            "density": "density",
            "settings_extruder_temp": "extruder_temp",
            "settings_bed_temp": "bed_temp",
        }
        for theirs, ours in renames.items():
            if theirs in sent:
                fields[ours] = getattr(body, theirs)
        if "color_hex" in sent:
            try:
                fields["color_hex"] = mapping.color_in(body.color_hex)
            except mapping.QueryError as exc:
                raise BadRequest(str(exc), code="VALIDATION_ERROR") from None
        return fields

    async def _filament_row(self, principal: Principal, number: int) -> tuple[FilamentType, MaterialType]:
        rows, _ = await self.repo.filaments(
            principal.tenant_id, FilamentQuery(), (), limit=1, offset=0, numbers=(number,)
        )
        if not rows:
            raise NotFound("Filament not found")
        return rows[0]

    # --- spools --------------------------------------------------------------------------------------------

    async def spool_list(
        self, principal: Principal, query: SpoolQuery, sort: tuple[SortKey, ...], *, limit: int, offset: int
    ) -> tuple[list[schemas.SpoolmanSpool], int]:
        rows, total = await self.repo.spools(principal.tenant_id, query, sort, limit=limit, offset=offset)
        return await self._present(principal, rows), total

    async def spool(self, principal: Principal, number: int) -> schemas.SpoolmanSpool:
        row = await self.spools.get(principal, await self._spool_uuid(principal, number))
        return (await self._present(principal, [row]))[0]

    async def create(self, principal: Principal, body: schemas.SpoolmanSpoolCreate) -> schemas.SpoolmanSpool:
        filament_uuid = await self.repo.filament_uuid(principal.tenant_id, body.filament_id)
        if filament_uuid is None:
            raise NotFound("Filament not found")
        initial = mapping.to_grams(body.initial_weight)
        fields: dict[str, Any] = {
            "filament_type_id": filament_uuid,
            "initial_weight": initial,
            "empty_spool_weight": _grams_or_none(body.spool_weight),
            "purchase_price": _grams_or_none(body.price),
            "location": body.location,
            "lot_number": body.lot_nr,
            "notes": body.comment,
        }
        current = _current_from(initial, body.remaining_weight, body.used_weight)
        if current is not None:
            fields["current_weight"] = current
        row = await self.spools.create(principal, fields)
        if body.archived:
            row = await self.spools.archive(principal, row.spool.id)
        if mapping.spool_id(row.spool.code) is None:  # pragma: no cover - create always generates the code
            raise BadRequest("The spool got a code without a Spoolman id")
        return (await self._present(principal, [row]))[0]

    async def update(
        self, principal: Principal, number: int, body: schemas.SpoolmanSpoolUpdate
    ) -> schemas.SpoolmanSpool:
        spool_uuid = await self._spool_uuid(principal, number)
        sent = body.model_fields_set
        for name in ("filament_id", "initial_weight", "archived"):
            if name in sent and getattr(body, name) is None:
                raise BadRequest(f"{name} cannot be unset", code="VALIDATION_ERROR")
        row = await self.spools.get(principal, spool_uuid)
        if "archived" in sent and body.archived is False and row.spool.is_archived:
            row = await self.spools.restore(principal, spool_uuid)
        changes: dict[str, Any] = {}
        if body.filament_id is not None:
            filament_uuid = await self.repo.filament_uuid(principal.tenant_id, body.filament_id)
            if filament_uuid is None:
                raise NotFound("Filament not found")
            changes["filament_type_id"] = filament_uuid
        renames = {
            "initial_weight": "initial_weight",
            "spool_weight": "empty_spool_weight",
            "price": "purchase_price",
            "location": "location",
            "lot_nr": "lot_number",
            "comment": "notes",
        }
        for theirs, ours in renames.items():
            if theirs in sent:
                value = getattr(body, theirs)
                changes[ours] = mapping.to_grams(value) if isinstance(value, float) else value
        initial = changes.get("initial_weight", row.spool.initial_weight)
        current = _current_from(initial, body.remaining_weight, body.used_weight)
        if current is not None:
            changes["current_weight"] = current
        if changes:
            row = await self.spools.update(principal, spool_uuid, changes, source_of(principal))
        if body.archived is True and not row.spool.is_archived:
            row = await self.spools.archive(principal, spool_uuid)
        return (await self._present(principal, [row]))[0]

    async def archive(self, principal: Principal, number: int) -> None:
        await self.spools.archive(principal, await self._spool_uuid(principal, number))

    async def use(
        self, principal: Principal, number: int, body: schemas.SpoolmanSpoolUse
    ) -> schemas.SpoolmanSpool:
        if body.use_weight is not None and body.use_length is not None:
            raise BadRequest("Only specify either use_weight or use_length.")
        if body.use_weight is None and body.use_length is None:
            raise BadRequest("Either use_weight or use_length must be specified.")
        locked = await self._locked(principal, number)
        spool, filament, material = locked.spool, locked.filament, locked.material
        if body.use_weight is not None:
            grams = mapping.to_grams(body.use_weight)
        else:
            assert body.use_length is not None
            density = mapping.density_of(filament.density, material.density)
            exact = mapping.grams_from_length(Decimal(str(body.use_length)), filament.diameter_mm, density)
            grams = rules.grams(exact)
        plan = mapping.plan_use(spool.current_weight, spool.initial_weight, grams)
        reason = source_of(principal)
        actor = principal.user_id
        if principal.api_key_id is not None and plan.consumed and not plan.discrepancy:
            await self._book_report(principal, principal.api_key_id, locked, plan.consumed, reason)
            return (await self._present(principal, [locked]))[0]
        if plan.discrepancy:
            await self.spools.move(
                spool,
                rules.Kind.adjustment,
                plan.discrepancy,
                reason=rules.DISCREPANCY_REASON,
                actor_id=actor,
            )
        if plan.consumed:
            await self.spools.move(spool, rules.Kind.usage, -plan.consumed, reason=reason, actor_id=actor)
        if plan.refund:
            await self.spools.move(spool, rules.Kind.return_, plan.refund, reason=reason, actor_id=actor)
        if not plan.empty:
            await self.spools.after_weight_change(spool, locked)
        return (await self._present(principal, [locked]))[0]

    async def measure(self, principal: Principal, number: int, weight: float) -> schemas.SpoolmanSpool:
        locked = await self._locked(principal, number)
        spool = locked.spool
        net = mapping.measured_net(mapping.to_grams(weight), spool.empty_spool_weight, spool.initial_weight)
        delta = net - spool.current_weight
        if delta:
            await self.spools.move(
                spool,
                rules.Kind.adjustment,
                delta,
                reason=f"{source_of(principal)}: measured",
                actor_id=principal.user_id,
            )
            await self.spools.after_weight_change(spool, locked)
        return (await self._present(principal, [locked]))[0]

    async def _book_report(
        self, principal: Principal, key_id: uuid.UUID, locked: SpoolRow, consumed: Decimal, reason: str
    ) -> bool:
        """An API key's usage report: merged into the key's open usage row of the spool, or a new row (the
        coalescing rule, ``SpoolRepository.book_usage_merging``), with the spool's state event; then the
        low-stock checks. Returns whether a new row was opened."""
        spool = locked.spool
        after = spool.current_weight - consumed
        ledger_row = {
            "tenant_id": spool.tenant_id,
            "spool_id": spool.id,
            "kind": rules.Kind.usage.value,
            "grams_before": spool.current_weight,
            "delta": -consumed,
            "grams_after": after,
            "reason": reason,
            "actor_id": principal.user_id,
            "api_key_id": key_id,
        }
        event = spool_event(locked, "updated", current_weight=after, version=spool.version + 1)
        reported = new_event(
            "inventory.spool.usage_reported.v1",
            producer=PRODUCER,
            tenant_id=spool.tenant_id,
            aggregate_id=spool.id,
            data=SpoolUsageReportedV1(
                spool_id=spool.id,
                spool_code=spool.code,
                api_key_id=key_id,
                api_key_name=principal.api_key_name,
                reported_at=datetime.now(UTC),
            ),
        )
        # The printer link's event only when the report opens a row (not on merges): once per window/spool.
        opened = await self.spools.spools.book_usage_merging(
            spool, after, ledger_row, event, window_seconds=self.coalesce_seconds, opened_events=[reported]
        )
        await self.spools.stock.check_spool(spool)
        await self.spools.stock.check_filament_type(
            spool.tenant_id, spool.filament_type_id, known=locked.filament
        )
        return opened

    # --- helpers -------------------------------------------------------------------------------------------

    async def _spool_uuid(self, principal: Principal, number: int) -> uuid.UUID:
        spool_uuid = await self.repo.spool_uuid(principal.tenant_id, number)
        if spool_uuid is None:
            raise NotFound("Spool not found")
        return spool_uuid

    async def _locked(self, principal: Principal, number: int) -> SpoolRow:
        locked = await self.spools.lock(principal.tenant_id, await self._spool_uuid(principal, number))
        if locked is None:  # deleted between the two reads
            raise NotFound("Spool not found")
        if locked.spool.is_archived:
            # Spoolman's delete is our archive: to its clients an archived spool is gone, and a 404 makes
            # Moonraker unset its active spool (any other error would make it retry the usage forever).
            raise NotFound(f"Spool {locked.spool.code} is archived", code="SPOOL_ARCHIVED")
        return locked

    async def present_row(self, tenant_id: uuid.UUID, row: SpoolRow) -> schemas.SpoolmanSpool | None:
        """``row`` as ``GET /spool/{id}`` answers it; None for a spool without a Spoolman id."""
        if mapping.spool_id(row.spool.code) is None:
            return None
        return (await self._present_for(tenant_id, [row]))[0]

    async def _present(self, principal: Principal, rows: list[SpoolRow]) -> list[schemas.SpoolmanSpool]:
        return await self._present_for(principal.tenant_id, rows)

    async def _present_for(self, tenant_id: uuid.UUID, rows: list[SpoolRow]) -> list[schemas.SpoolmanSpool]:
        dates = await self.repo.usage_dates(tenant_id, [r.spool.id for r in rows])
        registered = {v.id: v.registered for v in await self._vendors(tenant_id)} if rows else {}
        return [
            present.spool_out(r, dates.get(r.spool.id), registered.get(mapping.vendor_id(r.filament.brand)))
            for r in rows
        ]


def _grams_or_none(value: float | None) -> Decimal | None:
    return mapping.to_grams(value) if value is not None else None


def _current_from(initial: Decimal, remaining: float | None, used: float | None) -> Decimal | None:
    """The spool's weight from Spoolman's ``remaining_weight`` or ``used_weight`` (used is clamped as
    Spoolman clamps it: never more than the initial weight); both at once is Spoolman's 400."""
    if remaining is not None and used is not None:
        raise BadRequest("Only specify either remaining_weight or used_weight.")
    if remaining is not None:
        return mapping.to_grams(remaining)
    if used is not None:
        return max(initial - mapping.to_grams(used), Decimal(0))
    return None
