"""The one error format of every Batchivo service and the gateway.

Every error body is ``{"detail": str, "code": str, "status_code": int}``; validation errors add
``"errors": [{"loc", "msg", "type"}]``. Handlers here turn FastAPI/Starlette errors and unexpected
exceptions into that shape, so nothing reaches a client as HTML or a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("batchivo.errors")

#: Default machine code for a bare HTTP status.
STATUS_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "UPSTREAM_ERROR",
    503: "UNAVAILABLE",
    504: "UPSTREAM_TIMEOUT",
}


def error_body(status_code: int, detail: str, code: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "detail": detail,
        "code": code
        or STATUS_CODES.get(status_code, HTTPStatus(status_code).phrase.upper().replace(" ", "_")),
        "status_code": status_code,
    }
    body.update(extra)
    return body


def error_response(
    status_code: int,
    detail: str,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    headers = dict(headers or {})
    if status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(
        error_body(status_code, detail, code, **extra), status_code=status_code, headers=headers
    )


class AppError(Exception):
    """A failure the client caused or must know about. Subclasses fix the status and code."""

    status_code = 400
    code = "BAD_REQUEST"

    def __init__(
        self, detail: str, *, code: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})


class BadRequest(AppError):
    status_code, code = 400, "BAD_REQUEST"


class Unauthenticated(AppError):
    status_code, code = 401, "UNAUTHENTICATED"


class Forbidden(AppError):
    status_code, code = 403, "FORBIDDEN"


class NotFound(AppError):
    status_code, code = 404, "NOT_FOUND"


class Conflict(AppError):
    status_code, code = 409, "CONFLICT"


class RateLimited(AppError):
    status_code, code = 429, "RATE_LIMITED"


class Unavailable(AppError):
    status_code, code = 503, "UNAVAILABLE"


def _clean_validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    # Keep only what a client can act on; pydantic's "input"/"ctx" may echo secrets back.
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in errors
    ]


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.detail, exc.code, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _clean_validation_errors(exc.errors())
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"] if p != "body") or "request"
    return error_response(422, f"Invalid request: {where}: {first['msg']}", "VALIDATION_ERROR", errors=errors)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = "Resource not found"
    return error_response(exc.status_code, detail, headers=exc.headers)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error", "INTERNAL_ERROR")


class UnhandledErrorGuard:
    """Turns an exception no handler took into a 500 in the error format, and keeps the connection.

    Starlette's outermost ``ServerErrorMiddleware`` sends its 500 and then re-raises, so uvicorn closes the
    connection; behind the gateway's keep-alive pool that turns another tenant's next request on the same
    connection into a 502. This guard sits inside the request-context middleware (the log line carries the
    request id and tenant), logs the exception with the request, sends the 500 when no response has
    started, and swallows it. Only when a response is half sent does it re-raise: the server must then
    drop the connection, since the client cannot tell a truncated body from a whole one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"started": False, "complete": False}

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                state["complete"] = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.exception(
                "unhandled error on %s %s",
                scope.get("method"),
                scope.get("path"),
                exc_info=exc,
                extra={"response_started": state["started"]},
            )
            if not state["started"]:
                await error_response(500, "Internal server error", "INTERNAL_ERROR")(scope, receive, send)
            elif not state["complete"]:
                raise


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # The last resort of Starlette's ServerErrorMiddleware, for an exception outside UnhandledErrorGuard.
    app.add_exception_handler(Exception, _unhandled)
