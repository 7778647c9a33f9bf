"""ETag / If-Match on every PATCH of an app: each service's tests give one case per PATCH route and
:func:`check_patch_preconditions` refuses a route added later without a case (the routes come from the
app's OpenAPI)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI


@dataclass(frozen=True)
class PatchCase:
    """``url`` is PATCHed with ``body``; ``read_url`` is the GET whose ETag guards it (the aggregate)."""

    url: str
    read_url: str
    body: dict[str, Any]
    #: A second change, sent with ``If-Match: *`` (defaults to ``body``).
    other_body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


CaseFactory = Callable[[], Awaitable[PatchCase]]


def patch_paths(app: FastAPI) -> set[str]:
    return {path for path, ops in app.openapi()["paths"].items() if "patch" in ops}


async def _read(client: httpx.AsyncClient, case: PatchCase) -> tuple[str, Any]:
    response = await client.get(case.read_url, headers=case.headers)
    assert response.status_code == 200, (case.read_url, response.text)
    tag = response.headers.get("etag")
    assert tag is not None, case.read_url
    assert len(tag) > 2, (case.read_url, tag)
    assert tag[0] == tag[-1] == '"', (case.read_url, tag)
    return tag, response.json()


async def check_patch_preconditions(
    client: httpx.AsyncClient,
    app: FastAPI,
    cases: Mapping[str, CaseFactory],
    *,
    not_versioned: Mapping[str, str] = {},
) -> None:
    """For every PATCH route of ``app`` (``not_versioned`` maps the exceptions to why): a stale ETag is
    412 ``PRECONDITION_FAILED`` (with the current ETag) and the resource is unchanged; the current one
    applies the change and answers a new ETag, the one a GET then shows; ``*`` passes; a malformed header
    is 400 ``INVALID_IF_MATCH``; of two PATCHes racing with the same ETag exactly one wins."""
    routes = patch_paths(app)
    assert routes, "no PATCH route found"
    assert routes == set(cases) | set(not_versioned), (
        f"PATCH routes without a case: {sorted(routes - set(cases) - set(not_versioned))}; "
        f"cases without a route: {sorted((set(cases) | set(not_versioned)) - routes)}"
    )
    for path, make in cases.items():
        case = await make()
        tag, before = await _read(client, case)
        resource, version = tag.strip('"').rsplit("-", 1)
        stale = f'"{resource}-{int(version) - 1}"'

        refused = await client.patch(case.url, json=case.body, headers={**case.headers, "If-Match": stale})
        assert refused.status_code == 412, (path, refused.status_code, refused.text)
        assert refused.json()["code"] == "PRECONDITION_FAILED", path
        assert refused.headers.get("etag") == tag, path
        assert await _read(client, case) == (tag, before), f"{path}: a refused PATCH changed the resource"

        weak = await client.patch(case.url, json=case.body, headers={**case.headers, "If-Match": f"W/{tag}"})
        assert weak.status_code == 412, (path, "a weak tag never matches", weak.text)
        malformed = await client.patch(
            case.url, json=case.body, headers={**case.headers, "If-Match": tag[1:]}
        )
        assert malformed.status_code == 400, (path, malformed.text)
        assert malformed.json()["code"] == "INVALID_IF_MATCH", path

        applied = await client.patch(
            case.url, json=case.body, headers={**case.headers, "If-Match": f'"other", {tag}'}
        )
        assert applied.status_code == 200, (path, applied.text)
        new_tag = applied.headers.get("etag")
        assert new_tag is not None, path
        assert new_tag != tag, (path, tag, new_tag)
        after_tag, _ = await _read(client, case)
        assert after_tag == new_tag, path

        anything = await client.patch(
            case.url, json=case.other_body or case.body, headers={**case.headers, "If-Match": "*"}
        )
        assert anything.status_code == 200, (path, anything.text)
        current = anything.headers["etag"]

        # Two writers read the same version; the row lock lets exactly one of them win.
        racing = await asyncio.gather(
            client.patch(case.url, json=case.body, headers={**case.headers, "If-Match": current}),
            client.patch(case.url, json=case.body, headers={**case.headers, "If-Match": current}),
        )
        assert sorted(r.status_code for r in racing) == [200, 412], (path, [r.text for r in racing])
