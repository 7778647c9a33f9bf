"""Where a webhook may be sent (docs/adr/0019-webhooks.md, "SSRF").

A URL is refused unless it is ``https`` (plain ``http`` only outside prod and only for an allowlisted host),
has a host and no user info, and EVERY address its host resolves to is public: not loopback, private,
link-local, multicast, reserved, unspecified, shared (CGNAT 100.64.0.0/10), IPv6 unique-local or
site-local, the metadata address, nor an IPv4-mapped/-compatible, 6to4 or Teredo form of any of those.
The check runs when an endpoint is saved and again before every attempt; the attempt then connects to the
very address that was checked (:func:`pinned_url`), so a name that resolves elsewhere the second time
(DNS rebinding) gains nothing.

``check_address`` and ``check_url_shape`` are pure; ``resolve_checked`` resolves through a resolver the
caller passes (the event loop's ``getaddrinfo`` in production, a stub in unit tests).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_BLOCKED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (CGNAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, the metadata address included
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast included
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local (ULA)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)


class UrlRefused(ValueError):
    """Why a URL may not be used; ``code`` is the error code the API answers with."""

    def __init__(self, detail: str, code: str = "WEBHOOK_URL_REFUSED") -> None:
        super().__init__(detail)
        self.detail, self.code = detail, code


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries: mapped (``::ffff:a.b.c.d``), compatible (``::a.b.c.d``),
    NAT64 well-known prefix, 6to4, or Teredo's client."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    packed = ip.packed
    if packed[:12] == bytes(12) and packed[12:] != bytes(4) and packed[12:] != b"\x00\x00\x00\x01":
        return ipaddress.IPv4Address(packed[12:])  # IPv4-compatible (deprecated) ::a.b.c.d
    if ip in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(packed[12:])
    return None


def address_problem(ip: IpAddress) -> str | None:
    """Why ``ip`` may not receive webhooks, or None when it is a public unicast address."""
    if ip in METADATA_ADDRESSES:
        return "the cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "a scoped IPv6 address"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            # The address actually reached is the IPv4 one: its verdict is the verdict.
            return None if problem is None else f"{problem} (in an IPv6 form)"
    for network in _BLOCKED_NETWORKS:
        if ip.version == network.version and ip in network:
            return _describe(ip)
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return _describe(ip)
    return None


def _describe(ip: IpAddress) -> str:
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "the unspecified address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"):
        return "a shared (CGNAT) address"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
        return "an IPv6 unique-local address"
    if ip.is_private:
        return "a private address"
    return "a reserved or non-public address"


def check_address(address: str | IpAddress) -> IpAddress:
    """The parsed address, or :class:`UrlRefused` saying why it is not allowed."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    problem = address_problem(ip)
    if problem is not None:
        raise UrlRefused(f"The URL's host resolves to {ip}, {problem}", "WEBHOOK_URL_PRIVATE_ADDRESS")
    return ip


@dataclass(frozen=True)
class UrlShape:
    parts: SplitResult
    host: str  # lower case, IPv6 without brackets
    port: int
    #: The host is in the test-only allowlist: plain http and private addresses pass.
    allowlisted: bool


def check_url_shape(url: str, *, production: bool, allow_private_hosts: Collection[str] = ()) -> UrlShape:
    """Scheme, host, port and user info of ``url``; no resolution."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("The URL is not valid", "WEBHOOK_URL_INVALID") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UrlRefused("Give an https:// URL with a host name", "WEBHOOK_URL_INVALID")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("A webhook URL may not carry a user name or password", "WEBHOOK_URL_INVALID")
    if parts.fragment:
        raise UrlRefused("A webhook URL may not carry a #fragment", "WEBHOOK_URL_INVALID")
    allowlisted = not production and host in allow_private_hosts
    if parts.scheme == "http" and not allowlisted:
        raise UrlRefused("Webhook URLs must use https", "WEBHOOK_URL_NOT_HTTPS")
    default_port = 443 if parts.scheme == "https" else 80
    return UrlShape(parts, host, port or default_port, allowlisted)


Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (TCP)."""
    infos: list[Any] = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_checked(shape: UrlShape, resolver: Resolver = system_resolver) -> IpAddress:
    """The address to connect to: ``shape.host`` resolved, every address checked (ANY bad one refuses the
    URL: a receiver must not be reachable on a private address at all), the first one returned."""
    try:
        literal: IpAddress | None = ipaddress.ip_address(shape.host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses: list[IpAddress] = [literal]
    else:
        try:
            resolved = await resolver(shape.host, shape.port)
        except (OSError, UnicodeError):
            raise UrlRefused(f"{shape.host} does not resolve", "WEBHOOK_URL_UNRESOLVABLE") from None
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
        if not addresses:
            raise UrlRefused(f"{shape.host} does not resolve", "WEBHOOK_URL_UNRESOLVABLE")
    if not shape.allowlisted:
        for ip in addresses:
            check_address(ip)
    return addresses[0]


def pinned_url(shape: UrlShape, address: IpAddress) -> str:
    """``shape``'s URL with its host replaced by the checked address (the Host header and TLS SNI still
    name the original host: see ``dispatch.send``)."""
    host = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    default_port = 443 if shape.parts.scheme == "https" else 80
    netloc = host if shape.port == default_port else f"{host}:{shape.port}"
    return urlunsplit((shape.parts.scheme, netloc, shape.parts.path or "/", shape.parts.query, ""))


def host_header(shape: UrlShape) -> str:
    default_port = 443 if shape.parts.scheme == "https" else 80
    host = f"[{shape.host}]" if ":" in shape.host else shape.host
    return host if shape.port == default_port else f"{host}:{shape.port}"
