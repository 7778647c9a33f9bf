"""ETag / If-Match: a PATCH that would overwrite somebody else's change is refused (docs/api.md).

- The ETag of a resource is strong, ``"<id>-<version>"``: its id and the version column of the aggregate it
  belongs to (a run's item or material line answers with, and is guarded by, its run's tag). The version
  moves on with every change, so the tag changes with the representation.
- A GET of one resource and every PATCH (or PUT) of it answer with ``ETag``.
- A PATCH with ``If-Match`` compares it with the current tag while the aggregate's row is locked
  (``SELECT ... FOR UPDATE`` in the request's transaction, before the handler runs): a racing PATCH with
  the same tag waits for the first to commit, then sees the new version and is refused. No match: 412
  ``PRECONDITION_FAILED`` carrying the current ``ETag``, and nothing changes. ``If-Match: *`` matches any
  existing resource. Without ``If-Match`` the PATCH is applied (partners should send it).
- A malformed ``If-Match`` (not ``*`` nor a list of quoted tags) is 400 ``INVALID_IF_MATCH``. A weak tag
  (``W/"..."``) never matches: If-Match compares strongly (RFC 9110 §13.1.1).

A route takes the precondition as a dependency built by :func:`versioned` and must use
:class:`ETagRoute` as its router's route class, which writes the tag on the response after the handler ran,
inside the same transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Column, Table, event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_common.auth.deps import get_principal
from batchivo_common.auth.tokens import Principal
from batchivo_common.db.session import ReadSessionDep, SessionDep
from batchivo_common.errors import AppError, BadRequest

_SCOPE_KEY = "batchivo.etag"
_ENTITY_TAG = re.compile(r'\s*((?:W/)?"[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


#: Documented on every guarded route of the OpenAPI.
IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of your last read (or *): the change applies only if the resource is still"
        " at that version, else 412 PRECONDITION_FAILED. Send it to never overwrite another change.",
    ),
]


class PreconditionFailed(AppError):
    status_code, code = 412, "PRECONDITION_FAILED"


def etag(resource_id: uuid.UUID | str, version: int) -> str:
    """The strong entity tag of version ``version`` of ``resource_id``, quotes included."""
    return f'"{resource_id}-{version}"'


@dataclass(frozen=True, slots=True)
class IfMatch:
    """A parsed ``If-Match``: ``*`` or the listed tags (weak ones kept, never matching)."""

    any: bool
    tags: tuple[str, ...] = ()

    def matches(self, current: str) -> bool:
        return self.any or current in self.tags


def parse_if_match(value: str | None) -> IfMatch | None:
    """None when the header is absent or empty; raises :class:`BadRequest` when it is malformed."""
    if value is None or not value.strip():
        return None
    if value.strip() == "*":
        return IfMatch(any=True)
    tags: list[str] = []
    position, end = 0, len(value)
    while position < end:
        found = _ENTITY_TAG.match(value, position)
        if found is None or found.end() == position:
            raise BadRequest(
                'If-Match must be * or a comma-separated list of quoted entity tags ("...")',
                code="INVALID_IF_MATCH",
            )
        tags.append(found.group(1))
        position = found.end()
    return IfMatch(any=False, tags=tuple(tags))


Lookup = Callable[[Request, Principal], Any]


def _path_id(name: str) -> Lookup:
    def lookup(request: Request, _: Principal) -> Any:
        raw = request.path_params.get(name)
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            return None  # the route's own validation answers 422

    return lookup


def _tenant_id(_: Request, principal: Principal) -> Any:
    return principal.tenant_id


def _ids(table: Table, id_param: str | None, id_column: str) -> tuple[Lookup, Column[Any], Column[Any]]:
    lookup = _path_id(id_param) if id_param is not None else _tenant_id
    return lookup, table.c[id_column], table.c.version


async def _version(
    session: AsyncSession, key: Column[Any], version: Column[Any], resource_id: Any
) -> int | None:
    found: int | None = (
        await session.execute(select(version).where(key == resource_id))
    ).scalar_one_or_none()
    return found


_WATCH_KEY = "batchivo.etag_watch"
_WATCHED: set[type[Any]] = set()


class _LoadWatch:
    """Keeps the version of one ``model`` row as the session loads it (the handler's own read), so the GET's
    tag costs no statement. The session holds loaded objects weakly (by the time the response is built they
    may be gone), hence the copy taken at load time by :func:`_on_load`."""

    __slots__ = ("model", "resource_id", "version")

    def __init__(self, model: type[Any], resource_id: Any) -> None:
        self.model, self.resource_id = model, resource_id
        self.version: int | None = None


def _on_load(instance: Any, context: Any) -> None:
    """A mapper-level ``load`` listener (registered once per watched class): one dict lookup per loaded
    object unless its session is watching for it."""
    watch: _LoadWatch | None = context.session.info.get(_WATCH_KEY)
    if watch is None or type(instance) is not watch.model:
        return
    state = sa_inspect(instance)
    if state.identity == (watch.resource_id,) and "version" not in state.unloaded:
        watch.version = instance.version


def _watch_loads(model: type[Any]) -> None:
    if model not in _WATCHED:
        event.listen(model, "load", _on_load)
        _WATCHED.add(model)


def versioned(
    table: Table,
    id_param: str | None,
    *,
    id_column: str = "id",
    bump: bool = False,
    create_missing: bool = False,
) -> Any:
    """The If-Match guard of a PATCH (or PUT) of the aggregate in ``table`` whose ``id_column`` is the path
    parameter ``id_param`` (None: the caller's tenant, for a tenant's one settings row). ``bump``: move the
    version on after a successful write (for an aggregate whose service keeps no version itself).
    ``create_missing``: a row that does not exist yet (a tenant's settings before their first change) is
    inserted with its defaults (version 1) before it is locked, so racing first writes serialise too.
    Declare it after the route's principal dependency, so a caller without the role is refused first."""
    lookup, key, version = _ids(table, id_param, id_column)

    async def guard(
        request: Request,
        session: SessionDep,
        if_match: IfMatchHeader = None,
        principal: Principal = Depends(get_principal),
    ) -> None:
        resource_id = lookup(request, principal)
        if resource_id is None:
            return
        precondition = parse_if_match(if_match)
        if precondition is not None:
            if create_missing:
                await session.execute(
                    pg_insert(table).values({key.name: resource_id}).on_conflict_do_nothing()
                )
            locked = select(version).where(key == resource_id).with_for_update()
            found: int | None = (await session.execute(locked)).scalar_one_or_none()
            if found is None:
                return  # the handler answers 404
            now = etag(resource_id, found)
            if not precondition.matches(now):
                raise PreconditionFailed(
                    "The resource has changed since you read it (If-Match does not match its ETag): "
                    "read it again and reapply your change",
                    headers={"ETag": now},
                )

        async def tag() -> str | None:
            if bump:
                moved = update(table).where(key == resource_id).values(version=version + 1).returning(version)
                after: int | None = (await session.execute(moved)).scalar_one_or_none()
            else:
                after = await _version(session, key, version, resource_id)
            return None if after is None else etag(resource_id, after)

        request.scope[_SCOPE_KEY] = tag

    return Depends(guard)


def tagged(
    model: type[Any],
    id_param: str | None,
    *,
    id_column: str = "id",
    read_session: bool = False,
    missing_version: int | None = None,
) -> Any:
    """The ``ETag`` of a GET of one resource of the mapped class ``model`` (see :func:`versioned` for the
    other arguments). ``read_session``: the route's handler reads through ``ReadSessionDep`` (the tag is
    read in the same transaction). ``missing_version``: the version a row not created yet answers with (1,
    what ``create_missing`` makes).

    When the handler loads the row as an object of ``model`` (its primary key is ``id_column``), its version
    is taken as it loads: a GET sends no statement more. Otherwise the version is
    selected by ``id_column``. (A PATCH always selects it: a write may have moved it on in SQL.)"""
    table: Table = model.__table__
    lookup, key, version = _ids(table, id_param, id_column)
    by_primary_key = [c.name for c in table.primary_key.columns] == [id_column]
    if by_primary_key:
        _watch_loads(model)

    def register(request: Request, session: AsyncSession, principal: Principal) -> None:
        resource_id = lookup(request, principal)
        if resource_id is None:
            return

        watch: _LoadWatch | None = None
        if by_primary_key:
            watch = _LoadWatch(model, resource_id)
            session.info[_WATCH_KEY] = watch

        async def tag() -> str | None:
            now = None
            if watch is not None:
                session.info.pop(_WATCH_KEY, None)
                now = watch.version
            if now is None:
                now = await _version(session, key, version, resource_id)
            now = missing_version if now is None else now
            return None if now is None else etag(resource_id, now)

        request.scope[_SCOPE_KEY] = tag

    async def in_session(
        request: Request, session: SessionDep, principal: Principal = Depends(get_principal)
    ) -> None:
        register(request, session, principal)

    async def in_read_session(
        request: Request, session: ReadSessionDep, principal: Principal = Depends(get_principal)
    ) -> None:
        register(request, session, principal)

    return Depends(in_read_session if read_session else in_session)


class ETagRoute(APIRoute):
    """Writes the tag registered by a :func:`versioned` dependency on a successful (2xx) response, after the
    handler ran and before the request's transaction commits."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_etag(request: Request) -> Response:
            response = await handler(request)
            tag: Callable[[], Awaitable[str | None]] | None = request.scope.pop(_SCOPE_KEY, None)
            if tag is not None and 200 <= response.status_code < 300:
                value = await tag()
                if value is not None:
                    response.headers["ETag"] = value
            return response

        return with_etag
