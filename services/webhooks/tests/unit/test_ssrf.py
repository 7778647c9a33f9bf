"""The address and URL checks (pure; the resolver is a stub)."""

from __future__ import annotations

import ipaddress

import pytest
from batchivo_webhooks.ssrf import (
    UrlRefused,
    address_problem,
    check_url_shape,
    host_header,
    pinned_url,
    resolve_checked,
)

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "169.254.1.1",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "::1",
    "::",
    "fd00::1",
    "fc12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "2002:7f00:0001::1",  # 6to4 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "fd00:ec2::254",
]
ALLOWED = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.215.14"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_the_reasons_name_the_kind() -> None:
    assert address_problem(ipaddress.ip_address("169.254.169.254")) == "the cloud metadata address"
    assert address_problem(ipaddress.ip_address("127.0.0.1")) == "a loopback address"
    assert address_problem(ipaddress.ip_address("100.64.0.1")) == "a shared (CGNAT) address"
    assert "in an IPv6 form" in (address_problem(ipaddress.ip_address("::ffff:127.0.0.1")) or "")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com/hook", "WEBHOOK_URL_NOT_HTTPS"),
        ("ftp://example.com/hook", "WEBHOOK_URL_INVALID"),
        ("https://user:pw@example.com/hook", "WEBHOOK_URL_INVALID"),
        ("https:///hook", "WEBHOOK_URL_INVALID"),
        ("https://example.com:99999/", "WEBHOOK_URL_INVALID"),
        ("https://example.com/#frag", "WEBHOOK_URL_INVALID"),
        ("not a url", "WEBHOOK_URL_INVALID"),
    ],
)
def test_url_shapes_refused(url: str, code: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        check_url_shape(url, production=False)
    assert refused.value.code == code


def test_http_only_for_an_allowlisted_host_and_never_in_prod() -> None:
    shape = check_url_shape("http://127.0.0.1:8080/x", production=False, allow_private_hosts={"127.0.0.1"})
    assert shape.allowlisted and shape.port == 8080
    with pytest.raises(UrlRefused):
        check_url_shape("http://127.0.0.1:8080/x", production=True, allow_private_hosts={"127.0.0.1"})
    assert not check_url_shape(
        "https://127.0.0.1/x", production=True, allow_private_hosts={"127.0.0.1"}
    ).allowlisted


def _resolver(mapping: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise OSError("no such host")
        return mapping[host]

    return resolve


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.1"], ["169.254.169.254"], ["::1"], ["fd00::1"], ["::ffff:127.0.0.1"]],
)
async def test_a_name_resolving_to_a_private_address_is_refused(addresses: list[str]) -> None:
    shape = check_url_shape("https://hooks.example.com/in", production=True)
    with pytest.raises(UrlRefused) as refused:
        await resolve_checked(shape, _resolver({"hooks.example.com": addresses}))
    assert refused.value.code == "WEBHOOK_URL_PRIVATE_ADDRESS"


async def test_any_private_address_among_public_ones_refuses() -> None:
    shape = check_url_shape("https://hooks.example.com/in", production=True)
    resolver = _resolver({"hooks.example.com": ["93.184.215.14", "10.0.0.1"]})
    with pytest.raises(UrlRefused):
        await resolve_checked(shape, resolver)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://10.0.0.1/x",
        "https://169.254.169.254/x",
        "https://[::1]/x",
        "https://[fd00::1]/x",
        "https://[::ffff:127.0.0.1]/x",
    ],
)
async def test_a_literal_private_address_is_refused_without_resolving(url: str) -> None:
    shape = check_url_shape(url, production=True)
    with pytest.raises(UrlRefused):
        await resolve_checked(shape, _resolver({}))


async def test_unresolvable_and_public_names() -> None:
    shape = check_url_shape("https://nowhere.example/x", production=True)
    with pytest.raises(UrlRefused) as refused:
        await resolve_checked(shape, _resolver({}))
    assert refused.value.code == "WEBHOOK_URL_UNRESOLVABLE"
    ok = check_url_shape("https://hooks.example.com:8443/in?a=1", production=True)
    address = await resolve_checked(ok, _resolver({"hooks.example.com": ["2606:4700:4700::1111"]}))
    assert pinned_url(ok, address) == "https://[2606:4700:4700::1111]:8443/in?a=1"
    assert host_header(ok) == "hooks.example.com:8443"


async def test_the_allowlist_lets_a_local_receiver_through() -> None:
    shape = check_url_shape("http://localhost:9/x", production=False, allow_private_hosts={"localhost"})
    address = await resolve_checked(shape, _resolver({"localhost": ["127.0.0.1"]}))
    assert pinned_url(shape, address) == "http://127.0.0.1:9/x"
    assert host_header(shape) == "localhost:9"


def test_an_https_attempt_connects_to_the_checked_address_with_the_name_for_host_and_sni() -> None:
    from batchivo_webhooks.dispatch import pinned_target

    shape = check_url_shape("https://Hooks.Example.com/in?x=1", production=True)
    url, host, extensions = pinned_target(shape, ipaddress.ip_address("93.184.215.14"))
    assert (url, host, extensions) == (
        "https://93.184.215.14/in?x=1",
        "hooks.example.com",
        {"sni_hostname": "hooks.example.com"},
    )
    plain = check_url_shape("http://127.0.0.1:8080/x", production=False, allow_private_hosts={"127.0.0.1"})
    assert pinned_target(plain, ipaddress.ip_address("127.0.0.1")) == (
        "http://127.0.0.1:8080/x",
        "127.0.0.1:8080",
        {},
    )
