"""Spoolman's websockets on the inventory: admitted by the handshake's bearer token, then Spoolman's
keep-alive answer to every message (Moonraker reports usage only while ``…/api/v1/spool`` is connected).

The app is driven at the ASGI level: the client's messages are queued, the app's are collected."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role
from fastapi import FastAPI

BASE = "/compat/spoolman/api/v1"


async def talk(app: FastAPI, path: str, authorization: str | None, texts: list[str]) -> list[dict[str, Any]]:
    """Connect, send ``texts``, disconnect; what the app sent back."""
    inbound: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for message in (
        {"type": "websocket.connect"},
        *({"type": "websocket.receive", "text": t} for t in texts),
        {"type": "websocket.disconnect", "code": 1000},
    ):
        inbound.put_nowait(message)
    headers = [(b"host", b"inventory.test")]
    if authorization is not None:
        headers.append((b"authorization", authorization.encode()))
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("inventory.test", 80),
        "subprotocols": [],
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, inbound.get, send), timeout=10)
    return sent


@pytest.mark.parametrize("resource", ["spool", "filament", "vendor"])
async def test_an_admitted_socket_answers_keep_alives(
    app: FastAPI, make_token: Callable[..., str], resource: str
) -> None:
    token = make_token(role=Role.viewer)
    sent = await talk(app, f"{BASE}/{resource}", f"Bearer {token}", ["ping", "ping"])
    assert sent[0]["type"] == "websocket.accept"
    answers = [json.loads(m["text"]) for m in sent[1:] if m["type"] == "websocket.send"]
    assert answers == [{"status": "healthy"}, {"status": "healthy"}]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
async def test_a_socket_without_a_valid_token_is_refused(app: FastAPI, authorization: str | None) -> None:
    sent = await talk(app, f"{BASE}/spool", authorization, ["ping"])
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": ""}]
