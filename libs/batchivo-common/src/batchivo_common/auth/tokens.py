"""JWT access tokens signed with Ed25519 (``EdDSA``), verified against a pinned algorithm.

The auth service holds the private key and publishes the public keys as a JWKS; everybody else verifies
with :class:`TokenVerifier`, fed by a :class:`JwksKeySource` that caches the set and refetches it (at most
once per ``min_refresh_seconds``) when it meets an unknown ``kid``, so key rotation needs no restart.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from batchivo_common.errors import Unauthenticated

#: The only algorithm accepted; "none", HS256 and RS256 tokens are refused before any key is looked at.
ALGORITHM = "EdDSA"
ACCESS_TOKEN_SECONDS = 15 * 60


class Role(StrEnum):
    viewer = "viewer"
    member = "member"
    admin = "admin"
    owner = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {Role.viewer: 0, Role.member: 1, Role.admin: 2, Role.owner: 3}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, for which tenant, with which role; built only from a verified token."""

    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    jti: str
    expires_at: int
    #: Set when the token was minted for an API key rather than a person.
    api_key_id: uuid.UUID | None = None
    #: The key's scopes (claim ``scp``; ``batchivo_common.auth.scopes``); None for a person's token, which
    #: only its role limits.
    scopes: frozenset[str] | None = None
    #: The API key's name when the token was minted (claim ``akn``; names the source of what the key books,
    #: e.g. a printer's usage); None for a person's token or a token minted without it.
    api_key_name: str | None = None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: Ed25519PublicKey, kid: str) -> dict[str, str]:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw), "kid": kid, "alg": ALGORITHM, "use": "sig"}


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key and its key id (derived from the public key, so it is stable)."""

    private_key: Ed25519PrivateKey
    kid: str

    @classmethod
    def from_private_key(cls, key: Ed25519PrivateKey) -> SigningKey:
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return cls(key, hashlib.sha256(raw).hexdigest()[:16])

    @classmethod
    def generate(cls) -> SigningKey:
        return cls.from_private_key(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes | str) -> SigningKey:
        data = pem.encode() if isinstance(pem, str) else pem
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the signing key must be an Ed25519 private key (PEM, PKCS#8)")
        return cls.from_private_key(key)

    def to_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private_key.public_key(), self.kid)


class TokenIssuer:
    """Mints access tokens. Used by the auth service and by test factories."""

    def __init__(self, key: SigningKey, issuer: str, audience: str, ttl_seconds: int = ACCESS_TOKEN_SECONDS):
        self.key, self.issuer, self.audience, self.ttl_seconds = key, issuer, audience, ttl_seconds

    def issue(
        self,
        user_id: uuid.UUID,
        tenant_id: uuid.UUID,
        role: Role,
        *,
        api_key_id: uuid.UUID | None = None,
        api_key_name: str | None = None,
        scopes: Iterable[str] | None = None,
        ttl_seconds: int | None = None,
        now: int | None = None,
    ) -> tuple[str, Principal]:
        issued_at = int(time.time()) if now is None else now
        expires_at = issued_at + (self.ttl_seconds if ttl_seconds is None else ttl_seconds)
        jti = uuid.uuid4().hex
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "tid": str(tenant_id),
            "role": role.value,
            "iat": issued_at,
            "exp": expires_at,
            "jti": jti,
        }
        if api_key_id is not None:
            claims["akid"] = str(api_key_id)
            if api_key_name is not None:
                claims["akn"] = api_key_name
        elif api_key_name is not None:
            raise ValueError("api_key_name needs api_key_id")
        scope_set = None if scopes is None else frozenset(scopes)
        if scope_set is not None:
            claims["scp"] = sorted(scope_set)
        token = jwt.encode(claims, self.key.private_key, algorithm=ALGORITHM, headers={"kid": self.key.kid})
        principal = Principal(
            user_id, tenant_id, role, jti, expires_at, api_key_id, scope_set, api_key_name=api_key_name
        )
        return token, principal


class KeySource(Protocol):
    async def get(self, kid: str) -> Ed25519PublicKey | None: ...


class StaticKeySource:
    """Public keys known up front (the auth service verifying its own tokens, tests)."""

    def __init__(self, keys: Mapping[str, Ed25519PublicKey]):
        self._keys = dict(keys)

    @classmethod
    def of(cls, *signing_keys: SigningKey) -> StaticKeySource:
        return cls({k.kid: k.private_key.public_key() for k in signing_keys})

    async def get(self, kid: str) -> Ed25519PublicKey | None:
        return self._keys.get(kid)


def keys_from_jwks(document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    keys: dict[str, Ed25519PublicKey] = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "kid" not in jwk:
            continue  # not ours to use: a key of another type never verifies our tokens
        key = jwt.PyJWK.from_dict(jwk, algorithm=ALGORITHM).key
        if isinstance(key, Ed25519PublicKey):
            keys[str(jwk["kid"])] = key
    return keys


class JwksKeySource:
    """Public keys fetched from the auth service's JWKS, cached for ``ttl_seconds``."""

    def __init__(
        self,
        url: str,
        ttl_seconds: float = 300,
        min_refresh_seconds: float = 10,
        client: httpx.AsyncClient | None = None,
    ):
        self.url, self.ttl_seconds, self.min_refresh_seconds = url, ttl_seconds, min_refresh_seconds
        self._client = client
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.min_refresh_seconds:
                return  # another task just refreshed; don't stampede the auth service
            if self._client is not None:
                response = await self._client.get(self.url, timeout=5)
            else:
                async with httpx.AsyncClient() as client:
                    response = await client.get(self.url, timeout=5)
            response.raise_for_status()
            self._keys = keys_from_jwks(response.json())
            self._fetched_at = time.monotonic()

    async def get(self, kid: str) -> Ed25519PublicKey | None:
        age = time.monotonic() - self._fetched_at
        if age > self.ttl_seconds or (kid not in self._keys and age > self.min_refresh_seconds):
            try:
                await self._refresh()
            except (httpx.HTTPError, ValueError, json.JSONDecodeError):
                if not self._keys:
                    raise Unauthenticated("Token keys are unavailable") from None
        return self._keys.get(kid)


