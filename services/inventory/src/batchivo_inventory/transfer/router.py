"""``/api/v1/inventory/export/*.csv`` (viewer+) and ``/api/v1/inventory/import/*`` (member+).

Exports stream: rows are read 1,000 at a time and written as they come. The spools export takes the
spools list's own filters (``spool_filters``) and sort. Imports take a multipart ``file`` (Spoolman and
SpoolmanDB also a form field ``url``) and ``?dry_run=true``; they answer an :class:`ImportReport`. A real
CSV or catalogue run with any bad row writes nothing and answers 422 ``IMPORT_INVALID`` with the report
under ``report``; a Spoolman import skips (and reports) the spools it cannot take and imports the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from batchivo_common import ndjson
from batchivo_common.auth.tokens import Principal
from batchivo_common.cursor import ExportParamsDep
from batchivo_common.db.session import ReadSessionDep, SessionDep
from batchivo_common.errors import AppError, error_response
from batchivo_common.pagination import parse_sort
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from batchivo_inventory.deps import Idempotent, MemberDep, SettingsDep, ViewerDep
from batchivo_inventory.materials.models import FilamentType
from batchivo_inventory.materials.router import filament_read
from batchivo_inventory.materials.schemas import FILAMENT_SORTS
from batchivo_inventory.materials.service import EXPORT_KEY as FILAMENT_EXPORT_KEY
from batchivo_inventory.materials.service import FilamentTypeService
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.spools import rules as spool_rules
from batchivo_inventory.spools.models import Spool
from batchivo_inventory.spools.router import SortQuery, SpoolFiltersDep, spool_read
from batchivo_inventory.spools.schemas import SPOOL_SORTS
from batchivo_inventory.spools.service import EXPORT_KEY as SPOOL_EXPORT_KEY
from batchivo_inventory.spools.service import SpoolService
from batchivo_inventory.transfer import fetch, instances, rules, spoolman, spoolmandb
from batchivo_inventory.transfer.schemas import ImportReport, report
from batchivo_inventory.transfer.service import ImportService, Outcome

router = APIRouter(prefix="/inventory", tags=["import-export"])

#: The path pattern of the upload routes, for their larger body limit (``create_service_app``).
IMPORT_PATH = r"/api/v1/inventory/import/[a-z\-]+"
#: Largest file an import reads (a 10,000-row CSV of spools is about 1 MiB; Spoolman JSON is wordier).
MAX_IMPORT_BYTES = 10 * 1024 * 1024
#: What the upload routes accept on the wire: the file plus the multipart framing and fields.
IMPORT_BODY_LIMIT = MAX_IMPORT_BYTES + 64 * 1024
BATCH = 1000
_CSV: dict[str, Any] = {"content": {"text/csv": {}}, "description": "The CSV file (UTF-8, header row)"}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "Unreadable file, or (real run) bad rows: nothing written; `report` holds the report"
    }
}

DryRun = Annotated[bool, Query(description="Check and report only; nothing is written")]
Upload = Annotated[UploadFile | None, File(description="The file to import")]
UrlField = Annotated[str | None, Form(max_length=2000, description="Or: where to fetch it (http/https)")]
InstanceField = Annotated[
    str | None,
    Form(
        max_length=instances.INSTANCE_NAME_MAX_LENGTH,
        description="A name for the Spoolman instance the data comes from (its ids are matched per "
        "instance). Default: the URL for a URL import, the default instance for an uploaded export",
    ),
]


class PayloadTooLarge(AppError):
    status_code = 413
    code = "PAYLOAD_TOO_LARGE"


class ImportUnreadable(AppError):
    status_code = 422
    code = "IMPORT_UNREADABLE"


def _attachment(name: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{name}-{datetime.now(UTC).date().isoformat()}.csv"'
    }


# --- export --------------------------------------------------------------------------------------------


@router.get("/export/spools.csv", response_class=StreamingResponse, responses={200: _CSV})
async def export_spools(
    principal: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    filters: SpoolFiltersDep,
    sort: SortQuery = None,
) -> StreamingResponse:
    """The spools the list shows with the same filters and sort, every page, as CSV."""
    field, descending = parse_sort(sort, SPOOL_SORTS, "code")
    service = SpoolService(session, default_threshold_pct=settings.default_low_stock_threshold_pct)

    async def page(offset: int) -> tuple[list[list[Any]], int]:
        result = await service.page(
            principal, filters, limit=BATCH, offset=offset, sort=field, descending=descending
        )
        # A search's total stops counting at its candidate bound; then only a short page ends the export.
        total = offset + BATCH + 1 if result.total_is_lower_bound else result.total
        return [_spool_cells(r.spool, r.filament, r.material_code) for r in result.rows], total

    first = await page(0)
    return StreamingResponse(
        _stream(rules.SPOOL_COLUMNS, first, page),
        media_type="text/csv; charset=utf-8",
        headers=_attachment("spools"),
    )


@router.get("/export/filament-types.csv", response_class=StreamingResponse, responses={200: _CSV})
async def export_filament_types(
    principal: ViewerDep,
    session: ReadSessionDep,
    sort: Annotated[str | None, Query(max_length=32)] = None,
) -> StreamingResponse:
    """Every filament type of the shop as CSV (sort as the filament-types list; default material)."""
    field, descending = parse_sort(sort, FILAMENT_SORTS, "material_code")
    service = FilamentTypeService(session)

    async def page(offset: int) -> tuple[list[list[Any]], int]:
        views, total = await service.page(
            principal,
            limit=BATCH,
            offset=offset,
            sort=field,
            descending=descending,
            material_type_id=None,
            q=None,
        )
        cells = [
            [
                v.material.code,
                v.filament.brand,
                v.filament.color_name,
                v.filament.color_hex,
                v.filament.finish,
                v.filament.diameter_mm,
                v.filament.density,
                v.filament.extruder_temp,
                v.filament.bed_temp,
                v.filament.min_stock_grams,
            ]
            for v in views
        ]
        return cells, total

    first = await page(0)
    return StreamingResponse(
        _stream(rules.FILAMENT_TYPE_COLUMNS, first, page),
        media_type="text/csv; charset=utf-8",
        headers=_attachment("filament-types"),
    )


@router.get("/export/spools.jsonl", response_class=StreamingResponse, responses=ndjson.RESPONSES)
async def export_spools_jsonl(
    request: Request,
    principal: ViewerDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    filters: SpoolFiltersDep,
    page: ExportParamsDep,
) -> StreamingResponse:
    """One page of the spools the list shows with the same filters, as JSON Lines: one spool per line with
    the fields of `GET /spools/{id}`, oldest first (`created_at`, then `id`). The next page's cursor is in
    `X-Next-Cursor` (and `Link`); rows added while paging never shift a page."""
    service = SpoolService(session, default_threshold_pct=settings.default_low_stock_threshold_pct)

    async def render(spools: list[Spool]) -> list[ndjson.Line]:
        return [spool_read(row) for row in await service.rows_of(spools)]

    return await ndjson.keyset_ndjson(
        session,
        request,
        kind="inventory.spools",
        query=await service.export_query(principal, filters),
        key=SPOOL_EXPORT_KEY,
        params=page,
        render=render,
        filename="spools.jsonl",
    )


@router.get("/export/filament-types.jsonl", response_class=StreamingResponse, responses=ndjson.RESPONSES)
async def export_filament_types_jsonl(
    request: Request, principal: ViewerDep, session: ReadSessionDep, page: ExportParamsDep
) -> StreamingResponse:
    """One page of the shop's filament types as JSON Lines (the fields of `GET /filament-types/{id}`),
    oldest first; the next page's cursor is in `X-Next-Cursor` (and `Link`)."""
    service = FilamentTypeService(session)

    async def render(filaments: list[FilamentType]) -> list[ndjson.Line]:
        return [filament_read(view) for view in await service.views_of(filaments)]

    return await ndjson.keyset_ndjson(
        session,
        request,
        kind="inventory.filament_types",
        query=service.export_query(principal),
        key=FILAMENT_EXPORT_KEY,
        params=page,
        render=render,
        filename="filament-types.jsonl",
    )


