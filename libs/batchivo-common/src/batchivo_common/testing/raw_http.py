"""One HTTP/1.1 exchange on a raw socket (tests only): for what an HTTP client will not do.

For example announce a 10 MiB body and send only its head, to see that a server answers before reading it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes


#: Seconds to wait for the response head, then for its body.
WAIT_SECONDS = 10.0


async def raw_request(url: str, head: str, body: bytes = b"") -> RawResponse:
    """Send ``head`` (request line and header lines, ``\\n``-separated, without the blank line) and
    ``body`` to ``url``'s host and port, and read one response with a Content-Length."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        lines = [line for line in head.strip().split("\n") if line]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        received = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=WAIT_SECONDS)
        status_line, *header_lines = received.decode("latin-1").split("\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in header_lines if ":" in line)
        }
        length = int(headers.get("content-length", "0"))
        content = await asyncio.wait_for(reader.readexactly(length), timeout=WAIT_SECONDS)
        return RawResponse(int(status_line.split(" ")[1]), headers, content)
    finally:
        writer.close()
