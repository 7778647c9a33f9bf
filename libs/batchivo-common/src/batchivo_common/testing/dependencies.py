"""Checks of a FastAPI app's dependencies, which each service's tests run (:func:`assert_dependencies_fit`).

- FastAPI runs a ``def`` dependency in a worker thread (a thread hop, a lock handoff and a context copy per
  request, seen at ~0.2 ms a call in bench/inventory_profile.py). Ours do no blocking I/O, so they are all
  ``async def`` (:func:`sync_dependencies`).
- A route holds one pooled connection: a session (``SessionDep``/``ReadSessionDep``) or the driver's
  (``DriverReadDep``), never both. Each takes a slot of the checkout gate as the route's dependencies are
  resolved; with two per request, requests that hold one and wait for the other can fill the gate and wait
  for each other until the pool's timeout (:func:`routes_taking_two_connections`)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from batchivo_common.db.driver import _driver_read
from batchivo_common.db.session import _request_session


def _routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # Included routers: FastAPI keeps them as a route wrapping the original router.
        router = getattr(route, "original_router", None) or getattr(route, "router", None)
        if router is not None and getattr(router, "routes", None):
            yield from _routes(router.routes)


def _is_async(call: Any) -> bool:
    return (
        inspect.iscoroutinefunction(call)
        or inspect.isasyncgenfunction(call)
        or inspect.iscoroutinefunction(type(call).__call__)  # an instance with an async __call__
    )


def _sync_calls(dependant: Dependant) -> Iterator[str]:
    for dep in dependant.dependencies:
        if dep.call is not None and not _is_async(dep.call):
            yield f"{getattr(dep.call, '__module__', '?')}.{getattr(dep.call, '__qualname__', dep.call)}"
        yield from _sync_calls(dep)


def sync_dependencies(app: FastAPI) -> dict[str, set[str]]:
    """Each plain ``def`` dependency of the app's routes, with the paths that use it."""
    found: dict[str, set[str]] = {}
    for route in _routes(app.routes):
        for name in _sync_calls(route.dependant):
            found.setdefault(name, set()).add(route.path)
    return found


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def routes_taking_two_connections(app: FastAPI) -> list[str]:
    """The paths of the routes that depend on both a session and the driver's connection."""
    found: list[str] = []
    for route in _routes(app.routes):
        calls = set(_calls(route.dependant))
        if _driver_read in calls and _request_session in calls:
            found.append(route.path)
    return found


def assert_dependencies_fit(app: FastAPI) -> None:
    """Every dependency ``async def``, and no route taking two connections (the module doc says why)."""
    assert route_count(app) > 10, "too few routes: wrong app?"
    assert sync_dependencies(app) == {}
    assert routes_taking_two_connections(app) == []


def route_count(app: FastAPI) -> int:
    """How many API routes :func:`sync_dependencies` walked (a guard that it saw the app at all)."""
    return sum(1 for _ in _routes(app.routes))


def routes_using(app: FastAPI, call: Any) -> set[tuple[str, str]]:
    """(method, path) of each API route that depends on ``call`` directly (a route's path is as its router
    declares it, without the prefixes of the routers it is included in)."""
    found: set[tuple[str, str]] = set()
    for route in _routes(app.routes):
        if any(dep.call is call for dep in route.dependant.dependencies):
            found |= {(method, route.path) for method in route.methods or ()}
    return found
