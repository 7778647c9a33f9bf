"""The aggregated OpenAPI document, the Swagger UI page and the SPA."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest


async def test_openapi_merges_the_services_public_paths(
    start_gateway: Callable[..., str], client: httpx.AsyncClient, inventory_url: str, dead_url: str
) -> None:
    url = start_gateway(inventory_url=inventory_url, catalog_url=dead_url)
    response = await client.get(f"{url}/api/openapi.json")  # public, no token
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert "/api/v1/models" in paths
    assert "/api/v1/spools/big" in paths
    assert "post" in paths["/api/v1/spools"]  # from inventory
    assert "/.well-known/jwks.json" in paths
    assert not [p for p in paths if p.startswith("/internal") or p in ("/healthz", "/readyz", "/metrics")]
    schemas = document["components"]["schemas"]
    assert set(schemas["ModelIn"]["properties"]) == {"name", "weight_grams"}
    assert set(schemas["ModelIn__inventory"]["properties"]) == {"sku"}
    body_schema = paths["/api/v1/spools"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/ModelIn__inventory"}
    assert "HTTPValidationError" in schemas
    assert document["info"]["x-unavailable"] == ["catalog"]

    page = await client.get(f"{url}/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/api/docs/swagger-init.js" in page.text  # which loads /api/openapi.json (test_docs_ui.py)
    # The gateway's own FastAPI docs are off.
    assert (await client.get(f"{url}/docs")).status_code == 404
    assert (await client.get(f"{url}/openapi.json")).status_code == 404


async def test_root_without_a_build_points_at_the_docs(
    gateway_url: str, client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    response = await client.get(f"{gateway_url}/")
    assert response.status_code == 200
    assert response.json() == {"service": "batchivo-gateway", "docs": "/api/docs"}
    assert_error(await client.get(f"{gateway_url}/spools"), 404, "NOT_FOUND")


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>Batchivo</title><div id=root></div>")
    (root / "assets" / "index-Bq3x9Zk1.js").write_text("console.log('spa')")
    (root / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    (tmp_path / "secret.txt").write_text("outside the dist")
    return root


async def test_spa_serves_files_and_falls_back_to_index(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    dist: Path,
    bearer: Callable[..., dict[str, str]],
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(frontend_dist=dist)
    index = await client.get(f"{url}/")
    assert index.status_code == 200
    assert "<div id=root>" in index.text
    assert index.headers["cache-control"] == "no-cache"
    csp = index.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert index.headers["x-content-type-options"] == "nosniff"
    asset = await client.get(f"{url}/assets/index-Bq3x9Zk1.js")
    assert asset.text == "console.log('spa')"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset.headers["content-type"]
    assert (await client.get(f"{url}/favicon.ico")).headers["cache-control"] == "no-cache"
    for route in ("/spools", "/spools/3f2a/edit", "/settings/api-keys"):
        page = await client.get(f"{url}{route}")
        assert page.status_code == 200, route
        assert "<div id=root>" in page.text
        assert page.headers["cache-control"] == "no-cache"
    head = await client.head(f"{url}/spools")
    assert head.status_code == 200
    assert head.content == b""
    # Missing files, API paths, traversal and writes are not the SPA's.
    assert_error(await client.get(f"{url}/assets/missing-12345678.js"), 404, "NOT_FOUND")
    assert_error(await client.get(f"{url}/api/v1/nothing"), 404, "NOT_FOUND")
    assert_error(await client.get(f"{url}/%2e%2e/secret.txt"), 404, "NOT_FOUND")
    assert_error(await client.get(f"{url}/assets/%2e%2e%2f%2e%2e%2fsecret.txt"), 404, "NOT_FOUND")
    assert_error(await client.post(f"{url}/spools"), 405, "METHOD_NOT_ALLOWED")
    # The API still works beside the SPA.
    assert (await client.get(f"{url}/api/v1/spools", headers=bearer())).status_code == 200
