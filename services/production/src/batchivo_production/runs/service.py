"""Use cases of production runs: create (numbered, reserved), edit, items and material lines, and the
status actions that publish ``production.run.*`` through the outbox in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.production import (
    ModelOutcome,
    RunCancelledV1,
    RunCompletedV1,
    RunFailedV1,
    RunRevertedV1,
    SpoolGrams,
    SpoolWaste,
)
from batchivo_common.errors import AppError, Conflict, NotFound
from batchivo_common.messaging.envelope import EventPayload, new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production import reservations
from batchivo_production.db import outbox
from batchivo_production.printers.models import PrinterSpool
from batchivo_production.printers.service import PrinterService, UnknownSpool
from batchivo_production.readmodels.models import SpoolView
from batchivo_production.readmodels.service import ReadModels
from batchivo_production.runs import costing, listing, rules
from batchivo_production.runs.models import ProductionRun, RunCounter, RunItem, RunMaterial
from batchivo_production.runs.rules import Action, Status
from batchivo_production.runs.schemas import (
    Deduction,
    DeductionSpool,
    ItemRead,
    MaterialRead,
    RunRead,
)

PRODUCER = "production"
MATERIAL_FIELDS = (
    "estimated_model_grams",
    "estimated_flush_grams",
    "estimated_tower_grams",
    "weight_before",
    "weight_after",
    "actual_model_grams",
    "actual_flush_grams",
    "actual_tower_grams",
)


class UnknownModel(AppError):
    status_code, code = 422, "UNKNOWN_MODEL"


class DuplicateSpool(Conflict):
    code = "DUPLICATE_SPOOL"


class RunCompleted(Conflict):
    code = "RUN_COMPLETED"


def line_of(m: RunMaterial) -> rules.Line:
    return rules.Line(
        Decimal(m.estimated_model_grams),
        Decimal(m.estimated_flush_grams),
        Decimal(m.estimated_tower_grams),
        m.weight_before,
        m.weight_after,
        m.actual_model_grams,
        m.actual_flush_grams,
        m.actual_tower_grams,
    )


#: The order of a runs export page (``ix_production_runs_tenant_id_created_at_id`` serves it).
EXPORT_KEY = (ProductionRun.created_at, ProductionRun.id)


class RunService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.read_models = ReadModels(session)
        self.printers = PrinterService(session)

    # --- loading ----------------------------------------------------------------------------------------

    async def own(self, tenant_id: uuid.UUID, run_id: uuid.UUID, *, lock: bool = False) -> ProductionRun:
        stmt = select(ProductionRun).where(ProductionRun.tenant_id == tenant_id, ProductionRun.id == run_id)
        if lock:
            stmt = stmt.with_for_update()
        run = (await self.session.execute(stmt)).scalar_one_or_none()
        if run is None:
            raise NotFound("Production run not found")
        return run

    async def _lines(
        self, run_ids: list[uuid.UUID]
    ) -> tuple[dict[uuid.UUID, list[RunItem]], dict[uuid.UUID, list[RunMaterial]]]:
        items: dict[uuid.UUID, list[RunItem]] = {r: [] for r in run_ids}
        materials: dict[uuid.UUID, list[RunMaterial]] = {r: [] for r in run_ids}
        if run_ids:
            for item in (
                await self.session.execute(
                    select(RunItem)
                    .where(RunItem.run_id.in_(run_ids))
                    .order_by(RunItem.bed_position, RunItem.id)
                )
            ).scalars():
                items[item.run_id].append(item)
            for m in (
                await self.session.execute(
                    select(RunMaterial).where(RunMaterial.run_id.in_(run_ids)).order_by(RunMaterial.id)
                )
            ).scalars():
                materials[m.run_id].append(m)
        return items, materials

    async def views(self, tenant_id: uuid.UUID, runs: list[ProductionRun]) -> list[RunRead]:
        items, materials = await self._lines([r.id for r in runs])
        models = await self.read_models.models(tenant_id, {i.model_id for v in items.values() for i in v})
        spools = await self.read_models.spools(tenant_id, {m.spool_id for v in materials.values() for m in v})
        return [self._view(r, items[r.id], materials[r.id], models, spools) for r in runs]

    @staticmethod
    def _view(
        run: ProductionRun,
        items: list[RunItem],
        materials: list[RunMaterial],
        models: dict[uuid.UUID, Any],
        spools: dict[uuid.UUID, SpoolView],
    ) -> RunRead:
        material_reads = []
        estimated_total = Decimal(0)
        actual_total: Decimal | None = Decimal(0)
        for m in materials:
            line = line_of(m)
            var = rules.variance(line.estimated, line.actual)
            estimated_total += line.estimated
            actual_total = None if actual_total is None or line.actual is None else actual_total + line.actual
            spool = spools.get(m.spool_id)
            material_reads.append(
                MaterialRead(
                    id=m.id,
                    spool_id=m.spool_id,
                    spool_code=spool.code if spool else None,
                    filament_type_id=spool.filament_type_id if spool else None,
                    estimated_model_grams=m.estimated_model_grams,
                    estimated_flush_grams=m.estimated_flush_grams,
                    estimated_tower_grams=m.estimated_tower_grams,
                    estimated_grams=line.estimated,
                    weight_before=m.weight_before,
                    weight_after=m.weight_after,
                    actual_model_grams=m.actual_model_grams,
                    actual_flush_grams=m.actual_flush_grams,
                    actual_tower_grams=m.actual_tower_grams,
                    actual_grams=line.actual,
                    variance_grams=var.grams if var else None,
                    variance_pct=var.percent if var else None,
                    cost_per_gram=m.cost_per_gram,
                )
            )
        if not materials:
            actual_total = None
        run_var = rules.variance(estimated_total, actual_total)
        planned = sum(i.quantity for i in items)
        good = sum(i.successful_quantity or 0 for i in items)
        outcome_known = any(i.successful_quantity is not None for i in items)
        return RunRead(
            id=run.id,
            run_number=run.run_number,
            printer_id=run.printer_id,
            status=run.status,
            run_date=run.run_date,
            started_at=run.started_at,
            completed_at=run.completed_at,
            duration_hours=run.duration_hours,
            estimated_print_time_hours=run.estimated_print_time_hours,
            slicer=run.slicer,
            nozzle_temp=run.nozzle_temp,
            bed_temp=run.bed_temp,
            quality_rating=run.quality_rating,
            notes=run.notes,
            failure_reason=run.failure_reason,
            original_run_id=run.original_run_id,
            items=[
                ItemRead(
                    id=i.id,
                    model_id=i.model_id,
                    sku=models[i.model_id].sku if i.model_id in models else None,
                    name=models[i.model_id].name if i.model_id in models else None,
                    quantity=i.quantity,
                    successful_quantity=i.successful_quantity,
                    failed_quantity=i.failed_quantity,
                    bed_position=i.bed_position,
                    bom_grams_per_unit=i.bom_grams_per_unit,
                    actual_unit_cost=i.actual_unit_cost,
                )
                for i in items
            ],
            materials=material_reads,
            estimated_grams=estimated_total,
            actual_grams=actual_total,
            variance_grams=run_var.grams if run_var else None,
            variance_pct=run_var.percent if run_var else None,
            time_variance_hours=rules.time_variance(run.estimated_print_time_hours, run.duration_hours),
            success_rate=rules.success_rate(good, planned) if outcome_known else None,
            cost_per_gram_actual=run.cost_per_gram_actual,
            deduction=Deduction(
                status=run.deduction_status,
                spools=[DeductionSpool.model_validate(s) for s in (run.deduction or [])],
            ),
            version=run.version,
            created_at=run.created_at,
            updated_at=run.updated_at,
        )

    async def view(self, tenant_id: uuid.UUID, run: ProductionRun) -> RunRead:
        await self.session.flush()
        await self.session.refresh(run)
        return (await self.views(tenant_id, [run]))[0]

    # --- reads ------------------------------------------------------------------------------------------

    async def get(self, principal: Principal, run_id: uuid.UUID) -> RunRead:
        return (await self.views(principal.tenant_id, [await self.own(principal.tenant_id, run_id)]))[0]

    def filtered(
        self,
        principal: Principal,
        *,
        status: str | None = None,
        printer_id: uuid.UUID | None = None,
        model_id: uuid.UUID | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        q: str | None = None,
    ) -> Select[ProductionRun]:
        """The runs matching the list's filters (the JSON Lines export; key: EXPORT_KEY)."""
        where = listing.conditions(
            principal.tenant_id,
            status=status,
            printer_id=printer_id,
            model_id=model_id,
            date_from=date_from,
            date_to=date_to,
            q=q,
        )
        return select(ProductionRun).where(*where)

    # --- creation ---------------------------------------------------------------------------------------

    async def _next_number(self, tenant_id: uuid.UUID, day: date) -> str:
        stmt = insert(RunCounter).values(tenant_id=tenant_id, day=day, last_number=1)
        upsert = stmt.on_conflict_do_update(
            index_elements=[RunCounter.tenant_id, RunCounter.day],
            set_={"last_number": RunCounter.last_number + 1},
        ).returning(RunCounter.last_number)
        return rules.run_number(day, int((await self.session.execute(upsert)).scalar_one()))

    async def _proposed_materials(
        self, tenant_id: uuid.UUID, printer_id: uuid.UUID | None, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The printer's loaded spools for the BOM's filament types, the BOM grams as the estimate."""
        if printer_id is None or not items:
            return []
        bom = await self.read_models.bom(tenant_id, {i["model_id"] for i in items})
        need: dict[uuid.UUID, Decimal] = {}
        for item in items:
            for filament, grams in bom[item["model_id"]].items():
                need[filament] = need.get(filament, Decimal(0)) + grams * item["quantity"]
        links = (
            (
                await self.session.execute(
                    select(PrinterSpool.spool_id)
                    .where(PrinterSpool.tenant_id == tenant_id, PrinterSpool.printer_id == printer_id)
                    .order_by(PrinterSpool.slot)
                )
            )
            .scalars()
            .all()
        )
        spools = await self.read_models.spools(tenant_id, set(links))
        proposed = []
        for spool_id in links:
            spool = spools.get(spool_id)
            if spool is None or spool.filament_type_id not in need:
                continue
            proposed.append(
                {"spool_id": spool_id, "estimated_model_grams": rules.grams(need.pop(spool.filament_type_id))}
            )
        return proposed

    async def _check_models(self, tenant_id: uuid.UUID, model_ids: set[uuid.UUID]) -> None:
        known = await self.read_models.models(tenant_id, model_ids)
        missing = [str(m) for m in model_ids if m not in known or known[m].is_deleted]
        if missing:
            raise UnknownModel(f"Unknown model(s): {', '.join(sorted(missing))}")

    async def _check_stock(
        self,
        tenant_id: uuid.UUID,
        needed: dict[uuid.UUID, Decimal],
        *,
        allow_insufficient: bool,
        exclude_line: uuid.UUID | None = None,
    ) -> dict[uuid.UUID, SpoolView]:
        """Lock the spools (id order), check each one's available grams; returns the spools."""
        spools = await self.read_models.spools(tenant_id, set(needed), lock=True)
        for spool_id in needed:
            spool = spools.get(spool_id)
            if spool is None or spool.is_deleted or spool.is_archived:
                raise UnknownSpool(f"Spool {spool_id} not found, archived or not yet known to production")
        if allow_insufficient:
            return spools
        held = await reservations.reserved(self.session, tenant_id, set(needed), exclude_line=exclude_line)
        for spool_id, grams in sorted(needed.items(), key=lambda kv: str(kv[0])):
            if grams <= 0:
                continue
            spool = spools[spool_id]
            refusal = reservations.shortfall(
                spool.code, reservations.Stock(Decimal(spool.current_weight), held[spool_id]), grams
            )
            if refusal is not None:
                raise refusal
        return spools

    async def create(self, principal: Principal, body: dict[str, Any]) -> RunRead:
        tenant_id = principal.tenant_id
        printer_id = body.get("printer_id")
        if printer_id is not None:
            await self.printers.own(tenant_id, printer_id)
        items = body.pop("items") or []
        await self._check_models(tenant_id, {i["model_id"] for i in items})
        materials = body.pop("materials")
        if materials is None:
            materials = await self._proposed_materials(tenant_id, printer_id, items)
        seen: set[uuid.UUID] = set()
        for m in materials:
            if m["spool_id"] in seen:
                raise DuplicateSpool("A run has one material line per spool")
            seen.add(m["spool_id"])
            rules.check_weighing(m.get("weight_before"), m.get("weight_after"))
        needed = {m["spool_id"]: rules.Line(**_estimates(m)).estimated for m in materials}
        spools = await self._check_stock(tenant_id, needed, allow_insufficient=body.pop("allow_insufficient"))
        day = body.pop("run_date") or datetime.now(UTC).date()
        run = ProductionRun(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            run_number=await self._next_number(tenant_id, day),
            status=Status.planned.value,
            run_date=day,
            deduction_status="none",
            version=1,
            **body,
        )
        self.session.add(run)
        await self.session.flush()
        for i in items:
            self.session.add(RunItem(id=uuid.uuid4(), tenant_id=tenant_id, run_id=run.id, **i))
        for m in materials:
            self.session.add(
                RunMaterial(
                    id=uuid.uuid4(),
                    tenant_id=tenant_id,
                    run_id=run.id,
                    cost_per_gram=spools[m["spool_id"]].cost_per_gram,
                    **{k: v for k, v in m.items() if k in MATERIAL_FIELDS or k == "spool_id"},
                )
            )
        return await self.view(tenant_id, run)

    # --- edits ------------------------------------------------------------------------------------------

    @staticmethod
    def _editable(run: ProductionRun) -> None:
        if run.status in rules.FINISHED:
            raise rules.RunFinished(
                f"Run {run.run_number} is {run.status}; only notes and quality can change"
            )

    async def update(self, principal: Principal, run_id: uuid.UUID, changes: dict[str, Any]) -> RunRead:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        if run.status in rules.FINISHED and set(changes) - rules.FINISHED_EDITABLE:
            self._editable(run)
        if changes.get("printer_id") is not None:
            await self.printers.own(principal.tenant_id, changes["printer_id"])
        for name, value in changes.items():
            setattr(run, name, value)
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(principal.tenant_id, run)

    async def delete(self, principal: Principal, run_id: uuid.UUID) -> None:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        if run.status == Status.completed.value:
            raise RunCompleted("A completed run cannot be deleted; revert it first")
        await self.session.delete(run)
        await self.session.flush()

    async def add_item(self, principal: Principal, run_id: uuid.UUID, item: dict[str, Any]) -> RunRead:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        self._editable(run)
        await self._check_models(principal.tenant_id, {item["model_id"]})
        self.session.add(RunItem(id=uuid.uuid4(), tenant_id=principal.tenant_id, run_id=run.id, **item))
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(principal.tenant_id, run)

    async def _item(self, run: ProductionRun, item_id: uuid.UUID) -> RunItem:
        item = (
            await self.session.execute(select(RunItem).where(RunItem.run_id == run.id, RunItem.id == item_id))
        ).scalar_one_or_none()
        if item is None:
            raise NotFound("Item not found")
        return item

    async def update_item(
        self, principal: Principal, run_id: uuid.UUID, item_id: uuid.UUID, changes: dict[str, Any]
    ) -> RunRead:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        self._editable(run)
        item = await self._item(run, item_id)
        for name, value in changes.items():
            if value is None and name == "quantity":
                continue
            setattr(item, name, value)
        rules.check_outcome(item.quantity, item.successful_quantity, item.failed_quantity)
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(principal.tenant_id, run)

    async def remove_item(self, principal: Principal, run_id: uuid.UUID, item_id: uuid.UUID) -> RunRead:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        self._editable(run)
        await self.session.delete(await self._item(run, item_id))
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(principal.tenant_id, run)

    async def add_material(self, principal: Principal, run_id: uuid.UUID, body: dict[str, Any]) -> RunRead:
        tenant_id = principal.tenant_id
        run = await self.own(tenant_id, run_id, lock=True)
        self._editable(run)
        allow = body.pop("allow_insufficient")
        exists_already = (
            await self.session.execute(
                select(RunMaterial.id).where(
                    RunMaterial.run_id == run.id, RunMaterial.spool_id == body["spool_id"]
                )
            )
        ).first()
        if exists_already is not None:
            raise DuplicateSpool("This run already has a line for that spool")
        rules.check_weighing(body.get("weight_before"), body.get("weight_after"))
        estimated = rules.Line(**_estimates(body)).estimated
        spools = await self._check_stock(tenant_id, {body["spool_id"]: estimated}, allow_insufficient=allow)
        self.session.add(
            RunMaterial(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                run_id=run.id,
                cost_per_gram=spools[body["spool_id"]].cost_per_gram,
                **body,
            )
        )
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(tenant_id, run)

    async def _material(self, run: ProductionRun, line_id: uuid.UUID) -> RunMaterial:
        line = (
            await self.session.execute(
                select(RunMaterial).where(RunMaterial.run_id == run.id, RunMaterial.id == line_id)
            )
        ).scalar_one_or_none()
        if line is None:
            raise NotFound("Material line not found")
        return line

    async def update_material(
        self,
        principal: Principal,
        run_id: uuid.UUID,
        line_id: uuid.UUID,
        changes: dict[str, Any],
        *,
        allow: bool,
    ) -> RunRead:
        tenant_id = principal.tenant_id
        run = await self.own(tenant_id, run_id, lock=True)
        self._editable(run)
        line = await self._material(run, line_id)
        for name in ("estimated_model_grams", "estimated_flush_grams", "estimated_tower_grams"):
            if name in changes and changes[name] is None:
                changes.pop(name)
        before = line_of(line).estimated
        for name, value in changes.items():
            setattr(line, name, value)
        rules.check_weighing(line.weight_before, line.weight_after)
        after = line_of(line).estimated
        if after > before:
            await self._check_stock(
                tenant_id, {line.spool_id: after}, allow_insufficient=allow, exclude_line=line.id
            )
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(tenant_id, run)

    async def remove_material(self, principal: Principal, run_id: uuid.UUID, line_id: uuid.UUID) -> RunRead:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        self._editable(run)
        await self.session.delete(await self._material(run, line_id))
        run.updated_at = func.now()
        run.version += 1  # every change moves the ETag on (docs/api.md)
        return await self.view(principal.tenant_id, run)

    # --- actions ----------------------------------------------------------------------------------------

    async def _publish(self, run: ProductionRun, event_type: str, data: EventPayload) -> uuid.UUID:
        run.version += 1
        envelope = new_event(
            event_type,
            producer=PRODUCER,
            tenant_id=run.tenant_id,
            aggregate_id=run.id,
            aggregate_version=run.version,
            data=data,
        )
        await add_event(self.session, outbox, envelope)
        return envelope.event_id

    async def start(self, principal: Principal, run_id: uuid.UUID) -> RunRead:
        run = await self.own(principal.tenant_id, run_id, lock=True)
        run.status = rules.transition(run.status, Action.start).value
        run.started_at = run.started_at or datetime.now(UTC)
        run.version += 1
        run.updated_at = func.now()
        return await self.view(principal.tenant_id, run)

    async def complete(self, principal: Principal, run_id: uuid.UUID, body: dict[str, Any]) -> RunRead:
        tenant_id = principal.tenant_id
        run = await self.own(tenant_id, run_id, lock=True)
        target = rules.transition(run.status, Action.complete)
        items, materials = await self._lines([run.id])
        lines = materials[run.id]
        missing = [m for m in lines if line_of(m).actual is None]
        if missing:
            spools = await self.read_models.spools(tenant_id, {m.spool_id for m in missing})
            codes = ", ".join(
                spools[m.spool_id].code if m.spool_id in spools else str(m.spool_id) for m in missing
            )
            raise rules.MissingActuals(
                f"Weigh or enter the actual grams of every material line first: {codes}"
            )
        by_id = {i.id: i for i in items[run.id]}
        for outcome in body.get("items") or []:
            item = by_id.get(outcome["item_id"])
            if item is None:
                raise NotFound(f"Item {outcome['item_id']} is not on this run")
            item.successful_quantity = outcome["successful_quantity"]
            item.failed_quantity = outcome["failed_quantity"]
        for item in by_id.values():
            if item.successful_quantity is None:
                item.successful_quantity = item.quantity - (item.failed_quantity or 0)
            if item.failed_quantity is None:
                item.failed_quantity = 0
            rules.check_outcome(item.quantity, item.successful_quantity, item.failed_quantity)
        bom = await self.read_models.bom(tenant_id, {i.model_id for i in by_id.values()})
        for item in by_id.values():
            item.bom_grams_per_unit = rules.grams(sum(bom[item.model_id].values(), Decimal(0)))
        cost = costing.run_cost(
            (costing.MaterialUse(line_of(m).actual or Decimal(0), m.cost_per_gram) for m in lines),
            (
                costing.ItemOutcome(
                    i.model_id, i.successful_quantity or 0, i.bom_grams_per_unit or Decimal(0)
                )
                for i in by_id.values()
            ),
        )
        for item in by_id.values():
            item.actual_unit_cost = cost.unit_costs.get(item.model_id)
        now = datetime.now(UTC)
        run.status = target.value
        run.completed_at = now
        run.cost_per_gram_actual = cost.cost_per_gram_actual
        if body.get("quality_rating") is not None:
            run.quality_rating = body["quality_rating"]
        run.duration_hours = (
            body.get("duration_hours") or run.duration_hours or rules.hours_between(run.started_at, now)
        )
        event = RunCompletedV1(
            run_id=run.id,
            run_number=run.run_number,
            materials=_spool_grams((m.spool_id, line_of(m).actual) for m in lines),
            models=_model_outcomes(by_id.values()),
        )
        run.deduction_event_id = await self._publish(run, "production.run.completed.v1", event)
        run.deduction_status = "pending" if event.materials else "none"
        run.deduction = None
        run.updated_at = func.now()
        return await self.view(tenant_id, run)

    async def fail(self, principal: Principal, run_id: uuid.UUID, body: dict[str, Any]) -> RunRead:
        tenant_id = principal.tenant_id
        run = await self.own(tenant_id, run_id, lock=True)
        target = rules.transition(run.status, Action.fail)
        _, materials = await self._lines([run.id])
        if body.get("waste") is not None:
            waste = [(w["spool_id"], w["grams"]) for w in body["waste"]]
        else:
            waste = [(m.spool_id, line_of(m).actual) for m in materials[run.id] if line_of(m).actual]
        event = RunFailedV1(
            run_id=run.id,
            reason=body["reason"],
            materials=[SpoolWaste(spool_id=s, waste_grams=float(g)) for s, g in _merged(waste)],
        )
        now = datetime.now(UTC)
        run.status, run.completed_at, run.failure_reason = target.value, now, body["reason"]
        run.duration_hours = run.duration_hours or rules.hours_between(run.started_at, now)
        run.deduction_event_id = await self._publish(run, "production.run.failed.v1", event)
        run.deduction_status = "pending" if event.materials else "none"
        run.deduction = None
        run.updated_at = func.now()
        return await self.view(tenant_id, run)

    async def cancel(self, principal: Principal, run_id: uuid.UUID, body: dict[str, Any]) -> RunRead:
        tenant_id = principal.tenant_id
        run = await self.own(tenant_id, run_id, lock=True)
        target = rules.transition(run.status, Action.cancel)
        used = [(m["spool_id"], m["grams"]) for m in body.get("materials") or []]
        event = RunCancelledV1(run_id=run.id, materials=_spool_grams(used))
        run.status = target.value
        run.deduction_event_id = await self._publish(run, "production.run.cancelled.v1", event)
        run.deduction_status = "pending" if event.materials else "none"
        run.deduction = None
        run.updated_at = func.now()
        return await self.view(tenant_id, run)

    async def revert(self, principal: Principal, run_id: uuid.UUID) -> RunRead:
        """Completed → in progress: grams go back; the catalog drops the run's units and cost."""
        tenant_id = principal.tenant_id
        run = await self.own(tenant_id, run_id, lock=True)
        target = rules.transition(run.status, Action.revert)
        items, materials = await self._lines([run.id])
        event = RunRevertedV1(
            run_id=run.id,
            materials=_spool_grams((m.spool_id, line_of(m).actual) for m in materials[run.id]),
            models=_model_outcomes(items[run.id]),
        )
        await self._publish(run, "production.run.reverted.v1", event)
        for item in items[run.id]:
            item.successful_quantity = item.failed_quantity = None
            item.actual_unit_cost = item.bom_grams_per_unit = None
        run.status, run.completed_at, run.cost_per_gram_actual = target.value, None, None
        run.deduction_status, run.deduction_event_id, run.deduction = "none", None, None
        run.updated_at = func.now()
        return await self.view(tenant_id, run)

    # --- the outcome inventory reports ------------------------------------------------------------------

    async def record_deduction(
        self, tenant_id: uuid.UUID, run_id: uuid.UUID, causation_id: str | None, spools: list[dict[str, Any]]
    ) -> bool:
        """``inventory.usage.recorded.v1``: settle the run's pending deduction when the event answers the
        run's current deduction event (matched by causation id); an answer to an older event is ignored."""
        run = (
            await self.session.execute(
                select(ProductionRun)
                .where(ProductionRun.tenant_id == tenant_id, ProductionRun.id == run_id)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if run is None or run.deduction_event_id is None or causation_id != str(run.deduction_event_id):
            return False
        discrepancy = any(float(s["discrepancy_grams"]) > 0 for s in spools)
        run.deduction_status = "discrepancy" if discrepancy else "applied"
        run.deduction = spools
        await self.session.flush()
        return True


def _estimates(m: dict[str, Any]) -> dict[str, Decimal]:
    return {
        "estimated_model": m.get("estimated_model_grams") or Decimal(0),
        "estimated_flush": m.get("estimated_flush_grams") or Decimal(0),
        "estimated_tower": m.get("estimated_tower_grams") or Decimal(0),
    }


def _merged(items: Iterable[tuple[uuid.UUID, Decimal | None]]) -> list[tuple[uuid.UUID, Decimal]]:
    totals: dict[uuid.UUID, Decimal] = {}
    for spool_id, grams in items:
        if grams is not None and grams > 0:
            totals[spool_id] = totals.get(spool_id, Decimal(0)) + grams
    return sorted(totals.items(), key=lambda kv: str(kv[0]))


def _spool_grams(items: Iterable[tuple[uuid.UUID, Decimal | None]]) -> list[SpoolGrams]:
    """Lines with no grams (an unused spool) are left out: the contract's grams are positive."""
    return [SpoolGrams(spool_id=s, grams=float(g)) for s, g in _merged(items)]


def _model_outcomes(items: Iterable[RunItem]) -> list[ModelOutcome]:
    per_model: dict[uuid.UUID, tuple[int, Decimal | None]] = {}
    for item in items:
        units, cost = per_model.get(item.model_id, (0, None))
        per_model[item.model_id] = (units + (item.successful_quantity or 0), item.actual_unit_cost or cost)
    return [
        ModelOutcome(model_id=m, successful_units=u, actual_unit_cost=None if c is None else float(c))
        for m, (u, c) in sorted(per_model.items(), key=lambda kv: str(kv[0]))
    ]
