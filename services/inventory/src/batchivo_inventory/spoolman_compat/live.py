"""Spoolman's websockets (``/compat/spoolman/api/v1/spool``, ``…/filament``, ``…/vendor``).

Moonraker keeps ``…/api/v1/spool`` open and reports usage only while it is connected; Spoolman answers
every text message with ``{"status": "healthy"}`` (its keep-alive). The caller is admitted like any request
(the bearer token of the handshake: the gateway's exchanged API-key token), before the socket is accepted.

Each socket also pushes Spoolman's change messages (``{"type", "resource", "date", "payload"}``) of the
caller's shop for its resource only (``…/spool`` spools, ``…/filament`` filaments, ``…/vendor`` vendors),
from :mod:`.feed`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from batchivo_common.auth.tokens import Principal, TokenVerifier
from batchivo_common.errors import AppError
from fastapi import WebSocket, WebSocketDisconnect, status

from batchivo_inventory.spoolman_compat.feed import Feed, Hub

log = logging.getLogger("batchivo.inventory.spoolman")

HEALTHY = {"status": "healthy"}


async def principal_of(websocket: WebSocket) -> Principal | None:
    """The verified caller of a handshake (``Authorization: Bearer``), or None."""
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    verifier: TokenVerifier = websocket.app.state.token_verifier
    try:
        return await verifier.verify(token.strip())
    except AppError:
        return None


async def serve_socket(websocket: WebSocket, resource: str) -> None:
    """Admit, accept, then answer each message with Spoolman's keep-alive until the client leaves, and push
    the tenant's change messages of ``resource`` (:mod:`.feed`)."""
    principal = await principal_of(websocket)
    if principal is None:
        # Closing before accepting refuses the handshake (HTTP 403): nothing is revealed to the caller.
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    hub: Hub | None = getattr(websocket.app.state, "spoolman_hub", None)
    feed: Feed | None = getattr(websocket.app.state, "spoolman_feed", None)
    if hub is None or feed is None:
        await _answer(websocket)
        return
    with hub.subscribe(principal.tenant_id, resource) as queue:
        if resource == "vendor":
            try:
                await feed.watch_vendors(principal.tenant_id)
            except Exception as exc:  # the database hiccuped: keep-alives still work, vendor pushes wait
                log.warning("spoolman vendor socket: vendors not read", exc_info=exc)
        tasks = [asyncio.create_task(_answer(websocket)), asyncio.create_task(_push(websocket, queue))]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def _answer(websocket: WebSocket) -> None:
    try:
        while True:
            await websocket.receive_text()
            await websocket.send_json(HEALTHY)
    except WebSocketDisconnect:
        return


async def _push(websocket: WebSocket, queue: asyncio.Queue[dict[str, Any]]) -> None:
    while True:
        await websocket.send_json(await queue.get())
