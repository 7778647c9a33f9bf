"""The key in a Spoolman client's path: taken out of the path into ``X-API-Key`` before anything else runs."""

from __future__ import annotations

from typing import Any

import pytest
from batchivo_gateway import routing
from batchivo_gateway.spoolman import SpoolmanKeyInPath, split_key


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/compat/spoolman/bvk_abc/api/v1/spool", ("bvk_abc", "/compat/spoolman/api/v1/spool")),
        ("/compat/spoolman/bvk_abc/api/v1/spool/42/use", ("bvk_abc", "/compat/spoolman/api/v1/spool/42/use")),
        ("/compat/spoolman/not-a-key/api/v1/info", ("not-a-key", "/compat/spoolman/api/v1/info")),
        ("/compat/spoolman/bvk_abc", ("bvk_abc", "/compat/spoolman")),
        ("/compat/spoolman/bvk_abc/elsewhere", ("bvk_abc", "/compat/spoolman/elsewhere")),
        ("/compat/spoolman/api/v1/spool", None),
        ("/compat/spoolman", None),
        ("/api/v1/spools", None),
    ],
)
def test_split_key(path: str, expected: tuple[str, str] | None) -> None:
    assert split_key(path) == expected


def test_the_compat_path_routes_to_inventory_and_is_never_the_spa() -> None:
    match = routing.match("PUT", "/compat/spoolman/api/v1/spool/42/use")
    assert match is not None and match.upstream == "inventory" and not match.public
    assert routing.match("GET", "/compat/spoolman/elsewhere") is None
    assert routing.is_api_path("/compat/spoolman/elsewhere")


async def _seen(scope: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.update(scope)

    async def nothing() -> dict[str, Any]:  # pragma: no cover - never called
        return {}

    async def ignore(message: Any) -> None:  # pragma: no cover - never called
        return None

    await SpoolmanKeyInPath(app)(scope, nothing, ignore)
    return seen


@pytest.mark.parametrize("kind", ["http", "websocket"])
async def test_the_key_moves_from_the_path_to_the_header(kind: str) -> None:
    scope = {
        "type": kind,
        "path": "/compat/spoolman/bvk_s3cret/api/v1/spool",
        "raw_path": b"/compat/spoolman/bvk_s3cret/api/v1/spool",
        "query_string": b"",
        "headers": [(b"host", b"shop.example"), (b"x-api-key", b"bvk_other")],
    }
    seen = await _seen(scope)
    assert seen["path"] == "/compat/spoolman/api/v1/spool"
    assert seen["raw_path"] == b"/compat/spoolman/api/v1/spool"
    assert seen["headers"] == [(b"host", b"shop.example"), (b"x-api-key", b"bvk_s3cret")]
    assert scope["path"].endswith("bvk_s3cret/api/v1/spool")  # the caller's scope is not changed


async def test_other_paths_pass_untouched() -> None:
    scope = {
        "type": "http",
        "path": "/compat/spoolman/api/v1/spool",
        "raw_path": b"/compat/spoolman/api/v1/spool",
        "headers": [(b"x-api-key", b"bvk_header")],
    }
    assert await _seen(dict(scope)) == scope
