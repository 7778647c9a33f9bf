"""Browser mode: the refresh token travels in an httpOnly cookie instead of the JSON body.

A request to register, login, refresh, switch-tenant or logout that carries ``X-Batchivo-Auth: cookie`` is
in browser mode. Token responses then set ``batchivo_refresh`` (HttpOnly, SameSite=Strict,
Path=/api/v1/auth, Max-Age = the refresh token's lifetime, Secure unless configured off) and answer
``refresh_token: null``, so the page's JavaScript never sees the refresh token.

CSRF: the cookie is read only when the custom header is present. A cross-site form or a simple request
cannot carry a custom header (the browser would need a CORS preflight, which the API never grants), and
SameSite=Strict keeps the cookie off cross-site requests anyway. Without the header cookies are ignored.

Pure functions only: the routers decide when to call them.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The request header that selects browser mode, and the one value that does.
MODE_HEADER = "X-Batchivo-Auth"
MODE_COOKIE = "cookie"

REFRESH_COOKIE = "batchivo_refresh"
#: Only the auth endpoints ever receive the cookie.
REFRESH_COOKIE_PATH = "/api/v1/auth"


def is_browser_mode(mode_header: str | None) -> bool:
    """Whether the value of the ``X-Batchivo-Auth`` header (None when absent) selects browser mode."""
    return mode_header is not None and mode_header.strip().lower() == MODE_COOKIE


def refresh_token_from(cookies: Mapping[str, str]) -> str | None:
    """The refresh token in the request's cookies, or None when there is none (or it is empty)."""
    value = cookies.get(REFRESH_COOKIE)
    return value or None


def _cookie(value: str, *, max_age: int, secure: bool) -> str:
    parts = [
        f"{REFRESH_COOKIE}={value}",
        f"Max-Age={max_age}",
        f"Path={REFRESH_COOKIE_PATH}",
        "HttpOnly",
        "SameSite=Strict",
    ]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def refresh_cookie(refresh_token: str, *, max_age: int, secure: bool) -> str:
    """The ``Set-Cookie`` value that stores ``refresh_token`` for ``max_age`` seconds.

    Refresh tokens are URL-safe base64 (``secrets.token_urlsafe``), so they need no quoting.
    """
    return _cookie(refresh_token, max_age=max_age, secure=secure)


def cleared_refresh_cookie(*, secure: bool) -> str:
    """The ``Set-Cookie`` value that deletes the refresh cookie (same name and path, ``Max-Age=0``)."""
    return _cookie("", max_age=0, secure=secure)
