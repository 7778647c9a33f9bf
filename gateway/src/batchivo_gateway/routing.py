"""Which service answers a path, and which requests need no credentials. Data, not code.

Matching is by whole path segments, longest prefix first: ``/api/v1/spools`` routes ``/api/v1/spools`` and
``/api/v1/spools/3/weigh`` but not ``/api/v1/spoolsx``. The path is forwarded unchanged. A service's
``/internal/**`` paths are never routed: no entry covers them, and paths with ``.``/``..`` segments are
refused before matching (an HTTP client would otherwise normalise ``/api/v1/auth/../../internal/x``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

#: Path prefix → upstream name (a key of ``GatewaySettings.upstreams``).
ROUTES: Mapping[str, str] = {
    # auth
    "/api/v1/auth": "auth",
    "/api/v1/tenant": "auth",
    "/api/v1/api-keys": "auth",
    "/.well-known/jwks.json": "auth",
    # inventory
    "/api/v1/spools": "inventory",
    "/api/v1/filament-types": "inventory",
    "/api/v1/material-types": "inventory",
    "/api/v1/inventory": "inventory",
    "/api/v1/barcodes": "inventory",
    "/api/v1/locations": "inventory",
    # catalog
    "/api/v1/models": "catalog",
    "/api/v1/products": "catalog",
    "/api/v1/sales-channels": "catalog",
    "/api/v1/categories": "catalog",
    "/api/v1/catalog": "catalog",
    # production
    "/api/v1/production-runs": "production",
    "/api/v1/printers": "production",
    "/api/v1/production": "production",
    # webhooks
    "/api/v1/webhooks": "webhooks",
    # Spoolman's clients (the key in the path is moved to X-API-Key first: spoolman.py)
    "/compat/spoolman/api/v1": "inventory",
}

#: Routed requests that need no credentials: (method, exact path).
PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/v1/auth/register"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/refresh"),
        ("GET", "/.well-known/jwks.json"),
        ("HEAD", "/.well-known/jwks.json"),
    }
)

#: Multipart upload routes, whose body may be up to ``GATEWAY_MAX_UPLOAD_BYTES`` instead of
#: ``GATEWAY_MAX_BODY_BYTES``: (method, full-path pattern).
UPLOAD_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("POST", re.compile(r"/api/v1/products/[^/]+/images")),
    ("POST", re.compile(r"/api/v1/inventory/import/[a-z\-]+")),
)

LimitedRoute = Literal["login", "register"]

#: Public routes limited per client IP and per email (their small JSON body is buffered to read it).
CREDENTIAL_ROUTES: Mapping[tuple[str, str], LimitedRoute] = {
    ("POST", "/api/v1/auth/login"): "login",
    ("POST", "/api/v1/auth/register"): "register",
}


@dataclass(frozen=True, slots=True)
class Match:
    upstream: str
    public: bool
    #: "login"/"register" for the routes limited per IP and email, else None.
    credential_route: LimitedRoute | None


def has_dot_segment(path: str) -> bool:
    return "/./" in path or "/../" in path or path.endswith(("/.", "/.."))


def match(method: str, path: str, routes: Mapping[str, str] = ROUTES) -> Match | None:
    """The upstream for ``path`` (already percent-decoded), or None when no route covers it."""
    if has_dot_segment(path):
        return None
    prefix = path
    while prefix:
        upstream = routes.get(prefix)
        if upstream is not None:
            key = (method, path)
            return Match(upstream, key in PUBLIC, CREDENTIAL_ROUTES.get(key))
        prefix = prefix[: prefix.rfind("/")]
    return None


def is_upload(method: str, path: str) -> bool:
    """Whether ``method path`` is a multipart upload route (the larger body limit applies)."""
    return any(method == m and pattern.fullmatch(path) for m, pattern in UPLOAD_ROUTES)


def is_api_path(path: str) -> bool:
    """Paths the SPA never owns: unknown ones get a 404 in the error format, not index.html."""
    return path in ("/api", "/compat") or path.startswith(("/api/", "/.well-known/", "/compat/"))
