"""``/api/docs``: Swagger UI served by the gateway itself, from an installed package, never from a CDN.

The Swagger UI 5 files (``swagger-ui-bundle.js``, ``swagger-ui.css``, ``favicon.png``) come from the static
directory of the ``fastapi-offline`` wheel (only its files are used, not its code). The page and the few
lines that start Swagger UI are the gateway's own, so the page runs no inline script and its Content Security
Policy allows nothing but the gateway's own origin (plus ``data:`` images: Swagger UI's icons are data URLs
in its CSS, and inline styles: its components set ``style`` attributes).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from batchivo_common.errors import NotFound
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

DOCS_PATH = "/api/docs"
OPENAPI_PATH = "/api/openapi.json"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
    " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
    " frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}

#: Files of the package served under /api/docs/ (name → media type).
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}

INIT_JS = f"""\
window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: "{OPENAPI_PATH}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  }});
}});
"""

PAGE = f"""\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Batchivo API</title>
<link rel="icon" type="image/png" href="{DOCS_PATH}/favicon.png">
<link rel="stylesheet" href="{DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="{DOCS_PATH}/swagger-init.js"></script>
</body>
</html>
"""


def assets_dir() -> Path:
    """The static directory of the installed ``fastapi_offline`` package (found without importing it)."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("the fastapi-offline package (Swagger UI files) is not installed")
    return Path(spec.origin).parent / "static"


class SwaggerUi:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or assets_dir()
        missing = [name for name in ASSETS if not (self.directory / name).is_file()]
        if missing:
            raise RuntimeError(f"Swagger UI files missing in {self.directory}: {', '.join(missing)}")

    async def page(self, _: Request) -> Response:
        return HTMLResponse(PAGE, headers=HEADERS)

    async def asset(self, request: Request) -> Response:
        name: str = request.path_params["name"]
        if name == "swagger-init.js":
            return Response(INIT_JS, media_type="text/javascript; charset=utf-8", headers=HEADERS)
        media_type = ASSETS.get(name)
        if media_type is None:
            raise NotFound("Resource not found")
        return FileResponse(self.directory / name, media_type=media_type, headers=HEADERS)
