"""The built single-page app: static files, ``index.html`` for client-side routes.

- A file that exists under the dist directory is served; Vite's content-hashed assets (``assets/``, or a
  ``name-<hash>.ext`` file) are cached for a year as immutable, everything else is revalidated (``no-cache``).
- Any other GET/HEAD path gets ``index.html`` (client-side routing), except paths that look like a file
  (a missing ``.js`` must be a 404, not HTML with a 200).
- Without a build, ``/`` answers a small JSON pointer to the API docs.
"""

from __future__ import annotations

import re
from pathlib import Path

from batchivo_common.errors import NotFound
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from batchivo_gateway.errors import MethodNotAllowed

# The app's pages may run only the app's own scripts (no inline script, no eval), load images from itself
# or data: URLs (the QR labels), and may not be framed (clickjacking). Radix positions popovers with inline
# styles, hence 'unsafe-inline' for styles only. 'wasm-unsafe-eval' lets the app compile WebAssembly (the
# camera's barcode decoder, served from the app's own origin) and nothing else: JavaScript eval stays off.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline';"
        " img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';"
        " form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASHED = re.compile(r"[.-][A-Za-z0-9_]{8,}\.[A-Za-z0-9]+$")


def cache_control(relative: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    if name == "index.html":
        return REVALIDATE
    if relative.startswith("assets/") or _HASHED.search(name):
        return IMMUTABLE
    return REVALIDATE


class Spa:
    def __init__(self, dist: Path):
        self.dist = dist

    def root(self) -> Path | None:
        """The resolved dist directory when a build with an ``index.html`` is there."""
        root = self.dist.resolve()
        return root if (root / "index.html").is_file() else None

    async def serve(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed("Method not allowed", headers={"Allow": "GET, HEAD"})
        path = request.url.path
        root = self.root()
        if root is None:
            if path == "/":
                return JSONResponse({"service": "batchivo-gateway", "docs": "/api/docs"})
            raise NotFound("Resource not found")
        relative = path.lstrip("/")
        if relative:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                headers = {"Cache-Control": cache_control(relative), **SECURITY_HEADERS}
                return FileResponse(candidate, headers=headers)
            if "." in relative.rsplit("/", 1)[-1]:
                raise NotFound("Resource not found")
        return FileResponse(root / "index.html", headers={"Cache-Control": REVALIDATE, **SECURITY_HEADERS})
