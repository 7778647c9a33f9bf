"""One OpenAPI document for the whole public API, merged from every configured service.

Each service's ``/openapi.json`` is fetched (concurrently, cached for ``openapi_cache_seconds``); its paths
under ``/api/v1`` and ``/.well-known`` and all its components are merged. A component name two services
define differently is renamed ``<Name>__<service>`` in the second one, and that service's ``$ref``s follow.
A service that does not answer is left out and listed under ``info.x-unavailable``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx

logger = logging.getLogger("batchivo.gateway.openapi")

PUBLIC_PREFIXES = ("/api/v1/", "/.well-known/")
_REF_PREFIX = "#/components/"


def is_public_path(path: str) -> bool:
    return path == "/api/v1" or path.startswith(PUBLIC_PREFIXES)


def _rewrite_refs(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value in renames:
                out[key] = renames[value]
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def merge(
    documents: Mapping[str, Mapping[str, Any]], *, title: str = "Batchivo API", version: str = "1"
) -> dict[str, Any]:
    """Merge service documents (name → OpenAPI document), in the mapping's order."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "components": {},
    }
    tags: dict[str, Any] = {}
    for service, document in documents.items():
        if not merged["paths"] and isinstance(document.get("openapi"), str):
            merged["openapi"] = document["openapi"]
        components: Mapping[str, Any] = document.get("components") or {}
        renames: dict[str, str] = {}
        for section, entries in components.items():
            if not isinstance(entries, Mapping):
                continue
            existing = merged["components"].get(section, {})
            for name, value in entries.items():
                if name in existing and existing[name] != value:
                    renames[f"{_REF_PREFIX}{section}/{name}"] = f"{_REF_PREFIX}{section}/{name}__{service}"
        document = _rewrite_refs(document, renames) if renames else document
        for section, entries in (document.get("components") or {}).items():
            if not isinstance(entries, Mapping):
                continue
            target = merged["components"].setdefault(section, {})
            for name, value in entries.items():
                renamed = renames.get(f"{_REF_PREFIX}{section}/{name}")
                target.setdefault(renamed.rsplit("/", 1)[-1] if renamed else name, value)
        for path, operations in (document.get("paths") or {}).items():
            if is_public_path(path) and isinstance(operations, Mapping):
                slot = merged["paths"].setdefault(path, {})
                for method, operation in operations.items():
                    slot.setdefault(method, operation)
        for tag in document.get("tags") or ():
            if isinstance(tag, Mapping) and "name" in tag:
                tags.setdefault(str(tag["name"]), dict(tag))
    if tags:
        merged["tags"] = list(tags.values())
    if not merged["components"]:
        del merged["components"]
    return merged


class OpenApiAggregator:
    def __init__(self, client: httpx.AsyncClient, upstreams: Mapping[str, str], cache_seconds: float):
        self.client, self.upstreams, self.cache_seconds = client, dict(upstreams), cache_seconds
        self._document: dict[str, Any] | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _fetch(self, name: str, base_url: str) -> dict[str, Any] | None:
        try:
            response = await self.client.get(f"{base_url}/openapi.json", timeout=5)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("openapi of %s unavailable: %s", name, type(exc).__name__)
            return None
        return document if isinstance(document, dict) else None

    async def document(self) -> dict[str, Any]:
        if self._document is not None and time.monotonic() - self._fetched_at < self.cache_seconds:
            return self._document
        async with self._lock:
            if self._document is not None and time.monotonic() - self._fetched_at < self.cache_seconds:
                return self._document
            names = list(self.upstreams)
            fetched = await asyncio.gather(*(self._fetch(n, self.upstreams[n]) for n in names))
            documents = {n: d for n, d in zip(names, fetched, strict=True) if d is not None}
            merged = merge(documents)
            missing = [n for n, d in zip(names, fetched, strict=True) if d is None]
            if missing:
                merged["info"]["x-unavailable"] = missing
            self._document, self._fetched_at = merged, time.monotonic()
            return merged
