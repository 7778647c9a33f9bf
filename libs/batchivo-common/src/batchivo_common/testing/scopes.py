"""Every route of an app, tried with API-key tokens of each scope: each service's tests call
:func:`check_scope_enforcement` so a route added later is covered without a test change.

A route is tried when its OpenAPI operation takes the bearer token (``get_principal``); path parameters
get a random UUID (the principal is resolved before path parameters are validated, so a parameter of
another type still reaches the scope check), and no body is sent (nothing is written: the scope check comes
first, and a keyed write that passes it fails on the missing body or the unknown id).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from batchivo_common.auth.scopes import ALL_SCOPES, READ, SAFE_METHODS, SERVICE_WRITE_SCOPES
from batchivo_common.auth.tokens import Role, TokenIssuer

_PARAM = re.compile(r"\{[^}/]+\}")
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Route:
    method: str
    path: str

    @property
    def writes(self) -> bool:
        return self.method not in SAFE_METHODS

    def url(self) -> str:
        return _PARAM.sub(lambda _: str(uuid.uuid4()), self.path)


def caller_routes(app: FastAPI) -> list[Route]:
    """Every operation of ``app``'s OpenAPI that takes the bearer token (``get_principal``'s security
    scheme), so a route added later is tried without a test change."""
    found: list[Route] = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if method.upper() in _METHODS and operation.get("security"):
                found.append(Route(method.upper(), path))
    return sorted(found, key=lambda r: (r.path, r.method))


def _iter_tokens(issuer: TokenIssuer, tenant_id: uuid.UUID) -> Iterator[tuple[frozenset[str], str]]:
    for scopes in [frozenset({READ}), *(frozenset({READ, s}) for s in ALL_SCOPES if s != READ)]:
        token, _ = issuer.issue(uuid.uuid4(), tenant_id, Role.owner, api_key_id=uuid.uuid4(), scopes=scopes)
        yield scopes, token


async def check_scope_enforcement(
    client: httpx.AsyncClient,
    app: FastAPI,
    issuer: TokenIssuer,
    service: str,
    *,
    reads_not_200: Collection[str] = (),
) -> list[Route]:
    """Assert, for every caller route of ``app``, that an owner-role API key with only ``read`` gets 403
    ``INSUFFICIENT_SCOPE`` on a write and never on a read (and 200 on every read without path parameters,
    but for ``reads_not_200``), and that a key with one write scope passes the check only on ``service``'s
    writes (an owner's person token never meets it). Returns the routes tried."""
    routes = caller_routes(app)
    assert routes, f"{service}: no route needs a caller; is get_principal still the dependency?"
    own_scope = SERVICE_WRITE_SCOPES.get(service)
    tenant_id = uuid.uuid4()
    failures: list[str] = []
    for scopes, token in _iter_tokens(issuer, tenant_id):
        headers = {"Authorization": f"Bearer {token}"}
        for route in routes:
            response = await client.request(route.method, route.url(), headers=headers)
            refused = response.status_code == 403 and _code(response) == "INSUFFICIENT_SCOPE"
            should_refuse = route.writes and (own_scope is None or own_scope not in scopes)
            # A read-only key reads: every list (a read without path parameters) answers 200.
            read_fails = scopes == {READ} and route.method == "GET" and "{" not in route.path
            read_fails = read_fails and response.status_code != 200 and route.path not in reads_not_200
            if refused != should_refuse or read_fails:
                failures.append(
                    f"{sorted(scopes)} {route.method} {route.path}: {response.status_code} "
                    f"{response.text[:200]}"
                )
    person, _ = issuer.issue(uuid.uuid4(), tenant_id, Role.owner)
    for route in routes:
        response = await client.request(
            route.method, route.url(), headers={"Authorization": f"Bearer {person}"}
        )
        if _code(response) == "INSUFFICIENT_SCOPE":
            failures.append(f"person token {route.method} {route.path}: refused for scope")
    assert not failures, "\n".join(failures)
    return routes


def _code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None
