"""Idempotent ``POST`` actions: the ``Idempotency-Key`` header (docs/adr/0011-idempotency-keys.md).

Using it in a service takes two lines::

    app = create_service_app(settings, ..., idempotency=True)   # Redis client + response capture

    @router.post("/{spool_id}/use", dependencies=[Idempotent])
    async def use_spool(...): ...

A request without the header runs as before and never touches Redis. With the header:

* the key (1-255 visible ASCII characters, else 422 ``IDEMPOTENCY_KEY_INVALID``) is scoped by tenant, user,
  method and route template, so two tenants or two users never share a key;
* the request's fingerprint is the sha256 of method, concrete path, query string and raw body (a
  multipart body with its random boundary replaced by a fixed one);
* the first request claims the key atomically (``SET NX`` with a short lock TTL); a duplicate that arrives
  while it runs gets 409 ``IDEMPOTENCY_IN_PROGRESS``;
* when the action finishes, its status, body and ``content-type``/``location``/``etag`` are kept for
  ``idempotency_ttl_seconds`` (24 h by default); a repeat with the same fingerprint gets that response back
  with ``Idempotent-Replayed: true`` and does nothing; the same key with another fingerprint gets 422
  ``IDEMPOTENCY_KEY_REUSED``;
* 5xx, an exception, and the 4xx that depend on state outside the request (401, 403, 408, 409, 423, 425,
  429) release the claim instead, so the client may retry with the same key; other 4xx are kept and
  replayed, since the same request would fail the same way;
* Redis unreachable while claiming → 503 ``IDEMPOTENCY_UNAVAILABLE`` (fail closed: without the claim the
  action could run twice). Failing to store the result after the action ran only logs: the action's answer
  still goes out, and the lock expires on its own.

Two pieces make it: the :data:`Idempotent` dependency (it knows the verified principal and the route, and
claims or replays) and :class:`IdempotencyMiddleware` (the only place that sees the final response, after the
request's transaction committed, to store it or release the claim). Route-level ``dependencies`` run before
the endpoint's own, so authentication comes first (a 401 never claims) and the role check after the claim
(a 403 releases it). The dependency resolves :func:`~batchivo_common.auth.deps.get_principal`, which FastAPI
shares with the role dependencies of the same request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, cast

import anyio
from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batchivo_common.auth.deps import get_principal
from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import AppError, Conflict, Unavailable
from batchivo_common.settings import CommonSettings

logger = logging.getLogger("batchivo.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_HEADER_BYTES = HEADER.lower().encode()
MAX_KEY_LENGTH = 255
_KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")
#: Response headers worth replaying; the rest (request id, timing) belong to the request that made them.
KEPT_HEADERS = frozenset({b"content-type", b"location", b"etag"})
#: 4xx answers that depend on something outside the request (credentials, role, concurrent state, rate):
#: the same request may succeed later, so the claim is released rather than the answer kept.
TRANSIENT_4XX = frozenset({401, 403, 408, 409, 423, 425, 429})
#: Where the middleware leaves the slot the dependency fills (one per request).
_SLOT = "batchivo.idempotency"


class IdempotencyKeyInvalid(AppError):
    status_code, code = 422, "IDEMPOTENCY_KEY_INVALID"


class IdempotencyKeyReused(AppError):
    status_code, code = 422, "IDEMPOTENCY_KEY_REUSED"


class IdempotencyInProgress(Conflict):
    code = "IDEMPOTENCY_IN_PROGRESS"


# ---- pure parts -------------------------------------------------------------------------------------------


def validate_key(raw: str) -> str:
    """The key as given, or :class:`IdempotencyKeyInvalid` when empty, too long or not visible ASCII."""
    if not _KEY_PATTERN.fullmatch(raw):
        raise IdempotencyKeyInvalid(
            f"{HEADER} must be 1-{MAX_KEY_LENGTH} visible ASCII characters (a UUID is a good choice)"
        )
    return raw


def scoped_key(prefix: str, *, tenant_id: object, user_id: object, method: str, route: str, key: str) -> str:
    """The Redis key of one client key: the client's key only means something for one caller and route.

    Hashed so any key fits and no part can bleed into the next (``a|b`` + ``c`` vs ``a`` + ``b|c``).
    """
    parts = (str(tenant_id), str(user_id), method.upper(), route, key)
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return f"{prefix}idem:{digest}"


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests "the same": method, concrete path, query string and the raw body bytes."""
    h = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode()):
        h.update(len(part).to_bytes(8, "big") + part)
    h.update(body)
    return h.hexdigest()


