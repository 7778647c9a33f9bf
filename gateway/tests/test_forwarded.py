"""Forwarded headers are believed only from the configured proxy CIDRs."""

from __future__ import annotations

from batchivo_gateway.forwarded import resolve
from batchivo_gateway.settings import parse_networks

TRUSTED = parse_networks("10.0.0.0/8, 192.0.2.7")


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    got = resolve("10.1.2.3", "http", ["203.0.113.9"], "https", ())
    assert (got.ip, got.scheme) == ("10.1.2.3", "http")


def test_an_untrusted_peer_cannot_spoof() -> None:
    got = resolve("198.51.100.4", "http", ["203.0.113.9"], "https", TRUSTED)
    assert (got.ip, got.scheme) == ("198.51.100.4", "http")


def test_the_right_most_untrusted_hop_is_the_client() -> None:
    # The client sent "1.1.1.1" itself; the ingress (192.0.2.7) appended what it saw, then 10.x forwarded.
    got = resolve("10.0.0.5", "http", ["1.1.1.1, 203.0.113.9", "192.0.2.7"], "https", TRUSTED)
    assert (got.ip, got.scheme) == ("203.0.113.9", "https")


def test_garbage_stops_at_the_last_trusted_hop() -> None:
    assert resolve("10.0.0.5", "http", ["not-an-ip"], None, TRUSTED).ip == "10.0.0.5"
    assert resolve("10.0.0.5", "http", [], None, TRUSTED).ip == "10.0.0.5"
    assert resolve("10.0.0.5", "http", ["[2001:db8::1]:443"], "ftp", TRUSTED).ip == "2001:db8::1"
    assert resolve("10.0.0.5", "http", ["[2001:db8::1]:443"], "ftp", TRUSTED).scheme == "http"
