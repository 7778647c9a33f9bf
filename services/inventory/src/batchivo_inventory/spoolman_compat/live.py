"""Spoolman's websockets (``/compat/spoolman/api/v1/spool``, ``…/filament``, ``…/vendor``).

Moonraker keeps ``…/api/v1/spool`` open and reports usage only while it is connected; Spoolman answers
every text message with ``{"status": "healthy"}`` (its keep-alive). The caller is admitted like any request
(the bearer token of the handshake: the gateway's exchanged API-key token), before the socket is accepted.

Change messages (``{"type", "resource", "date", "payload"}``) are not pushed yet: the socket only keeps the
client connected and answers its keep-alives (services/inventory/README.md, "Spoolman compatibility").
"""

from __future__ import annotations

from batchivo_common.auth.tokens import Principal, TokenVerifier
from batchivo_common.errors import AppError
from fastapi import WebSocket, WebSocketDisconnect, status

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


async def keep_alive(websocket: WebSocket) -> None:
    """Admit, accept, then answer each message with Spoolman's keep-alive until the client leaves."""
    if await principal_of(websocket) is None:
        # Closing before accepting refuses the handshake (HTTP 403): nothing is revealed to the caller.
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    try:
        while True:
            await websocket.receive_text()
            await websocket.send_json(HEALTHY)
    except WebSocketDisconnect:
        return