class TokenCache:
    """Verified tokens → principal, bounded LRU; entries die at ``min(exp, cached_at + seconds)``."""

    def __init__(self, size: int, seconds: float):
        self.size, self.seconds = size, seconds
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def get(self, token: str, now: float) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        principal, until = entry
        if now >= until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal

    def put(self, token: str, principal: Principal, now: float) -> None:
        if self.size <= 0 or self.seconds <= 0:
            return
        self._entries[token] = (principal, min(float(principal.expires_at), now + self.seconds))
        self._entries.move_to_end(token)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class TokenVerifier:
    """Verifies access tokens; with a ``cache``, a token verified once is not verified again until
    ``min(exp, cached_at + cache.seconds)`` (a token is immutable, so its verdict cannot change before it
    expires; revocation is the deny-list's job)."""

    def __init__(
        self,
        keys: KeySource,
        issuer: str,
        audience: str,
        leeway_seconds: int = 10,
        cache: TokenCache | None = None,
    ):
        self.keys, self.issuer, self.audience, self.leeway = keys, issuer, audience, leeway_seconds
        self.cache = cache

    async def verify(self, token: str) -> Principal:
        if self.cache is None:
            return await self._verify(token)
        now = time.time()
        principal = self.cache.get(token, now)
        if principal is None:
            principal = await self._verify(token)
            self.cache.put(token, principal, now)
        return principal

    async def _verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("Malformed access token") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthenticated("Access token uses a refused algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise Unauthenticated("Access token has no key id")
        key = await self.keys.get(kid)
        if key is None:
            raise Unauthenticated("Access token signed with an unknown key")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("Access token expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("Invalid access token") from None
        try:
            return Principal(
                user_id=uuid.UUID(claims["sub"]),
                tenant_id=uuid.UUID(claims["tid"]),
                role=Role(claims["role"]),
                jti=str(claims["jti"]),
                expires_at=int(claims["exp"]),
                api_key_id=uuid.UUID(claims["akid"]) if claims.get("akid") else None,
                scopes=_scopes_claim(claims),
                api_key_name=_api_key_name_claim(claims),
            )
        except (KeyError, ValueError, TypeError):
            raise Unauthenticated("Access token has invalid claims") from None


def _api_key_name_claim(claims: Mapping[str, Any]) -> str | None:
    """``akn``: absent, or a string beside ``akid``; anything else is an invalid claim."""
    value = claims.get("akn")
    if value is None:
        return None
    if not isinstance(value, str) or not claims.get("akid"):
        raise ValueError("akn must be a string, with akid")
    return value


def _scopes_claim(claims: Mapping[str, Any]) -> frozenset[str] | None:
    """``scp``: absent (a person's token) or a list of strings; anything else is an invalid claim."""
    if "scp" not in claims:
        return None
    value = claims["scp"]
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ValueError("scp must be a list of strings")
    return frozenset(value)
