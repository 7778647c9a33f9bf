"""Fetching an import from a URL (a Spoolman instance, a SpoolmanDB file), refusing private addresses.

Only ``http``/``https``; the host's addresses are resolved first and any loopback, private, link-local,
reserved or multicast address is refused unless ``INVENTORY_IMPORT_ALLOW_PRIVATE_URLS=true`` (a shop whose
Spoolman runs on its own network sets it; tests do). Redirects are not followed (a redirect could point
inside), the answer is read up to a byte limit, and the whole fetch has a timeout.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx
from batchivo_common.errors import AppError

from batchivo_inventory.transfer.instances import spoolman_base


class UrlRefused(AppError):
    status_code = 422
    code = "URL_REFUSED"


class FetchFailed(AppError):
    status_code = 502
    code = "FETCH_FAILED"


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


async def check_url(url: str, *, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused("Give an http:// or https:// URL")
    if parts.username or parts.password:
        raise UrlRefused("URLs with a user name or password are not fetched")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or None, type=socket.SOCK_STREAM
        )
    except OSError:
        raise FetchFailed(f"Could not resolve {parts.hostname}") from None
    if not infos or not all(_public(str(info[4][0])) for info in infos):
        raise UrlRefused(
            f"{parts.hostname} is a private or local address;"
            " set INVENTORY_IMPORT_ALLOW_PRIVATE_URLS=true to allow it"
        )


async def fetch_bytes(url: str, *, allow_private: bool, seconds: float, max_bytes: int) -> bytes:
    await check_url(url, allow_private=allow_private)
    try:
        async with (
            httpx.AsyncClient(timeout=seconds, follow_redirects=False, trust_env=False) as client,
            client.stream("GET", url, headers={"Accept": "application/json, text/csv"}) as response,
        ):
            if response.status_code != 200:
                raise FetchFailed(f"{url} answered HTTP {response.status_code}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(f"{url} sent more than {max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise FetchFailed(f"{url} did not answer within {seconds:g} s") from None
    except httpx.HTTPError as exc:
        raise FetchFailed(f"Could not fetch {url}: {type(exc).__name__}") from None


async def fetch_json(url: str, *, allow_private: bool, seconds: float, max_bytes: int) -> Any:
    data = await fetch_bytes(url, allow_private=allow_private, seconds=seconds, max_bytes=max_bytes)
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise FetchFailed(f"{url} did not answer JSON") from None


async def fetch_spoolman(url: str, *, allow_private: bool, seconds: float, max_bytes: int) -> dict[str, Any]:
    """Vendors, filaments and spools (archived ones too) from a Spoolman instance's REST API."""
    base = spoolman_base(url)
    result: dict[str, Any] = {}
    for name, path in (
        ("vendors", "vendor"),
        ("filaments", "filament"),
        ("spools", "spool?allow_archived=true"),
    ):
        value = await fetch_json(
            f"{base}/api/v1/{path}", allow_private=allow_private, seconds=seconds, max_bytes=max_bytes
        )
        if not isinstance(value, list):
            raise FetchFailed(f"{base}/api/v1/{path} did not answer a list; is this a Spoolman URL?")
        result[name] = value
    return result
