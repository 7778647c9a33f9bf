"""Pure functions of the gateway: routing table, sliding window, token cache, credentials, OpenAPI merge."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Principal, Role, TokenCache
from batchivo_common.errors import Unauthenticated
from batchivo_gateway import routing
from batchivo_gateway.auth import credentials_from
from batchivo_gateway.main import email_from
from batchivo_gateway.openapi import merge
from batchivo_gateway.ratelimit import Allowance, SlidingWindow, email_subject, lease_size
from batchivo_gateway.settings import GatewaySettings
from batchivo_gateway.spa import IMMUTABLE, REVALIDATE, cache_control


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/api/v1/spools", "inventory"),
        ("/api/v1/spools/", "inventory"),
        ("/api/v1/spools/5f1c/weigh", "inventory"),
        ("/api/v1/auth/login", "auth"),
        ("/api/v1/tenant/members/1", "auth"),
        ("/api/v1/api-keys", "auth"),
        ("/.well-known/jwks.json", "auth"),
        ("/api/v1/products/1/channels", "catalog"),
        ("/api/v1/categories", "catalog"),
        ("/api/v1/categories/gift%20boxes", "catalog"),
        ("/api/v1/production-runs/9/complete", "production"),
        ("/api/v1/production", "production"),
        ("/api/v1/printers", "production"),
        ("/api/v1/webhooks/endpoints/3/test", "webhooks"),
        ("/api/v1/webhooks", "webhooks"),
    ],
)
def test_routes_by_whole_segment_prefix(path: str, upstream: str) -> None:
    found = routing.match("GET", path)
    assert found is not None
    assert found.upstream == upstream


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/spoolsx",
        "/api/v1/spool",
        "/api/v1/production-runsx/1",
        "/api/v1",
        "/api/v2/spools",
        "/internal/api-keys/exchange",
        "/api/v1/auth/../../internal/api-keys/exchange",
        "/api/v1/spools/./1",
        "/api/v1/spools/..",
        "/.well-known/jwks.jsonx",
        "/",
    ],
)
def test_unrouted_paths(path: str) -> None:
    assert routing.match("GET", path) is None


def test_public_routes_are_exact_method_and_path() -> None:
    assert routing.match("POST", "/api/v1/auth/login") == routing.Match("auth", True, "login")
    assert routing.match("POST", "/api/v1/auth/register") == routing.Match("auth", True, "register")
    assert routing.match("POST", "/api/v1/auth/refresh") == routing.Match("auth", True, None)
    assert routing.match("GET", "/.well-known/jwks.json") == routing.Match("auth", True, None)
    assert routing.match("GET", "/api/v1/auth/login") == routing.Match("auth", False, None)
    assert routing.match("POST", "/api/v1/auth/logout") == routing.Match("auth", False, None)
    assert routing.match("GET", "/api/v1/auth/me") == routing.Match("auth", False, None)


def test_every_route_targets_a_known_upstream() -> None:
    assert set(routing.ROUTES.values()) <= set(GatewaySettings(environment="test").upstreams)


def _decide(
    window: SlidingWindow, previous: int, current: int, limit: int, elapsed: float
) -> tuple[bool, int]:
    now = 6000 * 60 + elapsed * 60  # start of a window + elapsed fraction
    decision = window.decide(current, previous, limit, now)
    return decision.allowed, decision.retry_after


def test_sliding_window_weighs_the_previous_window() -> None:
    window = SlidingWindow("p:")
    assert _decide(window, 0, 10, 10, 0.5) == (True, 0)
    allowed, retry = _decide(window, 0, 11, 10, 0.5)
    assert not allowed
    assert retry == 41
    # 10 requests at the end of the last window still count at the start of this one: no double burst.
    allowed, retry = _decide(window, 10, 1, 10, 0.05)
    assert not allowed
    assert retry == 9
    assert _decide(window, 10, 1, 10, 0.2) == (True, 0)


def test_retry_after_is_at_least_one_second() -> None:
    window = SlidingWindow("p:")
    assert window.retry_after(previous=100, current=1, limit=50, elapsed=0.4999) >= 1
    assert window.retry_after(previous=0, current=1, limit=1, elapsed=0.99) >= 1


def test_email_subject_is_case_folded_and_hashed() -> None:
    assert email_subject(" Ada@Example.COM ") == email_subject("ada@example.com")
    assert "example" not in email_subject("ada@example.com")


def _principal(expires_at: int) -> Principal:
    return Principal(uuid.uuid4(), uuid.uuid4(), Role.member, uuid.uuid4().hex, expires_at)


def test_token_cache_expires_and_is_bounded() -> None:
    cache = TokenCache(size=2, seconds=30)
    p = _principal(expires_at=1_000_010)
    cache.put("a", p, now=1_000_000)
    assert cache.get("a", now=1_000_005) is p
    assert cache.get("a", now=1_000_010) is None  # the token's own exp comes before the 30 s
    cache.put("a", _principal(2_000_000), now=1_000_000)
    assert cache.get("a", now=1_000_031) is None  # 30 s at most
    for token in ("x", "y", "z"):
        cache.put(token, _principal(2_000_000), now=1_000_000)
    assert len(cache) == 2
    assert cache.get("x", now=1_000_001) is None


def test_credentials_from_headers() -> None:
    assert credentials_from({"authorization": "Bearer abc.def.ghi"}).kind == "jwt"
    assert credentials_from({"authorization": "bearer bvk_123"}).kind == "api_key"
    assert credentials_from({"x-api-key": "bvk_123"}).secret == "bvk_123"
    for headers in (
        {},
        {"authorization": "Basic dXNlcjpwdw=="},
        {"authorization": "Bearer "},
        {"x-api-key": "k"},
    ):
        with pytest.raises(Unauthenticated):
            credentials_from(headers)


def test_email_from_login_body() -> None:
    assert email_from(b'{"email": "a@b.c", "password": "x"}') == "a@b.c"
    assert email_from(b"{not json") is None
    assert email_from(b'["a@b.c"]') is None
    assert email_from(b'{"email": 5}') is None
    assert email_from(b"\xff\xfe") is None


def test_cache_control_of_spa_files() -> None:
    assert cache_control("index.html") == REVALIDATE
    assert cache_control("assets/index-Bq3x9Zk1.js") == IMMUTABLE
    assert cache_control("logo.3f9a8c7d21.svg") == IMMUTABLE
    assert cache_control("favicon.ico") == REVALIDATE


def test_openapi_merge_renames_clashing_components_and_keeps_public_paths() -> None:
    ref = {"$ref": "#/components/schemas/Item"}
    auth = {
        "openapi": "3.1.0",
        "paths": {"/api/v1/auth/me": {"get": {"responses": {"200": {"content": {"x": {"schema": ref}}}}}}},
        "components": {"schemas": {"Item": {"type": "object", "title": "A"}, "Error": {"type": "object"}}},
        "tags": [{"name": "auth"}],
    }
    inventory = {
        "openapi": "3.1.0",
        "paths": {
            "/api/v1/spools": {"post": {"requestBody": {"content": {"x": {"schema": ref}}}}},
            "/internal/x": {"get": {}},
            "/healthz": {"get": {}},
        },
        "components": {"schemas": {"Item": {"type": "object", "title": "B"}, "Error": {"type": "object"}}},
        "tags": [{"name": "spools"}, {"name": "auth"}],
    }
    merged = merge({"auth": auth, "inventory": inventory})
    assert set(merged["paths"]) == {"/api/v1/auth/me", "/api/v1/spools"}
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"Item", "Error", "Item__inventory"}
    assert schemas["Item__inventory"]["title"] == "B"
    spool_schema = merged["paths"]["/api/v1/spools"]["post"]["requestBody"]["content"]["x"]["schema"]
    assert spool_schema == {"$ref": "#/components/schemas/Item__inventory"}
    me_schema = merged["paths"]["/api/v1/auth/me"]["get"]["responses"]["200"]["content"]["x"]["schema"]
    assert me_schema == ref
    assert [t["name"] for t in merged["tags"]] == ["auth", "spools"]


def test_settings_derive_jwks_from_auth_and_blank_upstreams_are_unset() -> None:
    settings = GatewaySettings(environment="test", auth_url="http://auth:8000/", inventory_url="  ")
    assert settings.jwks_url == "http://auth:8000/.well-known/jwks.json"
    assert settings.inventory_url is None
    assert "inventory" not in settings.configured_upstreams
    explicit = GatewaySettings(
        environment="test", auth_url="http://auth:8000", jwks_url="http://keys/jwks.json"
    )
    assert explicit.jwks_url == "http://keys/jwks.json"


def test_login_refusal_rules() -> None:
    from batchivo_gateway.ratelimit import LoginCheck, LoginPolicy, login_keys, login_refusal

    policy = LoginPolicy(
        failures_per_ip_email=5,
        failure_window_seconds=900,
        email_free_failures=10,
        backoff_base_seconds=2,
        backoff_max_seconds=3600,
    )
    now = 1_000_000
    fresh = LoginCheck(pair_failures=0, pair_ttl=-2, email_failures=0, until_ms=0, known=False, probe=0)
    assert login_refusal(fresh, policy, now) is None
    # Five failures of this (IP, email): wait for the pair window.
    assert login_refusal(LoginCheck(5, 600, 5, 0, False, 0), policy, now) == 600
    # In the email's back-off, an unknown IP waits for its end; a granted probe or a known IP passes.
    assert login_refusal(LoginCheck(1, 800, 12, now + 4_500, False, -1), policy, now) == 5
    assert login_refusal(LoginCheck(1, 800, 12, now - 1, False, -1), policy, now) == 1  # probe busy
    assert login_refusal(LoginCheck(1, 800, 12, now - 1, False, 1), policy, now) is None
    assert login_refusal(LoginCheck(1, 800, 12, now + 4_500, True, 0), policy, now) is None
    # Keys hold hashes, never the email or the IP, and every spelling of the email shares them.
    keys = login_keys("p:", "203.0.113.9", "Ada@Example.com")
    assert keys == login_keys("p:", "203.0.113.9", "ada@example.com")
    assert not any("ada" in k or "203.0.113.9" in k for k in keys)


def test_a_lease_is_one_percent_of_the_limit_within_bounds() -> None:
    assert [lease_size(limit, 50) for limit in (3, 99, 100, 1200, 6000, 1_000_000)] == [1, 1, 1, 12, 50, 50]
    assert lease_size(1200, 1) == 1


def test_an_allowance_spends_what_was_granted_in_its_window_only() -> None:
    allowance = Allowance()
    assert not allowance.take("a", 7)
    allowance.keep("a", 7, 2)
    assert allowance.take("a", 7) and allowance.take("a", 7)
    assert not allowance.take("a", 7)  # spent
    allowance.keep("a", 7, 1)
    allowance.keep("a", 7, 2)  # two grants that came back at the same time: both are spendable
    assert [allowance.take("a", 7) for _ in range(4)] == [True, True, True, False]
    allowance.keep("a", 7, 3)
    assert not allowance.take("a", 8)  # the window ended: what was left is dropped
    assert not allowance.take("b", 7)  # subjects do not share
    allowance.keep("a", 8, 0)
    assert not allowance.take("a", 8)
    allowance.keep("a", 8, 1)
    allowance.keep("a", 9, 1)  # a new window replaces the old one's rest
    assert allowance.take("a", 9) and not allowance.take("a", 9)


def test_an_allowance_stays_bounded() -> None:
    allowance = Allowance(max_subjects=3)
    for subject in "abc":
        allowance.keep(subject, 1, 5)
    allowance.keep("d", 2, 5)  # a new window: the old window's entries go first
    assert allowance.take("d", 2)
    assert not allowance.take("a", 1)
    for subject in "efg":
        allowance.keep(subject, 2, 5)  # all in the current window: full, so all are dropped
    assert allowance.take("g", 2)
