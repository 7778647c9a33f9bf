"""An unhandled exception is a 500 in the error format and the keep-alive connection survives it.

Over a real uvicorn socket: Starlette re-raises after its own 500, and uvicorn then closes the connection,
so the next request on it (behind the gateway: another tenant's) would fail.
"""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from batchivo_common.app import create_service_app
from batchivo_common.observability.logging import JsonFormatter
from batchivo_common.settings import CommonSettings
from batchivo_common.testing.asgi_server import serve
from fastapi import FastAPI
from fastapi.responses import StreamingResponse


def build_app() -> FastAPI:
    app = create_service_app(
        CommonSettings(environment="test"), service="demo", title="demo", configure_process=False
    )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret stack detail")

    @app.get("/ok")
    async def ok() -> dict[str, str]:
        return {"status": "fine"}

    @app.get("/half")
    async def half() -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            yield b"first part"
            raise RuntimeError("failed mid-stream")

        return StreamingResponse(body(), media_type="text/plain")

    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve(build_app()) as url:
        yield url


def connection(base_url: str) -> http.client.HTTPConnection:
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.auto_open = 0  # never reconnect behind our back: a closed connection must fail the test
    conn.connect()
    return conn


class JsonLines(logging.Handler):
    """Formats each record as the services' JSON log line when it is emitted (in the request's context)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.setFormatter(JsonFormatter("demo"))
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def test_a_500_keeps_the_connection_for_the_next_request(base_url: str) -> None:
    conn = connection(base_url)
    lines = JsonLines()
    errors_log = logging.getLogger("batchivo.errors")
    errors_log.addHandler(lines)
    try:
        local = conn.sock.getsockname()
        conn.request("GET", "/boom", headers={"X-Request-Id": "req-boom-1"})
        failed = conn.getresponse()
        body = json.loads(failed.read())
        assert failed.status == 500
        assert body == {"detail": "Internal server error", "code": "INTERNAL_ERROR", "status_code": 500}

        for _ in range(3):  # the same socket serves the next requests
            conn.request("GET", "/ok")
            ok = conn.getresponse()
            assert ok.status == 200
            assert json.loads(ok.read()) == {"status": "fine"}
            assert conn.sock is not None and conn.sock.getsockname() == local

        # The 500 went through the request context: its id is on the response and on the logged exception.
        assert failed.getheader("x-request-id") == "req-boom-1"
        logged = [line for line in lines.lines if line["msg"] == "unhandled error on GET /boom"]
        assert len(logged) == 1
        assert logged[0]["request_id"] == "req-boom-1"
        assert "secret stack detail" in str(logged[0]["exc"])
    finally:
        errors_log.removeHandler(lines)
        conn.close()


def test_a_response_that_fails_half_sent_drops_the_connection(base_url: str) -> None:
    # The client must not take a truncated body for a whole one: here closing is the only honest answer.
    conn = connection(base_url)
    try:
        conn.request("GET", "/half")
        response = conn.getresponse()
        assert response.status == 200
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    finally:
        conn.close()


def test_a_413_keeps_the_connection_too(base_url: str) -> None:
    # Refused from Content-Length without reading the body: the server discards the rest and the client,
    # still writing it, is neither cut off nor handed a dead connection afterwards.
    conn = connection(base_url)
    try:
        local = conn.sock.getsockname()
        body = json.dumps({"notes": "x" * (2 * 1024 * 1024)})
        conn.request("POST", "/ok", body=body, headers={"Content-Type": "application/json"})
        refused = conn.getresponse()
        assert refused.status == 413
        assert json.loads(refused.read())["code"] == "PAYLOAD_TOO_LARGE"
        conn.request("GET", "/ok")
        ok = conn.getresponse()
        assert ok.status == 200 and json.loads(ok.read()) == {"status": "fine"}
        assert conn.sock is not None and conn.sock.getsockname() == local
    finally:
        conn.close()