def _spool_cells(s: Any, f: Any, material_code: str) -> list[Any]:
    return [
        s.code,
        material_code,
        f.brand,
        f.color_name,
        f.color_hex,
        s.initial_weight,
        s.current_weight,
        spool_rules.remaining_pct(s.current_weight, s.initial_weight),
        s.empty_spool_weight,
        s.purchase_price,
        s.purchase_date,
        s.supplier,
        s.location,
        s.lot_number,
        s.low_stock_threshold_pct,
        s.is_archived,
        s.notes,
    ]


async def _stream(
    header: tuple[str, ...],
    first: tuple[list[list[Any]], int],
    page: Callable[[int], Awaitable[tuple[list[list[Any]], int]]],
) -> AsyncIterator[str]:
    rows, total = first
    yield rules.csv_text([header])
    offset = 0
    while rows:
        yield rules.csv_text(rows)
        offset += len(rows)
        if offset >= total or len(rows) < BATCH:
            break
        rows, total = await page(offset)


# --- import --------------------------------------------------------------------------------------------


async def _read(file: UploadFile | None, url: str | None, settings: InventorySettings) -> bytes:
    if file is not None and url:
        raise ImportUnreadable("Give a file or a url, not both")
    if file is not None:
        data = await file.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB")
        if not data.strip():
            raise ImportUnreadable("The file is empty")
        return data
    if url:
        return await fetch.fetch_bytes(
            url.strip(),
            allow_private=settings.import_allow_private_urls,
            seconds=settings.import_fetch_timeout_seconds,
            max_bytes=MAX_IMPORT_BYTES,
        )
    raise ImportUnreadable("Give a file (multipart field file) or a url")