def canonical_body(content_type: str | None, body: bytes) -> bytes:
    """The body as fingerprinted: a multipart body with its boundary replaced by a fixed marker.

    Clients pick a fresh random boundary for every send, so a retried upload differs from the first only in
    that token; left in, every retry would look like another request (422). The parts themselves still count.
    """
    if not content_type or not content_type.lower().startswith("multipart/"):
        return body
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value:
            boundary = value.strip().strip('"').encode("latin-1", errors="replace")
            return body.replace(b"--" + boundary, b"--batchivo-boundary")
    return body


def keeps(status: int) -> bool:
    """Whether an answer with this status is kept for replay (else the claim is released)."""
    return status < 500 and status not in TRANSIENT_4XX


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def capture(cls, status: int, raw_headers: Iterable[tuple[bytes, bytes]], body: bytes) -> StoredResponse:
        kept = tuple(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in raw_headers if k.lower() in KEPT_HEADERS
        )
        return cls(status, kept, body)

    def to_response(self) -> Response:
        response = Response(content=self.body, status_code=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        response.headers[REPLAYED_HEADER] = "true"
        return response


def encode_record(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"))


def pending_record(fp: str, token: str) -> dict[str, Any]:
    return {"state": "pending", "fp": fp, "token": token}


def done_record(fp: str, response: StoredResponse) -> dict[str, Any]:
    return {
        "state": "done",
        "fp": fp,
        "status": response.status,
        "headers": [list(h) for h in response.headers],
        "body": base64.b64encode(response.body).decode(),
    }


def stored_response(record: dict[str, Any]) -> StoredResponse:
    return StoredResponse(
        status=int(record["status"]),
        headers=tuple((str(k), str(v)) for k, v in record["headers"]),
        body=base64.b64decode(record["body"]),
    )


# ---- Redis ------------------------------------------------------------------------------------------------

# Only the claim's owner may finish or drop it: after a lock expired another request may hold the key.
_COMPLETE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


@dataclass
class Claim:
    """A key this request holds until it completes or releases it."""

    store: IdempotencyStore
    key: str
    fp: str
    value: str


class Replay(Exception):
    """Raised by the dependency to answer with a kept response (turned into it by the app's handler)."""

    def __init__(self, response: StoredResponse) -> None:
        super().__init__("idempotent replay")
        self.response = response


class IdempotencyStore:
    """Claims, results and releases of keys in Redis."""

    def __init__(self, redis: Redis, *, prefix: str, ttl_seconds: int, lock_seconds: float) -> None:
        self.redis, self.prefix = redis, prefix
        self.ttl_ms, self.lock_ms = ttl_seconds * 1000, max(1, int(lock_seconds * 1000))
        self._complete = redis.register_script(_COMPLETE)
        self._release = redis.register_script(_RELEASE)

    async def claim(self, key: str, fp: str) -> Claim:
        """Claim ``key`` for a request with fingerprint ``fp``; raise :class:`Replay` when it already ran."""
        value = encode_record(pending_record(fp, secrets.token_hex(8)))
        try:
            # SET NX GET (Redis 7): sets and returns None, or returns what another request left there.
            existing = await self.redis.set(key, value, nx=True, px=self.lock_ms, get=True)
        except RedisError as exc:
            logger.warning("idempotency store unavailable: %s", type(exc).__name__)
            raise Unavailable(
                "Idempotency keys cannot be checked right now; retry shortly", code="IDEMPOTENCY_UNAVAILABLE"
            ) from exc
        if existing is None:
            return Claim(self, key, fp, value)
        record = json.loads(cast(bytes, existing))
        if record["fp"] != fp:
            raise IdempotencyKeyReused(f"This {HEADER} was already used with a different request")
        if record["state"] != "done":
            raise IdempotencyInProgress(
                f"A request with this {HEADER} is still being processed; retry shortly"
            )
        raise Replay(stored_response(record))

    async def complete(self, claim: Claim, response: StoredResponse) -> None:
        record = encode_record(done_record(claim.fp, response))
        await self._complete(keys=[claim.key], args=[claim.value, record, self.ttl_ms])

    async def release(self, claim: Claim) -> None:
        await self._release(keys=[claim.key], args=[claim.value])


# ---- FastAPI ----------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    claim: Claim | None = None
    #: The raw request body as it streamed in (only when the request carries a key): a form parser may
    #: have consumed the stream before the dependency runs, and the fingerprint needs the exact bytes.
    body: list[bytes] | None = None


async def _raw_body(request: Request, slot: _Slot) -> bytes:
    try:
        return await request.body()
    except RuntimeError:  # "Stream consumed": a form parser read it; the middleware kept a copy
        return b"".join(slot.body or ())


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    return route.path_format if isinstance(route, APIRoute) else request.url.path


async def idempotent(
    request: Request,
    principal: Annotated[Principal, Depends(get_principal)],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="Makes a retry safe: the same key and body within 24 h return the first answer "
            "and do nothing again; the same key with another body is refused (422).",
        ),
    ] = None,
) -> None:
    if idempotency_key is None:
        return
    key = validate_key(idempotency_key)
    slot = request.scope.get(_SLOT)
    store: IdempotencyStore | None = getattr(request.app.state, "idempotency", None)
    if not isinstance(slot, _Slot) or store is None:
        raise RuntimeError("Idempotent is used on an app created without idempotency=True")
    redis_key = scoped_key(
        store.prefix,
        tenant_id=principal.tenant_id,
        user_id=principal.user_id,
        method=request.method,
        route=_route_template(request),
        key=key,
    )
    body = canonical_body(request.headers.get("content-type"), await _raw_body(request, slot))
    fp = fingerprint(request.method, request.url.path, request.url.query, body)
    slot.claim = await store.claim(redis_key, fp)


