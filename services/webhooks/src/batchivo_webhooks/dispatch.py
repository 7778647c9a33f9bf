"""The dispatcher: sends due deliveries, each on its own, so one slow receiver never holds up another.

It runs in the worker as the relay role (SELECT/UPDATE on every tenant's endpoints and deliveries, no
INSERT/DELETE; see the migration). One loop claims due deliveries (``FOR UPDATE SKIP LOCKED``, so several
workers never claim the same row) and leases them (``next_attempt_at = now() + lease``, ``attempts + 1``)
in one short transaction, then starts one task per delivery, up to ``dispatch_batch_size`` in flight. Each
task: re-checks the URL (resolves the host, refuses any non-public address: DNS rebinding) and connects to
the very address it checked, with the original Host header and TLS SNI; signs the stored body; sends it
under ``attempt_timeout_seconds``; records the outcome (rules.after_attempt) and the endpoint's failure
streak (rules.should_disable) in a transaction of its own. A worker that dies mid-attempt leaves the lease
to expire: the delivery is attempted again (at least once; receivers dedupe on the delivery id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from prometheus_client import Counter, Histogram
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from batchivo_webhooks import rules, vault
from batchivo_webhooks.crypto import DecryptionFailed, Keyring, KeyringError
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.signing import body_bytes, request_headers, signature_header
from batchivo_webhooks.ssrf import IpAddress, UrlRefused, UrlShape, host_header, pinned_url
from batchivo_webhooks.urls import UrlPolicy

log = logging.getLogger("batchivo.webhooks.dispatch")

DELIVERIES = Counter(
    "batchivo_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (succeeded, retrying, failed = gave up, refused = URL refused).",
    ["outcome"],
)
LATENCY = Histogram(
    "batchivo_webhook_delivery_seconds",
    "Time from sending a webhook to its receiver's answer (attempts that got an answer).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DISABLED = Counter("batchivo_webhook_endpoints_disabled_total", "Endpoints disabled after a day of failures.")

#: How much of an answer is read (the log keeps the first ``rules.SNIPPET_CHARS`` characters).
MAX_ANSWER_BYTES = 4096

_CLAIM = text(
    """
    WITH due AS (
        SELECT d.id
        FROM webhooks.deliveries d
        JOIN webhooks.endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.active
        ORDER BY d.next_attempt_at
        LIMIT :limit
        FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE webhooks.deliveries d
    SET next_attempt_at = now() + make_interval(secs => :lease),
        attempts = d.attempts + 1,
        window_started_at = coalesce(d.window_started_at, now()),
        last_attempt_at = now()
    FROM due, webhooks.endpoints e
    WHERE d.id = due.id AND e.id = d.endpoint_id
    RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_type, d.payload, d.attempts, d.window_started_at,
              e.url, e.secret_key_id, e.secret_wrapped_key, e.secret_nonce, e.secret_ciphertext,
              e.previous_secret_nonce, e.previous_secret_ciphertext, e.previous_secret_expires_at
    """
)

_RECORD = text(
    """
    UPDATE webhooks.deliveries
    SET status = :status, next_attempt_at = :next_attempt_at, last_status_code = :code,
        last_latency_ms = :latency, last_error = :error, response_snippet = :snippet,
        delivered_at = CASE WHEN CAST(:succeeded AS boolean) THEN now() ELSE delivered_at END
    WHERE id = :id AND status = 'pending'
    """
)


def pinned_target(shape: UrlShape, address: IpAddress) -> tuple[str, str, dict[str, Any]]:
    """Where an attempt connects: the URL with the checked address as its host, the ``Host`` header with
    the original name, and (https) the TLS SNI name, which the certificate is also checked against."""
    extensions: dict[str, Any] = {"sni_hostname": shape.host} if shape.parts.scheme == "https" else {}
    return pinned_url(shape, address), host_header(shape), extensions


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    tenant_id: uuid.UUID
    endpoint_id: uuid.UUID
    event_type: str
    payload: dict[str, Any]
    attempts: int
    window_started_at: datetime
    url: str
    secret_columns: tuple[Any, ...]


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    latency_ms: int | None
    error: str | None
    snippet: str | None
    refused: bool = False


class Dispatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: WebhooksSettings,
        keyring: Keyring,
        urls: UrlPolicy,
    ) -> None:
        self.engine, self.settings, self.keyring, self.urls = engine, settings, keyring, urls
        self.schedule = rules.Schedule(
            settings.retry_base_seconds, settings.retry_cap_seconds, settings.retry_window_seconds
        )
        # No kept-alive connections: every attempt connects to the address it just checked, and a pooled
        # connection (keyed by that address) must never carry another host's request or TLS name.
        self.client = httpx.AsyncClient(
            timeout=settings.attempt_timeout_seconds,
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0, max_connections=settings.dispatch_batch_size),
        )
        self.in_flight: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()

    async def close(self) -> None:
        for task in list(self.in_flight):
            task.cancel()
        for task in list(self.in_flight):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.client.aclose()

    async def run(self) -> None:
        while True:
            started = 0
            try:
                started = await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("claiming due webhook deliveries failed; retrying", exc_info=True)
            if not started:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.settings.dispatch_poll_seconds):
                        await self._wake.wait()

    async def tick(self) -> int:
        """Claim what is due (as many as there are free slots) and start sending it; returns how many."""
        free = self.settings.dispatch_batch_size - len(self.in_flight)
        if free <= 0:
            return 0
        claimed = await self.claim(free)
        for item in claimed:
            task = asyncio.create_task(self.deliver(item), name=f"webhook-{item.id}")
            self.in_flight.add(task)
            task.add_done_callback(self._done)
        return len(claimed)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self._wake.set()  # a slot is free
        if not task.cancelled() and task.exception() is not None:
            log.error("a webhook delivery task failed", exc_info=task.exception())

    async def claim(self, limit: int) -> list[Claimed]:
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(_CLAIM, {"limit": limit, "lease": self.settings.claim_lease_seconds})
            ).all()
        return [
            Claimed(
                id=row.id,
                tenant_id=row.tenant_id,
                endpoint_id=row.endpoint_id,
                event_type=row.event_type,
                payload=row.payload,
                attempts=row.attempts,
                window_started_at=row.window_started_at,
                url=row.url,
                secret_columns=(
                    row.secret_key_id,
                    row.secret_wrapped_key,
                    row.secret_nonce,
                    row.secret_ciphertext,
                    row.previous_secret_nonce,
                    row.previous_secret_ciphertext,
                    row.previous_secret_expires_at,
                ),
            )
            for row in rows
        ]

    async def deliver(self, item: Claimed) -> None:
        attempt = await self.attempt(item)
        await self.record(item, attempt)

    async def attempt(self, item: Claimed) -> Attempt:
        try:
            shape, address = await self.urls.resolve(item.url)
        except UrlRefused as refused:
            return Attempt(None, None, f"refused: {refused.detail}"[:500], None, refused=True)
        key_id, wrapped, nonce, ciphertext, prev_nonce, prev_ciphertext, prev_expires = item.secret_columns
        now = datetime.now(UTC)
        try:
            secrets_ = vault.signing_secrets(
                self.keyring, item.endpoint_id, key_id, bytes(wrapped), bytes(nonce), bytes(ciphertext),
                bytes(prev_nonce) if prev_nonce is not None else None,
                bytes(prev_ciphertext) if prev_ciphertext is not None else None,
                prev_expires, now,
            )  # fmt: skip
        except (KeyringError, DecryptionFailed) as exc:
            # Nothing is sent unsigned: a removed key-encryption key (rotate_keys not run?) is an operator's
            # error the log shows; the delivery is retried like any failure.
            log.error("cannot read a webhook signing secret", extra={"endpoint_id": str(item.endpoint_id)})
            return Attempt(None, None, f"cannot read the signing secret: {exc}"[:500], None)
        body = body_bytes(item.payload)
        timestamp = int(time.time())
        headers = request_headers(
            delivery_id=str(item.id),
            event_type=item.event_type,
            timestamp=timestamp,
            signature=signature_header(secrets_, timestamp, body),
        )
        url, headers["Host"], extensions = pinned_target(shape, address)
        started = time.perf_counter()
        seconds = self.settings.attempt_timeout_seconds
        try:
            # The whole attempt (connect, send, answer) within the timeout, whatever the receiver does.
            async with asyncio.timeout(seconds):
                request = self.client.build_request(
                    "POST", url, content=body, headers=headers, extensions=extensions
                )
                response = await self.client.send(request, stream=True)
                try:
                    answer = b""
                    async for chunk in response.aiter_bytes():
                        answer += chunk
                        if len(answer) >= MAX_ANSWER_BYTES:
                            break
                finally:
                    await response.aclose()
        except TimeoutError:
            return Attempt(None, None, f"timed out after {seconds:g} s", None)
        except httpx.TimeoutException:
            return Attempt(None, None, f"timed out after {seconds:g} s", None)
        except httpx.HTTPError as exc:
            return Attempt(None, None, f"{type(exc).__name__}: {exc}"[:500], None)
        elapsed = time.perf_counter() - started
        LATENCY.observe(elapsed)
        snippet = rules.snippet(answer.decode("utf-8", errors="replace")).replace("\x00", "")
        return Attempt(response.status_code, round(elapsed * 1000), None, snippet)

    async def record(self, item: Claimed, attempt: Attempt) -> None:
        succeeded = rules.is_success(attempt.status_code)
        now = datetime.now(UTC)
        outcome = rules.after_attempt(
            succeeded=succeeded,
            attempts=item.attempts,
            first_attempt_at=item.window_started_at,
            now=now,
            schedule=self.schedule,
        )
        if succeeded:
            label = "succeeded"
        elif attempt.refused:
            label = "refused"
        else:
            label = "retrying" if outcome.status is rules.Status.pending else "failed"
        DELIVERIES.labels(label).inc()
        async with self.engine.begin() as conn:
            await conn.execute(
                _RECORD,
                {
                    "id": item.id,
                    "status": outcome.status.value,
                    "succeeded": succeeded,
                    "next_attempt_at": outcome.next_attempt_at,
                    "code": attempt.status_code,
                    "latency": attempt.latency_ms,
                    "error": attempt.error,
                    "snippet": attempt.snippet,
                },
            )
            await self._endpoint_streak(conn, item.endpoint_id, succeeded, attempt, now)
        log.info(
            "webhook attempt",
            extra={
                "delivery_id": str(item.id),
                "endpoint_id": str(item.endpoint_id),
                "attempt": item.attempts,
                "outcome": label,
                "status_code": attempt.status_code,
            },
        )

    async def _endpoint_streak(
        self, conn: Any, endpoint_id: uuid.UUID, succeeded: bool, attempt: Attempt, now: datetime
    ) -> None:
        if succeeded:
            await conn.execute(
                text(
                    "UPDATE webhooks.endpoints SET failing_since = NULL"
                    " WHERE id = :id AND failing_since IS NOT NULL"
                ),
                {"id": endpoint_id},
            )
            return
        row = (
            await conn.execute(
                text(
                    "UPDATE webhooks.endpoints SET failing_since = coalesce(failing_since, :now)"
                    " WHERE id = :id RETURNING failing_since, active"
                ),
                {"id": endpoint_id, "now": now},
            )
        ).first()
        if row is None or not row.active:
            return
        if rules.should_disable(row.failing_since, now, self.settings.disable_after_seconds):
            reason = rules.disabled_reason(
                self.settings.disable_after_seconds,
                rules.describe_failure(attempt.status_code, attempt.error),
            )
            await conn.execute(
                text(
                    "UPDATE webhooks.endpoints SET active = false, disabled_at = :now,"
                    " disabled_reason = :reason, updated_at = :now, version = version + 1 WHERE id = :id"
                ),
                {"id": endpoint_id, "now": now, "reason": reason[:500]},
            )
            DISABLED.inc()
            log.warning("disabled a failing webhook endpoint", extra={"endpoint_id": str(endpoint_id)})