def _parse(parser: Callable[[], Any]) -> Any:
    try:
        return parser()
    except rules.FileError as exc:
        raise ImportUnreadable(str(exc)) from None


def _answer(result: ImportReport) -> ImportReport | JSONResponse:
    if result.dry_run or result.applied:
        return result
    return error_response(
        422,
        f"{result.failed} row(s) have errors; nothing was imported",
        code="IMPORT_INVALID",
        report=result.model_dump(mode="json"),
    )


def _importer(session: Any, principal: Principal, settings: InventorySettings) -> ImportService:
    return ImportService(session, principal, default_threshold_pct=settings.default_low_stock_threshold_pct)


@router.post(
    "/import/filament-types", response_model=ImportReport, dependencies=[Idempotent], responses=_INVALID
)
async def import_filament_types(
    principal: MemberDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Upload = None,
    dry_run: DryRun = False,
) -> Any:
    """Filament types from CSV (columns as the export: material, brand, color_name, …; optional
    external_id). A type is matched by external_id, else material + brand + colour, and updated."""
    data = await _read(file, None, settings)
    rows, errors = _parse(lambda: rules.parse_filament_types(data))
    importer = _importer(session, principal, settings)

    async def work(outcome: Outcome) -> None:
        await importer.import_filament_types(rows, outcome, source="csv", create_materials=False)

    outcome = await importer.run(work, dry_run=dry_run, errors=errors)
    result = report(
        outcome, source="csv", kind="filament_type", dry_run=dry_run, rows=len(rows) + _lines(errors)
    )
    return _answer(result)


