"""Request body limits: the size of any body, and the nesting of the JSON the gateway parses itself.

- A body whose ``Content-Length`` is over the limit is refused (413 PAYLOAD_TOO_LARGE) before a byte of it
  is read; one without (chunked) is counted while it is read or streamed, and refused once it passes the
  limit (the upstream request, if one was started, is aborted).
- The gateway parses only the small login/register JSON body (for the rate-limit key). Python's ``json``
  recurses once per nesting level and raises ``RecursionError`` near 1000 levels, so the nesting is
  measured first, without parsing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from starlette.requests import Request

from batchivo_gateway.errors import PayloadTooLarge

#: A JSON string (with escapes): removed before counting, brackets inside strings do not nest.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def declared_length(value: str | None) -> int | None:
    """The Content-Length as a number (uvicorn has already refused a malformed one), or None."""
    return int(value) if value is not None and value.isdigit() else None


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body larger than {limit} bytes")


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, refused (413) as soon as it is known to be over ``limit`` bytes."""
    declared = declared_length(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def limited_stream(stream: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """``stream`` passed on chunk by chunk; raises 413 once more than ``limit`` bytes went through."""
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        yield chunk


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether arrays/objects in ``body`` nest deeper than ``limit`` (for any bytes, JSON or not)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if len(brackets) <= limit:  # every level opens with a bracket of its own
        return False
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
