"""Assertions tests of every service share."""

from __future__ import annotations

from typing import Any

import httpx


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The project's one error shape with the expected status (and code); returns the body.

    401s must also carry ``WWW-Authenticate: Bearer``.
    """
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert {"detail", "code", "status_code"} <= set(body), body
    assert body["status_code"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if code is not None:
        assert body["code"] == code, body
    if status == 401:
        assert response.headers.get("www-authenticate") == "Bearer"
    return body
