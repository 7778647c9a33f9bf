"""/api/docs: Swagger UI from the gateway's own origin (files of an installed package), under a strict CSP."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

SAME_ORIGIN_SOURCES = {"'self'", "'none'"}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


async def test_docs_page_and_its_assets_are_same_origin_only(
    gateway_url: str, client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    page = await client.get(f"{gateway_url}/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "http:" not in page.text and "https:" not in page.text and "//" not in page.text.replace("<!", "")
    assert "<script>" not in page.text  # no inline script: the CSP allows none
    references = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert references, page.text
    assert all(ref.startswith("/api/docs/") for ref in references), references

    directives = csp_directives(page.headers["content-security-policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # Nothing but the own origin anywhere; Swagger UI's icons are data: URLs and it sets style attributes.
    allowed = SAME_ORIGIN_SOURCES | {"data:", "'unsafe-inline'"}
    for name, sources in directives.items():
        assert set(sources) <= allowed, (name, sources)
    assert "data:" in directives["img-src"] and "'unsafe-inline'" in directives["style-src"]

    served = {}
    for ref in [*references, "/api/docs/swagger-init.js"]:
        asset = await client.get(f"{gateway_url}{ref}")
        assert asset.status_code == 200, ref
        assert asset.content, ref
        assert asset.headers["content-security-policy"] == page.headers["content-security-policy"]
        served[ref.rsplit("/", 1)[-1]] = asset
    assert served["swagger-ui-bundle.js"].headers["content-type"].startswith("text/javascript")
    assert b"SwaggerUIBundle" in served["swagger-ui-bundle.js"].content
    assert served["swagger-ui.css"].headers["content-type"].startswith("text/css")
    assert b".swagger-ui" in served["swagger-ui.css"].content
    assert served["favicon.png"].content.startswith(b"\x89PNG")
    init = served["swagger-init.js"].text
    assert '"/api/openapi.json"' in init and "SwaggerUIBundle(" in init

    assert_error(await client.get(f"{gateway_url}/api/docs/redoc.standalone.js"), 404, "NOT_FOUND")
    assert_error(await client.get(f"{gateway_url}/api/docs/%2e%2e%2fcore.py"), 404, "NOT_FOUND")
    assert_error(await client.post(f"{gateway_url}/api/docs"), 405, "METHOD_NOT_ALLOWED")