#: Attach to a route: ``@router.post(..., dependencies=[Idempotent])``.
Idempotent = Depends(idempotent)


async def _replay(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    return exc.response.to_response()


class IdempotencyMiddleware:
    """Holds back the answer of a request that claimed a key, keeps it (or releases the claim), then sends it.

    Storing before sending means a client that has the answer can always replay it. It runs after the route
    and its dependencies returned, so the request's transaction has committed (or failed) by then.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        slot = _Slot()
        scope[_SLOT] = slot
        if any(name == _HEADER_BYTES for name, _ in scope.get("headers", ())):
            slot.body = []
            receive = _copying(receive, slot.body)
        start: Message | None = None
        parts: list[bytes] = []
        finished = False

        async def capture(message: Message) -> None:
            nonlocal start, finished
            if slot.claim is None:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                finished = finished or not message.get("more_body", False)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            if slot.claim is not None:
                with anyio.CancelScope(shield=True):
                    await _settle(slot.claim, None)
            raise
        if slot.claim is None:
            return
        if start is None or not finished:
            with anyio.CancelScope(shield=True):
                await _settle(slot.claim, None)
            return
        status = int(start["status"])
        body = b"".join(parts)
        kept = StoredResponse.capture(status, start.get("headers", ()), body) if keeps(status) else None
        await _settle(slot.claim, kept)
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _copying(receive: Receive, into: list[bytes]) -> Receive:
    async def copy() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            into.append(message.get("body", b""))
        return message

    return copy


async def _settle(claim: Claim, response: StoredResponse | None) -> None:
    """Keep the answer, or release the claim; a Redis failure here only logs (the lock expires anyway)."""
    try:
        if response is None:
            await claim.store.release(claim)
        else:
            await claim.store.complete(claim, response)
    except RedisError as exc:
        logger.warning("idempotency result not recorded: %s", type(exc).__name__)


@asynccontextmanager
async def idempotency_store(settings: CommonSettings) -> AsyncIterator[IdempotencyStore]:
    """A store on its own Redis client for an app's lifespan. Nothing connects until the first key arrives,
    so a service starts (and serves everything else) while Redis is down."""
    redis = Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
        retry=Retry(NoBackoff(), 1),  # one retry for a stale pooled connection, no back-off
    )
    try:
        yield IdempotencyStore(
            redis,
            prefix=settings.redis_prefix,
            ttl_seconds=settings.idempotency_ttl_seconds,
            lock_seconds=settings.idempotency_lock_seconds,
        )
    finally:
        await redis.aclose()


def install_idempotency(app: FastAPI) -> None:
    """Response capture and the replay handler; ``create_service_app(idempotency=True)`` calls it."""
    app.add_exception_handler(Replay, _replay)
    app.add_middleware(IdempotencyMiddleware)


__all__ = [
    "HEADER",
    "REPLAYED_HEADER",
    "IdempotencyInProgress",
    "IdempotencyKeyInvalid",
    "IdempotencyKeyReused",
    "IdempotencyMiddleware",
    "IdempotencyStore",
    "Idempotent",
    "StoredResponse",
    "canonical_body",
    "fingerprint",
    "idempotency_store",
    "install_idempotency",
    "keeps",
    "scoped_key",
    "validate_key",
]
