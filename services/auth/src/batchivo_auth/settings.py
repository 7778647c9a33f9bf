"""Settings of the auth service (env prefix ``AUTH_``; cross-cutting ones keep ``BATCHIVO_``)."""

from __future__ import annotations

from pathlib import Path

from batchivo_common.settings import ServiceSettings
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from batchivo_auth.tokens.rules import REFRESH_REUSE_GRACE_MAX_SECONDS, REFRESH_REUSE_GRACE_SECONDS

#: Where ``AUTH_ENVIRONMENT=dev`` keeps the signing key it generates on first run (``/var/`` is gitignored).
DEV_SIGNING_KEY_FILE = Path("var/auth-signing-key.pem")

#: bcrypt cost the domain demands; only the test environment may go lower (to keep tests fast).
MIN_BCRYPT_ROUNDS = 12


class AuthSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="AUTH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    service_name: str = "auth"
    db_schema: str = "auth"

    http_host: str = "127.0.0.1"
    http_port: int = Field(8001, ge=1, le=65535)
    #: The worker's probes and metrics (``/healthz``, ``/readyz``, ``/metrics``).
    worker_http_port: int = Field(9001, ge=1, le=65535)

    #: Ed25519 private key, PEM (PKCS#8). Required outside dev; in dev one is generated into
    #: ``signing_key_file`` on first run.
    signing_key: SecretStr | None = None
    signing_key_file: Path = DEV_SIGNING_KEY_FILE
    #: Public keys (PEM, one or more) of retired signing keys: still published in the JWKS and accepted,
    #: so tokens signed before a key rotation stay valid until they expire.
    previous_public_keys: str | None = None

    access_token_minutes: int = Field(15, ge=1, le=60)
    refresh_token_days: int = Field(14, ge=1, le=90)
    #: How long a just-rotated refresh token is honoured again (several tabs refreshing with one cookie);
    #: 0 turns the window off, so any reuse revokes the session (docs/adr/0006-browser-sessions.md).
    refresh_reuse_grace_seconds: int = Field(
        REFRESH_REUSE_GRACE_SECONDS, ge=0, le=REFRESH_REUSE_GRACE_MAX_SECONDS
    )
    #: Lifetime of the access token the gateway gets for an API key (it caches it for less than this).
    api_key_token_seconds: int = Field(300, ge=30, le=3600)
    bcrypt_rounds: int = Field(MIN_BCRYPT_ROUNDS, ge=4, le=16)
    #: How long an invitation to join a tenant stays open.
    invitation_days: int = Field(7, ge=1, le=90)
    #: ``Secure`` on the browser-mode refresh cookie. Default True; False by default when the environment
    #: is dev (plain-http localhost), unless ``AUTH_COOKIE_SECURE`` says otherwise.
    cookie_secure: bool = True

    #: Redis key prefix (after ``redis_prefix``) of the gateway's API-key cache, which auth clears on revoke.
    #: (The deny-list's keys are ``batchivo_common.auth.revocation``'s.)
    gateway_api_key_cache_prefix: str = "gateway:apikey:"

    @model_validator(mode="after")
    def _bcrypt_cost(self) -> AuthSettings:
        if self.bcrypt_rounds < MIN_BCRYPT_ROUNDS and self.environment != "test":
            raise ValueError(f"bcrypt_rounds must be at least {MIN_BCRYPT_ROUNDS} outside tests")
        return self

    @model_validator(mode="after")
    def _dev_cookie_not_secure(self) -> AuthSettings:
        if self.environment == "dev" and "cookie_secure" not in self.model_fields_set:
            self.cookie_secure = False
        return self

    def api_key_cache_key(self, key_hash: str) -> str:
        """The gateway's cache entry for an API key (by the sha256 hex of the whole key)."""
        return f"{self.redis_prefix}{self.gateway_api_key_cache_prefix}{key_hash}"
