"""The gateway's own failures, in the project's error format (see batchivo_common.errors)."""

from __future__ import annotations

from batchivo_common.errors import AppError


class UpstreamError(AppError):
    """The service answered with something that is not HTTP, or broke the connection."""

    status_code, code = 502, "UPSTREAM_ERROR"


class UpstreamTimeout(AppError):
    status_code, code = 504, "UPSTREAM_TIMEOUT"


class PayloadTooLarge(AppError):
    status_code, code = 413, "PAYLOAD_TOO_LARGE"


class MethodNotAllowed(AppError):
    status_code, code = 405, "METHOD_NOT_ALLOWED"
