"""``/api/v1/production-runs``: runs, their items and material lines, and the status actions (the only
way the status changes)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from batchivo_common import ndjson
from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.cursor import ExportParamsDep
from batchivo_common.db.driver import DriverReadDep
from batchivo_common.db.session import ReadSessionDep
from batchivo_common.pagination import PageParamsDep
from batchivo_common.responses import TrustedJSONResponse
from fastapi import APIRouter, Body, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from batchivo_production.deps import (
    AdminDep,
    Idempotent,
    MemberDep,
    RunServiceDep,
    ViewerDep,
)
from batchivo_production.runs import listing
from batchivo_production.runs.models import ProductionRun
from batchivo_production.runs.rules import Status
from batchivo_production.runs.schemas import (
    CancelRun,
    CompleteRun,
    FailRun,
    ItemIn,
    ItemUpdate,
    MaterialAdd,
    MaterialUpdate,
    RunCreate,
    RunPage,
    RunRead,
    RunUpdate,
)
from batchivo_production.runs.service import EXPORT_KEY, RunService

router = APIRouter(prefix="/production-runs", tags=["production-runs"], route_class=ETagRoute)
export_router = APIRouter(prefix="/production/export", tags=["production-runs"])

# A run's items and material lines are part of it: their PATCHes are guarded by the run's ETag.
RunTag = Annotated[None, tagged(ProductionRun, "run_id")]
RunIfMatch = Annotated[None, versioned(ProductionRun.__table__, "run_id")]


@router.get("", response_model=RunPage)
async def list_runs(
    principal: ViewerDep,
    connection: DriverReadDep,
    page: PageParamsDep,
    status: Status | None = None,
    printer_id: uuid.UUID | None = None,
    model_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """A page of runs, newest day first, each with its items, material lines and variance."""
    # Built as plain JSON values from one statement on the driver and written with orjson; the schema stays
    # RunPage (runs/listing.py).
    filters = listing.ListFilters(
        status.value if status else None, printer_id, model_id, date_from, date_to, q
    )
    found, total, lines = await listing.read_page(
        connection, principal.tenant_id, filters, limit=page.limit, offset=page.offset
    )
    rows = listing.page_json(found, lines)
    return TrustedJSONResponse({"items": rows, "total": total, "limit": page.limit, "offset": page.offset})


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_run(
    principal: MemberDep, body: RunCreate, service: RunServiceDep, response: Response
) -> RunRead:
    run = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/production-runs/{run.id}"
    return run


@router.get("/{run_id}")
async def get_run(principal: ViewerDep, _etag: RunTag, run_id: uuid.UUID, service: RunServiceDep) -> RunRead:
    return await service.get(principal, run_id)


@router.patch("/{run_id}")
async def update_run(
    principal: MemberDep, _if_match: RunIfMatch, run_id: uuid.UUID, body: RunUpdate, service: RunServiceDep
) -> RunRead:
    return await service.update(principal, run_id, body.changes())


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_run(principal: AdminDep, run_id: uuid.UUID, service: RunServiceDep) -> None:
    await service.delete(principal, run_id)


@router.post("/{run_id}/items", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def add_item(principal: MemberDep, run_id: uuid.UUID, body: ItemIn, service: RunServiceDep) -> RunRead:
    return await service.add_item(principal, run_id, body.model_dump())


@router.patch("/{run_id}/items/{item_id}")
async def update_item(
    principal: MemberDep,
    _if_match: RunIfMatch,
    run_id: uuid.UUID,
    item_id: uuid.UUID,
    body: ItemUpdate,
    service: RunServiceDep,
) -> RunRead:
    return await service.update_item(principal, run_id, item_id, body.changes())


@router.delete("/{run_id}/items/{item_id}")
async def remove_item(
    principal: MemberDep, run_id: uuid.UUID, item_id: uuid.UUID, service: RunServiceDep
) -> RunRead:
    return await service.remove_item(principal, run_id, item_id)


@router.post("/{run_id}/materials", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def add_material(
    principal: MemberDep, run_id: uuid.UUID, body: MaterialAdd, service: RunServiceDep
) -> RunRead:
    return await service.add_material(principal, run_id, body.model_dump())


@router.patch("/{run_id}/materials/{line_id}")
async def update_material(
    principal: MemberDep,
    _if_match: RunIfMatch,
    run_id: uuid.UUID,
    line_id: uuid.UUID,
    body: MaterialUpdate,
    service: RunServiceDep,
) -> RunRead:
    return await service.update_material(
        principal, run_id, line_id, body.changes(), allow=body.allow_insufficient
    )


@router.delete("/{run_id}/materials/{line_id}")
async def remove_material(
    principal: MemberDep, run_id: uuid.UUID, line_id: uuid.UUID, service: RunServiceDep
) -> RunRead:
    return await service.remove_material(principal, run_id, line_id)


@router.post("/{run_id}/start", dependencies=[Idempotent])
async def start_run(principal: MemberDep, run_id: uuid.UUID, service: RunServiceDep) -> RunRead:
    return await service.start(principal, run_id)


@router.post("/{run_id}/complete", dependencies=[Idempotent])
async def complete_run(
    principal: MemberDep,
    run_id: uuid.UUID,
    service: RunServiceDep,
    body: Annotated[CompleteRun | None, Body()] = None,
) -> RunRead:
    return await service.complete(principal, run_id, (body or CompleteRun()).model_dump())


@router.post("/{run_id}/fail", dependencies=[Idempotent])
async def fail_run(principal: MemberDep, run_id: uuid.UUID, body: FailRun, service: RunServiceDep) -> RunRead:
    return await service.fail(principal, run_id, body.model_dump())


@router.post("/{run_id}/cancel", dependencies=[Idempotent])
async def cancel_run(
    principal: MemberDep,
    run_id: uuid.UUID,
    service: RunServiceDep,
    body: Annotated[CancelRun | None, Body()] = None,
) -> RunRead:
    return await service.cancel(principal, run_id, (body or CancelRun()).model_dump())


@router.post("/{run_id}/revert", dependencies=[Idempotent])
async def revert_run(principal: AdminDep, run_id: uuid.UUID, service: RunServiceDep) -> RunRead:
    return await service.revert(principal, run_id)


@export_router.get("/runs.jsonl", response_class=StreamingResponse, responses=ndjson.RESPONSES)
async def export_runs_jsonl(
    request: Request,
    principal: ViewerDep,
    session: ReadSessionDep,
    page: ExportParamsDep,
    status: Status | None = None,
    printer_id: uuid.UUID | None = None,
    model_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> StreamingResponse:
    """One page of the runs the list shows with the same filters, as JSON Lines: one run per line with the
    fields of `GET /production-runs/{id}` (items, materials, costs), oldest first (`created_at`, then
    `id`). The next page's cursor is in `X-Next-Cursor` (and `Link`)."""
    service = RunService(session)
    query = service.filtered(
        principal,
        status=status.value if status else None,
        printer_id=printer_id,
        model_id=model_id,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )

    async def render(runs: list[ProductionRun]) -> list[ndjson.Line]:
        return list(await service.views(principal.tenant_id, runs))

    return await ndjson.keyset_ndjson(
        session,
        request,
        kind="production.runs",
        query=query,
        key=EXPORT_KEY,
        params=page,
        render=render,
        filename="runs.jsonl",
    )
