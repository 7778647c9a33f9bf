"""The input checks every service gets from create_service_app: text PostgreSQL cannot store, JSON depth,
body size. The rules as plain functions first, then through an app."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from batchivo_common.app import create_service_app
from batchivo_common.input_checks import (
    NUL_MESSAGE,
    SURROGATE_MESSAGE,
    InputGuardMiddleware,
    find_unstorable_text,
    json_depth_exceeds,
    unstorable_reason,
)
from batchivo_common.pagination import MAX_OFFSET, PageParamsDep
from batchivo_common.settings import CommonSettings
from batchivo_common.testing.assertions import assert_error
from fastapi import FastAPI, Request
from pydantic import BaseModel


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert not json_depth_exceeds(nested(32), 32)
    assert json_depth_exceeds(nested(33), 32)
    assert json_depth_exceeds(b'{"a": ' + nested(40) + b"}", 32)
    # Wide is fine, only deep is not.
    assert not json_depth_exceeds(b"[" + b",".join([b"[[]]"] * 5000) + b"]", 32)
    # Brackets inside strings (escaped quotes included) are text.
    text = json.dumps({"t": "[[[[" * 100 + '"\\' + "{{{{" * 100}).encode()
    assert not json_depth_exceeds(text, 32)
    # A megabyte of brackets is answered without recursion.
    assert json_depth_exceeds(nested(500_000), 32)
    # Unbalanced text is left to the JSON parser.
    assert not json_depth_exceeds(b"]" * 100 + b"[" * 100, 32)


def test_unstorable_text() -> None:
    assert unstorable_reason("plain, ünïcode ✓ 🎉") is None
    assert unstorable_reason("a\x00b") == NUL_MESSAGE
    assert unstorable_reason("a\ud800b") == SURROGATE_MESSAGE
    assert unstorable_reason("\udfff") == SURROGATE_MESSAGE


def test_find_unstorable_text_names_the_path() -> None:
    assert find_unstorable_text({"a": [1, "ok", {"b": None}]}) is None
    assert find_unstorable_text({"a": [1, "ok", {"b": "x\x00"}]}) == (["a", 2, "b"], NUL_MESSAGE)
    assert find_unstorable_text({"settings": {"k\ud800": 1}}) == (["settings", "k\ud800"], SURROGATE_MESSAGE)
    assert find_unstorable_text(["\x00"]) == ([0], NUL_MESSAGE)
    # The first in document order is reported.
    assert find_unstorable_text({"first": "\x00", "second": "\x00"}) == (["first"], NUL_MESSAGE)


class Spool(BaseModel):
    supplier: str | None = None
    notes: str | None = None
    extra: Any = None


def build_app(**kwargs: Any) -> FastAPI:
    settings = CommonSettings(environment="test", max_body_bytes=2048, max_json_depth=8)
    app = create_service_app(settings, service="demo", title="demo", configure_process=False, **kwargs)

    @app.post("/spools")
    async def create(spool: Spool) -> dict[str, Any]:
        return {"supplier": spool.supplier, "notes": spool.notes}

    @app.get("/spools")
    async def search(page: PageParamsDep, q: str = "", location: str = "") -> dict[str, Any]:
        return {"q": q, "location": location, "offset": page.offset}

    @app.get("/spools/{code}")
    async def read(code: str) -> dict[str, str]:
        return {"code": code}

    @app.post("/uploads/raw")
    async def upload(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


def raw_json(text: bytes) -> dict[str, Any]:
    return {"content": text, "headers": {"content-type": "application/json"}}


async def test_nul_in_a_body_string_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/spools", json={"supplier": "Acme\x00"})
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["errors"] == [{"loc": ["body", "supplier"], "msg": NUL_MESSAGE, "type": "string_unstorable"}]
    # Nested, in a key, and in an untyped field too.
    response = await client.post("/spools", json={"extra": {"list": ["ok", {"k\x00": 1}]}})
    assert assert_error(response, 422)["errors"][0]["loc"] == ["body", "extra", "list", 1, "k\x00"]


async def test_lone_surrogates_are_a_422_however_they_are_spelled(client: httpx.AsyncClient) -> None:
    for text in (b'{"notes": "a\\ud800b"}', b'{"notes": "a\\uDFFF"}', b'{"notes": "a\xed\xa0\x80b"}'):
        body = assert_error(await client.post("/spools", **raw_json(text)), 422, "VALIDATION_ERROR")
        assert body["errors"][0]["loc"] == ["body", "notes"], text
        assert body["errors"][0]["msg"] == SURROGATE_MESSAGE


async def test_storable_text_that_looks_suspicious_passes(client: httpx.AsyncClient) -> None:
    # A paired surrogate escape is one emoji; an escaped backslash before u0000 is plain text.
    response = await client.post("/spools", **raw_json(b'{"notes": "\\ud83c\\udf89 \\\\u0000"}'))
    assert response.status_code == 200, response.text
    assert response.json()["notes"] == "🎉 \\u0000"


async def test_nul_in_the_query_or_path_is_a_422(client: httpx.AsyncClient) -> None:
    for name in ("q", "location"):
        response = await client.get("/spools", params={name: "PLA\x00"})
        assert assert_error(response, 422, "VALIDATION_ERROR")["errors"][0]["loc"] == ["query", name]
    response = await client.get("/spools/FIL%00001")
    assert assert_error(response, 422, "VALIDATION_ERROR")["errors"][0]["loc"] == ["path", "code"]
    ok = await client.get("/spools", params={"q": "PLA 100%"})
    assert ok.status_code == 200 and ok.json()["q"] == "PLA 100%"


async def test_nul_in_a_urlencoded_form_field_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/uploads/raw", data={"name": "a\x00b"})
    assert assert_error(response, 422, "VALIDATION_ERROR")["errors"][0]["loc"] == ["body", "name"]
    assert (await client.post("/uploads/raw", data={"name": "ab"})).json() == {"size": 7}


async def test_paging_bounds(client: httpx.AsyncClient) -> None:
    out_of_range: list[dict[str, int]] = [{"offset": 2**63}, {"offset": MAX_OFFSET + 1}, {"offset": -1}]
    out_of_range += [{"limit": 0}, {"limit": 201}]
    for params in out_of_range:
        response = await client.get("/spools", params=params)
        assert assert_error(response, 422, "VALIDATION_ERROR")["errors"][0]["loc"] == ["query", *params]
    assert (await client.get("/spools", params={"offset": MAX_OFFSET})).json()["offset"] == MAX_OFFSET


async def test_json_deeper_than_the_limit_is_a_422(client: httpx.AsyncClient) -> None:
    ok = await client.post("/spools", **raw_json(b'{"extra": ' + nested(7) + b"}"))
    assert ok.status_code == 200, ok.text
    too_deep = await client.post("/spools", **raw_json(b'{"extra": ' + nested(8) + b"}"))
    body = assert_error(too_deep, 422, "VALIDATION_ERROR")
    assert body["errors"][0]["type"] == "json_too_deep"
    # Deep enough to break Python's recursive JSON decoder, within the size limit.
    assert_error(await client.post("/spools", **raw_json(nested(1000))), 422, "VALIDATION_ERROR")


async def test_a_body_over_the_limit_is_a_413(client: httpx.AsyncClient) -> None:
    big = {"notes": "x" * 3000}
    response = await client.post("/spools", json=big)
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while reading
        yield b'{"notes": "'
        for _ in range(10):
            yield b"y" * 300
        yield b'"}'

    streamed = await client.post("/spools", content=chunks(), headers={"content-type": "application/json"})
    assert_error(streamed, 413, "PAYLOAD_TOO_LARGE")

    async def raw_chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"z" * 300

    upload = await client.post("/uploads/raw", content=raw_chunks(), headers={"content-type": "text/plain"})
    assert_error(upload, 413, "PAYLOAD_TOO_LARGE")
    small = await client.post("/uploads/raw", content=b"z" * 100, headers={"content-type": "text/plain"})
    assert small.json() == {"size": 100}


async def test_an_app_may_raise_the_limit_for_upload_routes() -> None:
    app = build_app(body_limit_overrides={"/uploads/": 10_000})
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        upload = await c.post("/uploads/raw", content=b"z" * 5000, headers={"content-type": "text/plain"})
        assert upload.json() == {"size": 5000}
        assert_error(await c.post("/spools", json={"notes": "x" * 3000}), 413, "PAYLOAD_TOO_LARGE")
    whole_app = build_app(max_body_bytes=10_000)
    transport = httpx.ASGITransport(app=whole_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.post("/spools", json={"notes": "x" * 3000})).status_code == 200


def test_a_pattern_override_raises_the_limit_of_one_route_only() -> None:
    guard = InputGuardMiddleware(
        build_app(),
        max_body_bytes=1000,
        max_json_depth=8,
        body_limit_overrides={re.compile(r"/products/[^/]+/images"): 50_000, "/products/": 2000},
    )
    assert guard.body_limit("/products/p-1/images") == 50_000
    assert guard.body_limit("/products/p-1/images/i-1") == 2000  # a fullmatch, not a prefix
    assert guard.body_limit("/products/p-1") == 2000
    assert guard.body_limit("/spools") == 1000
