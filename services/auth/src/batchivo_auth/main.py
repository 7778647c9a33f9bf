"""The auth API process: ``create_app(settings)`` (an app factory; nothing connects at import time)."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as redis
from batchivo_common.app import create_service_app, include_api, serve_factory
from batchivo_common.auth.tokens import (
    SigningKey,
    StaticKeySource,
    TokenCache,
    TokenIssuer,
    TokenVerifier,
    public_jwk,
)
from batchivo_common.db.checkout import CheckoutGate
from batchivo_common.db.engine import service_engine, tenant_sessionmaker
from batchivo_common.db.health import database_ready
from batchivo_common.db.tenancy import check_app_role
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import FastAPI

from batchivo_auth.api import api_routers, internal_router, jwks_router
from batchivo_auth.settings import AuthSettings
from batchivo_auth.tokens.repository import RevocationStore
from batchivo_auth.users.service import PasswordHasher

logger = logging.getLogger("batchivo.auth")


class SigningKeyMissing(RuntimeError):
    """Outside dev the signing key must be configured (``AUTH_SIGNING_KEY``)."""


def load_signing_key(settings: AuthSettings) -> SigningKey:
    """The configured key; in dev, the one in ``signing_key_file`` (generated there on first run)."""
    if settings.signing_key is not None:
        return SigningKey.from_pem(settings.signing_key.get_secret_value())
    if settings.environment != "dev":
        raise SigningKeyMissing(
            f"AUTH_SIGNING_KEY (Ed25519 PEM) is required when environment={settings.environment!r}"
        )
    path = settings.signing_key_file
    if path.exists():
        return SigningKey.from_pem(path.read_bytes())
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 in one step: the private key is never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.to_pem())
    logger.warning("generated a development signing key in %s", path)
    return key


def previous_public_keys(settings: AuthSettings) -> dict[str, Ed25519PublicKey]:
    """Retired keys by kid (same kid derivation as :class:`SigningKey`), still accepted and published."""
    keys: dict[str, Ed25519PublicKey] = {}
    if not settings.previous_public_keys:
        return keys
    end = "-----END PUBLIC KEY-----"
    for block in settings.previous_public_keys.split(end):
        if not block.strip():
            continue
        key = serialization.load_pem_public_key((block.strip() + "\n" + end + "\n").encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("previous_public_keys must hold Ed25519 public keys")
        keys[_kid_of(key)] = key
    return keys


def _kid_of(key: Ed25519PublicKey) -> str:
    # Must match SigningKey.from_private_key: the kid a retired key signed with is derived the same way.
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


async def redis_ready(app: FastAPI) -> None:
    await app.state.redis.ping()


def create_app(settings: AuthSettings | None = None, *, configure_process: bool = True) -> FastAPI:
    settings = settings or AuthSettings()
    signing_key = load_signing_key(settings)
    retired = previous_public_keys(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = service_engine(settings, application_name="batchivo-auth")
        client = redis.from_url(settings.redis_url)
        try:
            if settings.check_db_role:
                await check_app_role(engine)
            app.state.engine = engine
            app.state.sessionmaker = tenant_sessionmaker(engine)
            app.state.checkout_gate = CheckoutGate.of(settings)
            app.state.redis = client
            app.state.revocations = RevocationStore(
                client, redis_prefix=settings.redis_prefix, api_key_cache_key=settings.api_key_cache_key
            )
            yield
        finally:
            await client.aclose()
            await engine.dispose()

    app = create_service_app(
        settings,
        service="auth",
        title="Batchivo auth",
        lifespan=lifespan,
        readiness_checks=[database_ready, redis_ready],
        configure_process=configure_process,
        # Idempotency-Key on the POSTs that change something for a signed-in person (ADR 0011); the
        # session, key and invitation POSTs are exempt (docs/api.md, "Idempotency").
        idempotency=True,
    )
    app.state.signing_key = signing_key
    app.state.token_issuer = TokenIssuer(
        signing_key,
        settings.jwt_issuer,
        settings.jwt_audience,
        ttl_seconds=settings.access_token_minutes * 60,
    )
    app.state.token_verifier = TokenVerifier(
        StaticKeySource({signing_key.kid: signing_key.private_key.public_key(), **retired}),
        settings.jwt_issuer,
        settings.jwt_audience,
        cache=TokenCache(size=10_000, seconds=30),
    )
    jwks: list[dict[str, Any]] = [signing_key.jwk(), *(public_jwk(key, kid) for kid, key in retired.items())]
    app.state.jwks = jwks
    app.state.password_hasher = PasswordHasher(settings.bcrypt_rounds)
    include_api(app, api_routers)
    app.include_router(internal_router)
    app.include_router(jwks_router)
    return app


def run() -> None:
    """``auth-api``: serve the app with uvicorn (the factory builds settings from the environment)."""
    settings = AuthSettings()
    serve_factory("batchivo_auth.main:create_app", host=settings.http_host, port=settings.http_port)
