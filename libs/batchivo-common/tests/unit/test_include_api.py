"""``include_api``: every feature router answers under the prefix, one level below the app, in order."""

from __future__ import annotations

import httpx
from batchivo_common.app import include_api
from fastapi import APIRouter, FastAPI


def _routers() -> tuple[APIRouter, APIRouter]:
    things = APIRouter(prefix="/things", tags=["things"])
    others = APIRouter(prefix="/others", tags=["others"])

    @things.get("/{thing_id}")
    async def read_thing(thing_id: int) -> dict[str, int]:
        return {"thing": thing_id}

    @others.get("")
    async def list_others() -> list[str]:
        return ["a"]

    return things, others


async def test_routes_answer_under_the_prefix_in_the_order_given() -> None:
    app = FastAPI()
    include_api(app, _routers())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/api/v1/things/7")).json() == {"thing": 7}
        assert (await client.get("/api/v1/others")).json() == ["a"]
        assert (await client.get("/things/7")).status_code == 404
    assert list(app.openapi()["paths"]) == ["/api/v1/things/{thing_id}", "/api/v1/others"]


def test_the_same_api_as_one_router_including_them_all() -> None:
    """The OpenAPI (which the web app's client is generated from) does not change with the flat include."""
    nested_app, flat_app = FastAPI(), FastAPI()
    nested = APIRouter(prefix="/api/v1")
    for router in _routers():
        nested.include_router(router)
    nested_app.include_router(nested)
    include_api(flat_app, _routers(), prefix="/api/v1")
    assert flat_app.openapi() == nested_app.openapi()
