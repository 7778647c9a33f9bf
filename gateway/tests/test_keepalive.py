"""Dead keep-alive connections: a real loopback upstream that drops kept-alive connections under the gateway.

The upstream is a small raw HTTP/1.1 server (asyncio streams, in the test's loop). On every connection it
answers the first request only, keeping the socket open; the next request on that connection is read and
dropped unanswered (the socket is closed). To the gateway that is exactly a service that closed a keep-alive
connection after a response (idle timeout, or an unhandled error) while the gateway still had it in its pool:
the request goes out, and the connection dies before any response byte arrives. The request was never
processed (it is counted under ``dropped``, not ``processed``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest


@dataclass
class RawUpstream:
    url: str = ""
    processed: list[dict[str, str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    #: Connections that answer every request (turned on to compare).
    keep_alive: bool = False

    async def _read_request(self, reader: asyncio.StreamReader) -> tuple[str, str, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in lines[1:] if ":" in line)
        }
        body = b""
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                body += await reader.readexactly(size)
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
        return method, target, body

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        answered = 0
        try:
            while True:
                try:
                    method, target, body = await self._read_request(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                if answered and not self.keep_alive:
                    self.dropped.append(f"{method} {target}")
                    return  # the "service" closed this connection: the request is never processed
                answered += 1
                path = target.split("?", 1)[0]
                if path.endswith("/crash"):  # dies on its first request, before answering
                    self.dropped.append(f"{method} {target}")
                    return
                self.processed.append({"method": method, "path": path, "body": body.decode("latin-1")})
                if path.endswith("/truncated"):  # the head and part of the body, then the connection dies
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"
                    )
                    writer.write(b"0123456789")
                    await writer.drain()
                    return
                status = b"500 Internal Server Error" if path.endswith("/fail") else b"200 OK"
                payload = json.dumps({"method": method, "path": path, "body": body.decode("latin-1")})
                if path.endswith("/fail"):
                    payload = json.dumps(
                        {"detail": "Internal server error", "code": "INTERNAL_ERROR", "status_code": 500}
                    )
                data = payload.encode()
                writer.write(
                    b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data
                )
                await writer.drain()
        finally:
            writer.close()


@pytest.fixture
async def raw_upstream() -> AsyncIterator[RawUpstream]:
    upstream = RawUpstream()
    server = await asyncio.start_server(upstream.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    upstream.url = f"http://127.0.0.1:{port}"
    try:
        yield upstream
    finally:
        server.close()
        await server.wait_closed()


async def test_alternating_callers_never_get_a_dead_pooled_connection(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    raw_upstream: RawUpstream,
) -> None:
    """Two tenants take turns; one keeps hitting a 500. Every request after the first on a connection meets a
    connection the upstream has dropped: each is answered (200, or the upstream's own 500), never 502."""
    url = start_gateway(inventory_url=raw_upstream.url)
    alice, bob = bearer(uuid.uuid4()), bearer(uuid.uuid4())
    rounds = 12
    for i in range(rounds):
        failing = await client.post(f"{url}/api/v1/spools/fail", headers=alice, json={"i": i})
        assert failing.status_code == 500, failing.text
        assert failing.json()["code"] == "INTERNAL_ERROR"  # the service's own error passes through
        for copy in range(2):  # the second goes out on the connection the first left in the pool
            created = await client.post(f"{url}/api/v1/spools", headers=bob, json={"weight": i, "copy": copy})
            assert created.status_code == 200, created.text
            assert json.loads(created.json()["body"]) == {"weight": i, "copy": copy}  # the body, sent again
        listed = await client.get(f"{url}/api/v1/spools", headers=alice)
        assert listed.status_code == 200, listed.text
    # Each request was processed exactly once; the dead connections were really met (and were retried).
    assert len(raw_upstream.processed) == 4 * rounds
    assert [p["path"] for p in raw_upstream.processed].count("/api/v1/spools") == 3 * rounds
    assert "POST /api/v1/spools" in raw_upstream.dropped  # dead pooled connections were really met
    assert "GET /api/v1/spools" in raw_upstream.dropped


async def test_a_connection_that_dies_after_the_response_started_is_not_retried(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    raw_upstream: RawUpstream,
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(inventory_url=raw_upstream.url)
    response = await client.get(f"{url}/api/v1/spools/truncated", headers=bearer())
    assert_error(response, 502, "UPSTREAM_ERROR")
    assert [p["path"] for p in raw_upstream.processed] == ["/api/v1/spools/truncated"]
    assert raw_upstream.dropped == []


async def test_a_post_whose_new_connection_dies_is_not_sent_twice(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    raw_upstream: RawUpstream,
    assert_error: Callable[..., Any],
) -> None:
    """On a brand-new connection the service may have applied the request before dying: a POST is not
    retried; an idempotent GET is, once, on another new connection."""
    url = start_gateway(inventory_url=raw_upstream.url)
    post = await client.post(f"{url}/api/v1/spools/crash", headers=bearer(), json={"x": 1})
    assert_error(post, 502, "UPSTREAM_ERROR")
    assert raw_upstream.dropped == ["POST /api/v1/spools/crash"]
    raw_upstream.dropped.clear()
    get = await client.get(f"{url}/api/v1/spools/crash", headers=bearer())
    assert_error(get, 502, "UPSTREAM_ERROR")
    assert raw_upstream.dropped == ["GET /api/v1/spools/crash"] * 2


async def test_a_streamed_body_is_not_retried(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    raw_upstream: RawUpstream,
    assert_error: Callable[..., Any],
) -> None:
    """A chunked body is streamed, so the first try consumes it: meeting a dead connection is then a 502."""
    url = start_gateway(inventory_url=raw_upstream.url)
    first = await client.get(f"{url}/api/v1/spools", headers=bearer())  # leaves a connection in the pool
    assert first.status_code == 200

    async def body() -> AsyncIterator[bytes]:
        yield b'{"a": '
        yield b"1}"

    response = await client.post(f"{url}/api/v1/spools", headers=bearer(), content=body())
    assert_error(response, 502, "UPSTREAM_ERROR")
    assert raw_upstream.dropped == ["POST /api/v1/spools"]
