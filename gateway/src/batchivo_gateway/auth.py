"""Admission: who is calling (JWT or API key), is the token revoked, is the caller over its limit.

- JWTs are verified with the auth service's JWKS (pinned EdDSA, ``iss``/``aud``/``exp``); a verified token is
  remembered in memory (bounded LRU) until ``min(exp, now + token_cache_seconds)``, so a busy client does not
  cost an Ed25519 verification per request.
- API keys (``bvk_...`` in ``Authorization: Bearer`` or ``X-API-Key``) are exchanged with auth for a
  short-lived access token, cached in Redis (never in memory: auth deletes the Redis entry on revoke).
- The deny-list (logout) is answered from memory while the gateway's subscription to auth's announcements
  is live (:mod:`batchivo_gateway.denylist`), and the tenant's rate limit from requests Redis granted in
  advance (:class:`~batchivo_gateway.ratelimit.Allowance`): most requests make no Redis call (ADR 0027).
  Otherwise the deny-list lookup and the limit share one Redis round trip. If Redis cannot be asked, both
  fail open (logged): availability over a revocation that expires with the token (≤ 15 min).
- Login/register are limited per client IP; register also per email; login by its failures per (IP, email)
  and per email with exponential back-off (docs/adr/0008-login-abuse.md). Without Redis they fail closed by
  default.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from batchivo_common.auth import revocation
from batchivo_common.auth.tokens import Principal, TokenCache, TokenVerifier
from batchivo_common.errors import RateLimited, Unauthenticated, Unavailable
from batchivo_common.observability.tracing import inject_context
from redis.asyncio import Redis
from redis.exceptions import RedisError

from batchivo_gateway.denylist import DenyList
from batchivo_gateway.errors import UpstreamError, UpstreamTimeout
from batchivo_gateway.ratelimit import (
    ADMIT_SCRIPT,
    LEASE_SCRIPT,
    LOGIN_CHECK_SCRIPT,
    LOGIN_RECORD_SCRIPT,
    Allowance,
    Decision,
    LoginCheck,
    LoginPolicy,
    SlidingWindow,
    ThrottledLog,
    email_subject,
    lease_size,
    login_keys,
    login_refusal,
)
from batchivo_gateway.settings import GatewaySettings

API_KEY_PREFIX = "bvk_"
#: Seconds an exchanged API-key token is cached less than it lives, so it is never used after expiry.
API_KEY_CACHE_MARGIN = 30


@dataclass(frozen=True, slots=True)
class Credentials:
    kind: str  # "jwt" | "api_key"
    secret: str


def credentials_from(headers: Mapping[str, str]) -> Credentials:
    """The caller's credentials from ``Authorization: Bearer ...`` or ``X-API-Key``; 401 when absent."""
    api_key = headers.get("x-api-key")
    if api_key:
        if not api_key.startswith(API_KEY_PREFIX):
            raise Unauthenticated("Invalid API key")
        return Credentials("api_key", api_key)
    authorization = headers.get("authorization")
    if not authorization:
        raise Unauthenticated("Missing bearer token")
    scheme, _, value = authorization.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise Unauthenticated("Missing bearer token")
    if value.startswith(API_KEY_PREFIX):
        return Credentials("api_key", value)
    return Credentials("jwt", value)


def _rate_limited(decision: Decision, what: str) -> RateLimited:
    return RateLimited(
        f"Too many {what}; retry in {decision.retry_after} s",
        headers={"Retry-After": str(decision.retry_after)},
    )


