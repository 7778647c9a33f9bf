"""Which Spoolman instance an import comes from: the namespace of its spool and filament ids.

Two Spoolman instances both have a spool 7; each must map onto its own spool here. The namespace is
``source`` of ``import_keys`` (``varchar(32)``):

- an import from an instance's API: the instance's base URL, normalised (:func:`instance_url`);
- an uploaded export: the instance name the user gives (form field ``instance``; trimmed, inner spaces
  collapsed, case-insensitive). Without one, the default instance, ``spoolman``. (Keys made before
  instances were told apart are ``spoolman-before-instances``; see the import service for their use.)

A named instance is stored as ``spoolman:`` + the first 22 hex digits (88 bits) of the SHA-256 of
``url:<normalised url>`` or ``name:<folded name>``: a URL does not fit 32 characters, and the digest is
stable, so the same instance always finds its keys. Pure functions.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

DEFAULT_SOURCE = "spoolman"
DIGEST_HEX = 22
INSTANCE_NAME_MAX_LENGTH = 100
_DEFAULT_PORTS = {"http": 80, "https": 443}


def spoolman_base(url: str) -> str:
    """``http://host:7912/``, ``…/api/v1`` or ``…/api/v1/spool`` → ``http://host:7912``."""
    base = url.strip().rstrip("/")
    for suffix in ("/spool", "/api/v1", "/api"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base.rstrip("/")


def instance_url(url: str) -> str:
    """The instance's identity: scheme and host lower-case, the port only when not the scheme's default,
    the path without a trailing slash, no query or fragment (``HTTP://Spoolman.LAN:80/sm/api/v1/`` →
    ``http://spoolman.lan/sm``)."""
    parts = urlsplit(spoolman_base(url))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    return f"{scheme}://{netloc}{path}"


def instance_name(name: str | None) -> str | None:
    """A user's name for an instance, trimmed with inner spaces collapsed; None when blank."""
    if name is None:
        return None
    cleaned = " ".join(name.split())
    return cleaned or None


def _digest(identity: str) -> str:
    return f"{DEFAULT_SOURCE}:{hashlib.sha256(identity.encode()).hexdigest()[:DIGEST_HEX]}"


def source_of_url(url: str) -> str:
    return _digest(f"url:{instance_url(url)}")


def source_of_name(name: str | None) -> str:
    """The namespace of an uploaded export: the default instance without a name."""
    cleaned = instance_name(name)
    return DEFAULT_SOURCE if cleaned is None else _digest(f"name:{cleaned.casefold()}")
