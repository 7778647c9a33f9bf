"""Every dependency is ``async def``: FastAPI runs a plain ``def`` one in a worker thread on each request
(batchivo_common.testing.dependencies says why that matters)."""

from __future__ import annotations

from batchivo_common.testing.dependencies import route_count, sync_dependencies
from fastapi import FastAPI


async def test_no_dependency_runs_in_a_thread(app: FastAPI) -> None:
    assert route_count(app) > 10
    assert sync_dependencies(app) == {}