class Authenticator:
    def __init__(
        self,
        settings: GatewaySettings,
        verifier: TokenVerifier,
        redis: Redis,
        http: httpx.AsyncClient,
        deny_list: DenyList | None = None,
    ):
        self.settings, self.verifier, self.redis, self.http = settings, verifier, redis, http
        self.deny_list = deny_list
        self.prefix = settings.redis_prefix
        self.limiter = SlidingWindow(settings.redis_prefix)
        self.allowance = Allowance()
        self.lease = lease_size(settings.api_rate_per_minute, settings.api_rate_lease_max)
        self._admit_script = redis.register_script(ADMIT_SCRIPT)
        self._lease_script = redis.register_script(LEASE_SCRIPT)
        self._login_check = redis.register_script(LOGIN_CHECK_SCRIPT)
        self._login_record = redis.register_script(LOGIN_RECORD_SCRIPT)
        self.login_policy = LoginPolicy(
            failures_per_ip_email=settings.login_failures_per_ip_email,
            failure_window_seconds=settings.login_failure_window_seconds,
            email_free_failures=settings.login_email_free_failures,
            backoff_base_seconds=settings.login_backoff_base_seconds,
            backoff_max_seconds=settings.login_backoff_max_seconds,
        )
        self.cache = TokenCache(settings.token_cache_size, settings.token_cache_seconds)
        self._redis_down = ThrottledLog()

    # -- tokens ---------------------------------------------------------------------------------------

    async def verify(self, token: str) -> Principal:
        now = time.time()
        principal = self.cache.get(token, now)
        if principal is None:
            principal = await self.verifier.verify(token)
            self.cache.put(token, principal, now)
        return principal

    async def authenticate(
        self, headers: Mapping[str, str], request_id: str | None = None
    ) -> tuple[Principal, str, bool]:
        """The verified principal, the access token to forward, and whether it came from an API key.

        ``request_id`` goes with the exchange call of an API key, beside the trace context (built only then:
        a JWT's request needs neither).
        """
        creds = credentials_from(headers)
        if creds.kind == "jwt":
            return await self.verify(creds.secret), creds.secret, False
        forward = inject_context({"x-request-id": request_id} if request_id else {})
        token = await self.api_key_token(creds.secret, forward)
        return await self.verify(token), token, True

    async def _run_admit_script(self, deny_key: str | None, subjects: list[str], now: float) -> list[int]:
        keys = [deny_key or f"{self.prefix}gateway:none"]
        for subject in subjects:
            keys.extend(self.limiter.keys(subject, now))
        replies = await self._admit_script(keys=keys, args=[self.limiter.ttl, "1" if deny_key else "0"])
        return [int(r) for r in replies]

    async def admit(self, principal: Principal) -> None:
        """Deny-list and per-tenant limit: from memory when it can be trusted (most requests), else in one
        Redis call that may also grant the tenant a few requests ahead; fail open without Redis."""
        now = time.time()
        subject = f"api:{principal.tenant_id}"
        window = self.limiter.number(now)
        deny_list = self.deny_list
        if deny_list is not None and deny_list.is_current():
            if deny_list.is_denied(principal.jti):
                raise Unauthenticated("Access token revoked")
            if self.allowance.take(subject, window):
                return
            wanted, check_deny = self.lease, "0"
        else:
            # Redis is asked on every request anyway (for the deny-list): nothing to gain from a lease.
            wanted, check_deny = 1, "1"
        limit = self.settings.api_rate_per_minute
        deny_key = revocation.deny_key(self.prefix, principal.jti)
        current_key, previous_key = self.limiter.keys(subject, now)
        elapsed = self.limiter.elapsed(now)
        try:
            replies = await self._lease_script(
                keys=[deny_key, current_key, previous_key],
                args=[self.limiter.ttl, check_deny, limit, repr(elapsed), wanted],
            )
            denied, granted, current, previous = (int(r) for r in replies)
        except (RedisError, OSError) as exc:
            self._redis_down.warning("redis unavailable: deny-list and API rate limit not applied", exc=exc)
            return
        if denied:
            raise Unauthenticated("Access token revoked")
        if granted <= 0:
            retry = self.limiter.retry_after(previous, current, limit, elapsed)
            raise _rate_limited(
                Decision(False, retry, previous * (1 - elapsed) + current), "requests for this tenant"
            )
        self.allowance.keep(subject, window, granted - 1)

    # -- API keys -------------------------------------------------------------------------------------

    def api_key_cache_key(self, key: str) -> str:
        return f"{self.prefix}gateway:apikey:{hashlib.sha256(key.encode()).hexdigest()}"

    async def api_key_token(self, key: str, forward: Mapping[str, str]) -> str:
        cache_key = self.api_key_cache_key(key)
        try:
            cached = await self.redis.get(cache_key)
        except (RedisError, OSError) as exc:
            self._redis_down.warning("redis unavailable: API key exchanged without cache", exc=exc)
            cached = None
        if cached is not None:
            return cached.decode() if isinstance(cached, bytes) else str(cached)
        token, expires_in = await self._exchange(key, forward)
        ttl = min(expires_in - API_KEY_CACHE_MARGIN, self.settings.api_key_cache_seconds)
        if ttl > 0:
            try:
                await self.redis.set(cache_key, token, ex=ttl)
            except (RedisError, OSError) as exc:
                self._redis_down.warning("redis unavailable: exchanged API key not cached", exc=exc)
        return token

    async def _exchange(self, key: str, forward: Mapping[str, str]) -> tuple[str, int]:
        if not self.settings.auth_url:
            raise Unavailable("The auth service is not configured")
        url = f"{self.settings.auth_url}/internal/api-keys/exchange"
        try:
            response = await self.http.post(url, json={"key": key}, headers=dict(forward))
        except httpx.TimeoutException:
            raise UpstreamTimeout("The auth service did not answer in time") from None
        except httpx.TransportError:
            raise Unavailable("The auth service is unavailable") from None
        if response.status_code in (400, 401, 403, 404, 422):
            raise Unauthenticated("Invalid API key")
        if response.status_code != 200:
            raise UpstreamError(f"API key exchange failed with status {response.status_code}")
        try:
            body = response.json()
            return str(body["access_token"]), int(body["expires_in"])
        except (ValueError, KeyError, TypeError, json.JSONDecodeError):
            raise UpstreamError("API key exchange returned an invalid answer") from None

    # -- login / register -----------------------------------------------------------------------------

    def _fail_closed(self, route: str, exc: BaseException) -> None:
        self._redis_down.warning("redis unavailable: %s rate limit cannot be applied", route, exc=exc)
        if self.settings.login_rate_fail_open:
            return
        raise Unavailable(
            "Sign-in is temporarily unavailable; retry shortly", headers={"Retry-After": "5"}
        ) from None

    async def admit_credentials(self, route: str, client_ip: str, email: str | None) -> None:
        """Attempts per IP (login and register) and per email (register only: login's per-email limit counts
        failures, :meth:`admit_login`); 503 without Redis unless configured to fail open."""
        now = time.time()
        subjects = [f"{route}:ip:{client_ip}"]
        if email and route != "login":
            subjects.append(f"{route}:email:{email_subject(email)}")
        try:
            replies = await self._run_admit_script(None, subjects, now)
        except (RedisError, OSError) as exc:
            self._fail_closed(route, exc)
            return
        limit = self.settings.login_rate_per_minute
        decisions = [
            self.limiter.decide(replies[1 + 2 * i], replies[2 + 2 * i], limit, now)
            for i in range(len(subjects))
        ]
        refusals = [d for d in decisions if not d.allowed]
        if refusals:
            raise _rate_limited(max(refusals, key=lambda d: d.retry_after), f"{route} attempts")

    async def admit_login(self, client_ip: str, email: str) -> bool:
        """The failure limits of one login (docs/adr/0008-login-abuse.md): per (IP, email), and the email's
        exponential back-off, which IPs that logged in to it before skip. 429 when refused; False when Redis
        could not be asked (and the configuration fails open): then nothing is recorded either."""
        keys = login_keys(self.prefix, client_ip, email)
        now_ms = int(time.time() * 1000)
        policy = self.login_policy
        try:
            reply = await self._login_check(
                keys=keys,
                args=[now_ms, policy.failures_per_ip_email, policy.email_free_failures, policy.probe_hold_ms],
            )
        except (RedisError, OSError) as exc:
            self._fail_closed("login", exc)
            return False
        values = [int(v) for v in reply]
        check = LoginCheck(values[0], values[1], values[2], values[3], bool(values[4]), values[5])
        wait = login_refusal(check, policy, now_ms)
        if wait is not None:
            raise RateLimited(
                f"Too many failed sign-ins; retry in {wait} s", headers={"Retry-After": str(wait)}
            )
        return True

    async def record_login(self, client_ip: str, email: str, status_code: int) -> None:
        """Count a failed login (auth answered 401), remember an IP that logged in, free the probe slot."""
        outcome = "fail" if status_code == 401 else "ok" if status_code == 200 else "other"
        policy = self.login_policy
        try:
            await self._login_record(
                keys=login_keys(self.prefix, client_ip, email),
                args=[
                    outcome,
                    int(time.time() * 1000),
                    policy.failure_window_seconds,
                    policy.email_free_failures,
                    int(policy.backoff_base_seconds * 1000),
                    policy.backoff_max_seconds * 1000,
                    policy.email_state_seconds,
                    policy.known_ip_seconds,
                ],
            )
        except (RedisError, OSError) as exc:
            self._redis_down.warning("redis unavailable: login outcome not recorded", exc=exc)
