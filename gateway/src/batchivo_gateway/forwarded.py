"""The client's address and scheme, believing ``X-Forwarded-For``/``-Proto`` only from trusted proxies.

uvicorn's own proxy-header handling is off (``proxy_headers=False``): the gateway decides, from
``GATEWAY_TRUSTED_PROXIES`` (CIDRs, default none). The login limits key on this address, so a client that
could choose it could dodge them (docs/adr/0008-login-abuse.md).

``X-Forwarded-For`` is read right to left: each trusted proxy appends the address it saw, so the right-most
entry that is *not* a trusted proxy is the client; anything left of it was written by the client and is
ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Networks = Sequence[IPv4Network | IPv6Network]


@dataclass(frozen=True, slots=True)
class ClientAddress:
    ip: str | None
    scheme: str


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ip_address(value)
    except ValueError:
        return None


def is_trusted(address: str | None, trusted: Networks) -> bool:
    parsed = _parse(address) if address else None
    return parsed is not None and any(parsed in network for network in trusted)


def resolve(
    peer: str | None,
    scheme: str,
    forwarded_for: Sequence[str],
    forwarded_proto: str | None,
    trusted: Networks,
) -> ClientAddress:
    """The client address and scheme of a request from ``peer`` carrying these forwarded headers."""
    if not trusted or not is_trusted(peer, trusted):
        return ClientAddress(peer, scheme)
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            break  # garbage written by the client: stop at the last proxy that is trusted
        client = str(parsed)
        if not any(parsed in network for network in trusted):
            break
    proto = (forwarded_proto or "").split(",")[-1].strip().lower()
    return ClientAddress(client, proto if proto in ("http", "https") else scheme)
