import base64
import json
import time
import uuid

import httpx
import jwt
import pytest
from batchivo_common.auth.tokens import (
    JwksKeySource,
    Role,
    SigningKey,
    StaticKeySource,
    TokenCache,
    TokenIssuer,
    TokenVerifier,
)
from batchivo_common.errors import Unauthenticated
from cryptography.hazmat.primitives import serialization

ISS, AUD = "batchivo-auth", "batchivo"


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def issuer(key: SigningKey) -> TokenIssuer:
    return TokenIssuer(key, ISS, AUD)


@pytest.fixture
def verifier(key: SigningKey) -> TokenVerifier:
    return TokenVerifier(StaticKeySource.of(key), ISS, AUD)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_issued_token_verifies_to_the_same_principal(
    issuer: TokenIssuer, verifier: TokenVerifier
) -> None:
    user, tenant, key_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    token, issued = issuer.issue(user, tenant, Role.admin, api_key_id=key_id)
    principal = await verifier.verify(token)
    assert principal == issued
    assert (principal.user_id, principal.tenant_id, principal.role, principal.api_key_id) == (
        user,
        tenant,
        Role.admin,
        key_id,
    )
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == issuer.key.kid


async def test_an_api_keys_name_rides_in_the_akn_claim(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    key_id = uuid.uuid4()
    token, issued = issuer.issue(
        uuid.uuid4(), uuid.uuid4(), Role.member, api_key_id=key_id, api_key_name="voron-1"
    )
    assert jwt.decode(token, options={"verify_signature": False})["akn"] == "voron-1"
    principal = await verifier.verify(token)
    assert principal == issued
    assert (principal.api_key_id, principal.api_key_name) == (key_id, "voron-1")
    unnamed, _ = issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.member, api_key_id=key_id)
    assert "akn" not in jwt.decode(unnamed, options={"verify_signature": False})
    assert (await verifier.verify(unnamed)).api_key_name is None
    with pytest.raises(ValueError, match="api_key_id"):  # a person's token names no key
        issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.member, api_key_name="voron-1")


@pytest.mark.parametrize("claims", [{"akn": 7, "akid": "x"}, {"akn": "voron-1"}])
async def test_a_malformed_akn_claim_is_refused(
    key: SigningKey, verifier: TokenVerifier, claims: dict[str, object]
) -> None:
    now = int(time.time())
    payload = {"iss": ISS, "aud": AUD, "sub": str(uuid.uuid4()), "tid": str(uuid.uuid4()), "role": "member"}
    payload |= {"iat": now, "exp": now + 60, "jti": "j"} | claims
    if payload.get("akid") == "x":
        payload["akid"] = str(uuid.uuid4())
    token = jwt.encode(payload, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


async def test_tampered_payload_is_refused(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    token, _ = issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.viewer)
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "owner"
    with pytest.raises(Unauthenticated):
        await verifier.verify(f"{head}.{_b64(claims)}.{sig}")


async def test_expired_token_is_refused(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    token, _ = issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner, now=int(time.time()) - 3600)
    with pytest.raises(Unauthenticated, match="expired"):
        await verifier.verify(token)


async def test_alg_none_is_refused(verifier: TokenVerifier, key: SigningKey) -> None:
    claims = {
        "iss": ISS,
        "aud": AUD,
        "sub": str(uuid.uuid4()),
        "tid": str(uuid.uuid4()),
        "role": "owner",
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
        "jti": "x",
    }
    token = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': key.kid})}.{_b64(claims)}."
    with pytest.raises(Unauthenticated, match="algorithm"):
        await verifier.verify(token)


async def test_hs256_signed_with_the_public_key_is_refused(verifier: TokenVerifier, key: SigningKey) -> None:
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {
        "iss": ISS,
        "aud": AUD,
        "sub": str(uuid.uuid4()),
        "tid": str(uuid.uuid4()),
        "role": "owner",
        "iat": int(time.time()),
        "exp": int(time.time()) + 60,
        "jti": "x",
    }
    # Build the HMAC by hand: PyJWT itself refuses to use a PEM public key as an HMAC secret.
    import hashlib
    import hmac

    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': key.kid})}.{_b64(claims)}"
    sig = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())
    with pytest.raises(Unauthenticated, match="algorithm"):
        await verifier.verify(f"{signing_input}.{sig.rstrip(b'=').decode()}")


@pytest.mark.parametrize(("iss", "aud"), [("someone-else", AUD), (ISS, "other-audience")])
async def test_wrong_issuer_or_audience_is_refused(
    key: SigningKey, verifier: TokenVerifier, iss: str, aud: str
) -> None:
    token, _ = TokenIssuer(key, iss, aud).issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


async def test_token_from_an_unknown_key_is_refused(verifier: TokenVerifier) -> None:
    token, _ = TokenIssuer(SigningKey.generate(), ISS, AUD).issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    with pytest.raises(Unauthenticated, match="unknown key"):
        await verifier.verify(token)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z"])
async def test_garbage_is_refused(verifier: TokenVerifier, garbage: str) -> None:
    with pytest.raises(Unauthenticated):
        await verifier.verify(garbage)


def test_pem_round_trip_keeps_the_key_id(key: SigningKey) -> None:
    assert SigningKey.from_pem(key.to_pem()).kid == key.kid


def test_roles_rank_viewer_member_admin_owner() -> None:
    assert [r.rank for r in (Role.viewer, Role.member, Role.admin, Role.owner)] == [0, 1, 2, 3]
    assert Role.admin.at_least(Role.member)
    assert not Role.member.at_least(Role.admin)


async def test_jwks_source_caches_and_refetches_on_unknown_kid(key: SigningKey) -> None:
    served = [key]
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"keys": [k.jwk() for k in served]})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        source = JwksKeySource(
            "http://auth/.well-known/jwks.json", ttl_seconds=300, min_refresh_seconds=0, client=client
        )
        verifier = TokenVerifier(source, ISS, AUD)
        token, _ = TokenIssuer(key, ISS, AUD).issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
        await verifier.verify(token)
        await verifier.verify(token)
        assert calls == 1  # cached

        rotated = SigningKey.generate()
        served.append(rotated)
        token2, _ = TokenIssuer(rotated, ISS, AUD).issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
        await verifier.verify(token2)
        assert calls == 2  # unknown kid → one refetch


class CountingKeys:
    def __init__(self, key: SigningKey) -> None:
        self.inner, self.calls = StaticKeySource.of(key), 0

    async def get(self, kid: str):  # type: ignore[no-untyped-def]
        self.calls += 1
        return await self.inner.get(kid)


async def test_a_cached_verifier_verifies_a_token_once_and_never_past_its_expiry(key: SigningKey) -> None:
    keys = CountingKeys(key)
    verifier = TokenVerifier(keys, ISS, AUD, leeway_seconds=0, cache=TokenCache(size=10, seconds=30))
    token, principal = TokenIssuer(key, ISS, AUD).issue(uuid.uuid4(), uuid.uuid4(), Role.member)
    assert await verifier.verify(token) == principal
    assert await verifier.verify(token) == principal
    assert keys.calls == 1
    # An entry never outlives the token: one that expires in the past is verified (and refused) afresh.
    expired, _ = TokenIssuer(key, ISS, AUD).issue(
        uuid.uuid4(), uuid.uuid4(), Role.member, now=int(time.time()) - 3600
    )
    with pytest.raises(Unauthenticated):
        await verifier.verify(expired)
    with pytest.raises(Unauthenticated):
        await verifier.verify(expired)
    assert keys.calls == 3
