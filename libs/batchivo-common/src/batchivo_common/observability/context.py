"""Per-request values that every log line carries."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("batchivo_request_id", default=None)
