"""Every dependency is ``async def`` and no route takes two connections (batchivo_common.testing.dependencies
says why each matters)."""

from __future__ import annotations

from batchivo_common.testing.dependencies import assert_dependencies_fit
from fastapi import FastAPI


async def test_dependencies_fit(app: FastAPI) -> None:
    assert_dependencies_fit(app)