@router.post("/import/spools", response_model=ImportReport, dependencies=[Idempotent], responses=_INVALID)
async def import_spools(
    principal: MemberDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Upload = None,
    dry_run: DryRun = False,
) -> Any:
    """Spools from CSV (columns as the export). A spool is matched by code, else by external_id, and
    updated (a new current_weight books an adjustment); other rows create spools (a purchase each) and
    any filament type they name that does not exist yet."""
    data = await _read(file, None, settings)
    rows, errors = _parse(lambda: rules.parse_spools(data))
    importer = _importer(session, principal, settings)

    async def work(outcome: Outcome) -> None:
        await importer.import_spools(rows, outcome, source="csv", create_materials=False)

    outcome = await importer.run(work, dry_run=dry_run, errors=errors)
    result = report(outcome, source="csv", kind="spool", dry_run=dry_run, rows=len(rows) + _lines(errors))
    return _answer(result)


@router.post("/import/spoolman", response_model=ImportReport, dependencies=[Idempotent], responses=_INVALID)
async def import_spoolman(
    principal: MemberDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Upload = None,
    url: UrlField = None,
    instance: InstanceField = None,
    dry_run: DryRun = False,
) -> Any:
    """Spoolman's vendors, filaments and spools: its JSON or CSV export (``file``), or its base URL
    (``url``; the server fetches ``/api/v1/vendor``, ``/filament`` and ``/spool``). Spools keep their
    Spoolman id as key, per instance (``instance``, else the URL, else the default instance): a re-import
    updates them (remaining weight as an adjustment), never duplicates; another instance's spool 7 is
    another spool. A spool that cannot be imported (no weight anywhere) is skipped and reported; the
    others are imported. A spool archived here is reported as skipped, neither restored nor changed."""
    name = instances.instance_name(instance)
    if name is not None:
        source, shown = instances.source_of_name(name), name
    elif file is None and url:
        source, shown = instances.source_of_url(url), instances.instance_url(url)
    else:
        source, shown = instances.DEFAULT_SOURCE, None
    if file is None and url:
        bundle = await fetch.fetch_spoolman(
            url,
            allow_private=settings.import_allow_private_urls,
            seconds=settings.import_fetch_timeout_seconds,
            max_bytes=MAX_IMPORT_BYTES,
        )
        types, spools, errors = spoolman.parse_bundle(
            bundle["spools"], bundle["filaments"], bundle["vendors"]
        )
    else:
        data = await _read(file, url, settings)
        types, spools, errors = _parse(lambda: spoolman.parse_export(data))
    importer = _importer(session, principal, settings)

    async def work(outcome: Outcome) -> None:
        await importer.import_filament_types(types, outcome, source=source, create_materials=True)
        await importer.import_spools(spools, outcome, source=source, create_materials=True)

    outcome = await importer.run(work, dry_run=dry_run, errors=errors, partial=True)
    result = report(
        outcome,
        source="spoolman",
        kind="spool",
        dry_run=dry_run,
        rows=len(spools) + _lines(errors),
        instance=shown,
    )
    return _answer(result)


@router.post("/import/spoolmandb", response_model=ImportReport, dependencies=[Idempotent], responses=_INVALID)
async def import_spoolmandb(
    principal: MemberDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Upload = None,
    url: UrlField = None,
    dry_run: DryRun = False,
) -> Any:
    """Filament types from a SpoolmanDB manufacturer catalogue (``filaments/<maker>.json``), uploaded or
    fetched from ``url``: one type per colour; existing types (material + brand + colour) are updated."""
    data = await _read(file, url, settings)
    types, errors = _parse(lambda: spoolmandb.parse_catalogue(data))
    importer = _importer(session, principal, settings)

    async def work(outcome: Outcome) -> None:
        await importer.import_filament_types(types, outcome, source="spoolmandb", create_materials=True)

    outcome = await importer.run(work, dry_run=dry_run, errors=errors)
    result = report(
        outcome, source="spoolmandb", kind="filament_type", dry_run=dry_run, rows=len(types) + _lines(errors)
    )
    return _answer(result)


def _lines(errors: list[rules.RowError]) -> int:
    return len({e.line for e in errors})
