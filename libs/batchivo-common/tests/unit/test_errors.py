"""Every error the app factory produces has the project's error shape."""

from collections.abc import AsyncIterator

import httpx
import pytest
from batchivo_common.app import create_service_app
from batchivo_common.errors import Conflict, NotFound
from batchivo_common.settings import CommonSettings
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field


class Thing(BaseModel):
    name: str = Field(max_length=10)


def build_app() -> FastAPI:
    app = create_service_app(CommonSettings(), service="demo", title="demo", configure_process=False)

    @app.post("/things", status_code=201)
    async def create(thing: Thing) -> Thing:
        return thing

    @app.get("/things/{thing_id}")
    async def read(thing_id: int) -> Thing:
        raise NotFound("Thing not found")

    @app.delete("/things/{thing_id}")
    async def delete(thing_id: int) -> None:
        raise Conflict("Thing is in use", code="IN_USE")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret stack detail")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    body = response.json()
    assert response.status_code == status
    assert body["status_code"] == status
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


async def test_app_errors_keep_status_and_code(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/things/1"), 404, "NOT_FOUND")
    assert_error(await client.delete("/things/1"), 409, "IN_USE")


async def test_validation_errors_list_what_is_wrong(client: httpx.AsyncClient) -> None:
    body = assert_error(await client.post("/things", json={"name": "x" * 11}), 422, "VALIDATION_ERROR")
    errors = body["errors"]
    assert isinstance(errors, list) and errors[0]["loc"] == ["body", "name"]
    assert "input" not in errors[0]  # never echo the input back


async def test_malformed_json_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_bad_path_parameter_is_a_validation_error(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/things/not-a-number"), 422, "VALIDATION_ERROR")


async def test_unknown_route_and_wrong_method(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/nope"), 404, "NOT_FOUND")
    assert_error(await client.put("/things"), 405, "METHOD_NOT_ALLOWED")


async def test_unhandled_exception_is_a_500_without_the_stack(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret" not in response.text and body["detail"] == "Internal server error"


async def test_ops_endpoints_and_request_id(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).status_code == 200
    response = await client.get("/things/1", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = (await client.get("/healthz")).headers["x-request-id"]
    assert len(generated) == 32
    metrics = (await client.get("/metrics")).text
    assert (
        'batchivo_http_requests_total{method="GET",route="/things/{thing_id}",service="demo",status="404"}'
        in metrics
    )


async def test_failing_readiness_check_is_a_503_in_the_error_format() -> None:
    async def database(app: FastAPI) -> None:
        raise ConnectionError("down")

    app = create_service_app(
        CommonSettings(), service="demo", title="d", readiness_checks=[database], configure_process=False
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        body = assert_error(await c.get("/readyz"), 503, "UNAVAILABLE")
    assert body["checks"] == {"database": "ConnectionError"}


async def test_metrics_label_a_nested_routers_route_with_its_whole_template() -> None:
    # Routes behind include_router (every service's /api/v1 routers) must be labelled with their full path
    # template: with FastAPI 0.16x matching the app's routes again after the request labelled them all
    # "unmatched".
    app = create_service_app(CommonSettings(), service="nested", title="n", configure_process=False)
    spools = APIRouter(prefix="/spools")

    @spools.get("/{spool_id}")
    async def read(spool_id: int) -> dict[str, int]:
        return {"id": spool_id}

    api = APIRouter(prefix="/api/v1")
    api.include_router(spools)
    app.include_router(api)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/api/v1/spools/7")).status_code == 200
        assert (await client.get("/api/v1/nowhere")).status_code == 404
        metrics = (await client.get("/metrics")).text
    label = 'batchivo_http_requests_total{method="GET",route="%s",service="nested",status="%s"}'
    assert label % ("/api/v1/spools/{spool_id}", "200") in metrics
    assert label % ("unmatched", "404") in metrics
