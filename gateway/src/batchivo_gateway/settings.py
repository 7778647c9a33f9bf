"""Gateway settings: where the services are, limits, timeouts, the SPA build.

Env prefix ``GATEWAY_`` (``GATEWAY_AUTH_URL``, ``GATEWAY_API_RATE_PER_MINUTE`` ...); the cross-cutting values
(Redis, JWT issuer/audience, JWKS URL, telemetry) come from :class:`CommonSettings` (``BATCHIVO_*``).
"""

from __future__ import annotations

import json
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated

from batchivo_common.settings import CommonSettings
from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict


def parse_networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """``"10.0.0.0/8, 192.0.2.7"`` → networks (a bare address is a /32 or /128)."""
    return tuple(ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())


#: The services the gateway can route to; each has a ``<name>_url`` setting.
UPSTREAMS = ("auth", "inventory", "catalog", "production", "webhooks")


class GatewaySettings(CommonSettings):
    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", env_file=".env", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    #: CIDRs (comma-separated) of the proxies in front of the gateway whose X-Forwarded-For/-Proto it believes
    #: (`GATEWAY_TRUSTED_PROXIES`). Empty (the default): the TCP peer is the client, forwarded headers are
    #: ignored. See docs/adr/0008-login-abuse.md.
    trusted_proxies: str = ""

    # Upstream base URLs; an unset (or empty) one answers 503 UNAVAILABLE for its routes.
    auth_url: str | None = "http://127.0.0.1:8001"
    inventory_url: str | None = None
    catalog_url: str | None = None
    production_url: str | None = None
    webhooks_url: str | None = None

    #: The built SPA (Vite's ``dist``); served at ``/`` when the directory exists.
    frontend_dist: Path = Path("frontend/dist")

    # Rate limits (sliding window of one minute, see docs/adr/0004-gateway.md).
    #: Login/register attempts per client IP per minute; register attempts per email per minute.
    login_rate_per_minute: int = Field(10, ge=1)
    # Failed logins (auth answered 401), docs/adr/0008-login-abuse.md:
    #: per (client IP, email) within ``login_failure_window_seconds``;
    login_failures_per_ip_email: int = Field(5, ge=1)
    login_failure_window_seconds: int = Field(900, ge=1)
    #: per email from every IP before the exponential back-off starts (counter kept 24 h after the last);
    login_email_free_failures: int = Field(10, ge=1)
    #: the back-off: base * 2^(failures beyond the free ones), at most the max.
    login_backoff_base_seconds: float = Field(2.0, gt=0)
    login_backoff_max_seconds: int = Field(3600, ge=1)
    api_rate_per_minute: int = Field(1200, ge=1)
    #: Most requests of a tenant's limit one Redis call grants this gateway in advance (it asks for 1 % of
    #: the limit, at least 1, at most this; 1 asks per request). ADR 0027.
    api_rate_lease_max: int = Field(50, ge=1)
    #: Seconds between the deny-list subscription's pings; silent for 3 of them, it is not trusted.
    deny_list_ping_seconds: float = Field(5.0, gt=0)
    #: Login/register when Redis cannot be asked: refuse (503, default) or let through unlimited.
    login_rate_fail_open: bool = False
    #: Largest login/register body the gateway buffers to read the email.
    max_login_body_bytes: int = Field(64 * 1024, ge=1024)
    #: Deepest array/object nesting of a login/register JSON body (422 beyond; json recurses per level).
    max_json_depth: int = Field(32, ge=1, le=256)

    # Request bodies: 413 PAYLOAD_TOO_LARGE beyond (before reading when Content-Length says so).
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    #: The limit on the multipart upload routes (``routing.UPLOAD_ROUTES``: product images).
    max_upload_bytes: int = Field(12 * 1024 * 1024, ge=1024)
    #: Bodies with a Content-Length up to this size are read before they are forwarded, so a request that
    #: meets a dead keep-alive connection can be sent again; larger and chunked bodies are streamed.
    retry_buffer_bytes: int = Field(64 * 1024, ge=0)

    # CORS: origins (comma-separated or a JSON list) allowed to call the API from a browser; none by
    # default, and then no CORS header is ever sent. "*" allows any origin, but never with credentials.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_allow_credentials: bool = False
    cors_max_age: int = Field(600, ge=0)

    # /metrics is served only on a second, internal listener (0: any free port).
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(9100, ge=0, le=65535)

    # Upstream HTTP clients: the proxy's aiohttp session and the httpx client of the gateway's own calls.
    upstream_connect_timeout: float = Field(2.0, gt=0)
    upstream_read_timeout: float = Field(30.0, gt=0)
    upstream_write_timeout: float = Field(30.0, gt=0)
    upstream_pool_timeout: float = Field(5.0, gt=0)
    upstream_max_connections: int = Field(512, ge=1)
    upstream_max_keepalive: int = Field(128, ge=1)
    #: Below uvicorn's 5 s keep-alive, so the gateway drops an idle connection before the service does.
    upstream_keepalive_expiry: float = Field(4.0, ge=0)
    #: Responses with a Content-Length up to this size are read whole and sent in one piece; larger or
    #: unsized ones are streamed.
    buffer_response_bytes: int = Field(64 * 1024, ge=0)

    # Redis client: short timeouts, so a dead Redis costs little before the fail-open/closed decision.
    redis_socket_timeout: float = Field(0.5, gt=0)

    #: Longest an exchanged API-key token is reused from Redis. Auth drops the entry when a key is revoked or
    #: its creator demoted or removed; this bounds what a lost race (or a change auth cannot see) leaves.
    api_key_cache_seconds: int = Field(60, ge=0)

    # Verified-token cache (in memory, per process).
    token_cache_size: int = Field(10_000, ge=0)
    token_cache_seconds: float = Field(30.0, ge=0)

    #: How long the aggregated OpenAPI document is reused.
    openapi_cache_seconds: float = Field(10.0, ge=0)

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: str) -> str:
        parse_networks(value)  # fails at start-up on a typo, not per request
        return value

    @property
    def trusted_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return parse_networks(self.trusted_proxies)

    @field_validator(
        "auth_url", "inventory_url", "catalog_url", "production_url", "webhooks_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().rstrip("/")
            return value or None
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, origins: list[str]) -> list[str]:
        cleaned: list[str] = []
        for origin in origins:
            origin = origin.strip().rstrip("/").lower()  # browsers send scheme and host in lower case
            if origin != "*" and (
                not origin.startswith(("http://", "https://")) or "/" in origin.split("://", 1)[1]
            ):
                raise ValueError(f"CORS origin {origin!r} is not scheme://host[:port]")
            cleaned.append(origin)
        return cleaned

    @model_validator(mode="after")
    def _no_credentials_for_any_origin(self) -> GatewaySettings:
        if "*" in self.cors_origins and self.cors_allow_credentials:
            raise ValueError(
                "GATEWAY_CORS_ORIGINS='*' with GATEWAY_CORS_ALLOW_CREDENTIALS=true would let every site"
                " make credentialed requests: list the origins instead"
            )
        return self

    @model_validator(mode="after")
    def _jwks_from_auth(self) -> GatewaySettings:
        # Unless BATCHIVO_JWKS_URL is given, the keys come from the auth upstream the gateway routes to.
        if "jwks_url" not in self.model_fields_set and self.auth_url:
            self.jwks_url = f"{self.auth_url}/.well-known/jwks.json"
        return self

    @property
    def upstreams(self) -> dict[str, str | None]:
        """Every upstream name → base URL (None when not configured)."""
        return {name: getattr(self, f"{name}_url") for name in UPSTREAMS}

    @property
    def configured_upstreams(self) -> dict[str, str]:
        return {name: url for name, url in self.upstreams.items() if url}
