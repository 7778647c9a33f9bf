"""Route-table checks for the services' tests: every POST route honours ``Idempotency-Key`` or is on the
service's documented exempt list (``docs/api.md``, "Idempotency")."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from batchivo_common.idempotency import idempotent


def _uses_idempotent(dependant: Dependant) -> bool:
    return dependant.call is idempotent or any(_uses_idempotent(d) for d in dependant.dependencies)


def post_routes(app: FastAPI) -> dict[str, bool]:
    """``"POST /api/v1/..."`` → whether the route depends on ``Idempotent``, for every POST of ``app``."""
    found: dict[str, bool] = {}
    # Included routers are resolved lazily by FastAPI; its route contexts carry the full paths.
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and "POST" in (context.methods or ()):
            found[f"POST {context.path}"] = _uses_idempotent(route.dependant)
    return found


def assert_posts_idempotent(app: FastAPI, exempt: Mapping[str, str]) -> None:
    """Every POST route depends on ``Idempotent`` unless ``exempt`` names it (with its reason); an exempt
    entry that names no POST route, or one that is idempotent anyway, is stale and fails too."""
    routes = post_routes(app)
    assert routes, "the app has no POST route: wrong app?"
    missing = sorted(r for r, keyed in routes.items() if not keyed and r not in exempt)
    assert missing == [], f"POST routes without Idempotent and not on the exempt list: {missing}"
    stale = sorted(r for r in exempt if routes.get(r) is not False)
    assert stale == [], f"exempt entries that are no (non-idempotent) POST route: {stale}"
    assert all(reason.strip() for reason in exempt.values()), "every exemption says why"


__all__ = ["assert_posts_idempotent", "post_routes"]
