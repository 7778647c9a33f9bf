"""Golden answers: a list's exact response text held to a recorded file.

A seeded shop's pages are fetched, every UUID in them is replaced by ``id-<n>`` in order of first
appearance (shared across the pages), and the result is compared with the file; ``BATCHIVO_UPDATE_GOLDEN=1``
records the file again (only when the response is meant to change). Seeding under
:func:`sequential_uuid4` makes ids, and so every order by id, the same on every run.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx
import pytest

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def sequential_uuid4(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``uuid.uuid4()`` (the test's and an in-process service's) hands out the next of a fixed
    sequence until the test ends."""
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=(0xB47C << 64) | next(counter), version=4))


def normalised(text: str, ids: dict[str, str]) -> str:
    """``text`` with every UUID replaced by ``id-<n>`` in order of first appearance (``ids`` is shared)."""
    return UUID_RE.sub(lambda m: ids.setdefault(m.group(0), f"id-{len(ids):03d}"), text)


async def assert_pages_match(
    client: httpx.AsyncClient, paths: Sequence[str], headers: Mapping[str, str], golden: Path
) -> dict[str, str]:
    """GET each of ``paths`` (200, JSON) and hold the normalised texts to ``golden``; returns them."""
    ids: dict[str, str] = {}
    pages: dict[str, str] = {}
    for path in paths:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        pages[path] = normalised(response.text, ids)
    assert_matches_file(pages, golden)
    return pages


def assert_matches_file(pages: Mapping[str, str], golden: Path) -> None:
    """``pages`` (path → normalised text) against the recorded file, in order (recorded first when asked)."""
    if os.environ.get("BATCHIVO_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(pages, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    recorded = json.loads(golden.read_text(encoding="utf-8"))
    assert list(pages) == list(recorded)
    for path, text in pages.items():
        assert text == recorded[path], path
