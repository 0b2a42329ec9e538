"""The URL guard: what the crawler may request, with a fake DNS so no lookup leaves the test."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

import pytest

from core.errors import TransientError
from crawlers.guard import UrlRefused, address_refusal, check_redirect, check_url, resolve_host

DNS: dict[str, tuple[str, ...]] = {
    "jobs.example.com": ("93.184.216.34",),
    "careers.example.org": ("93.184.216.35", "2606:2800:220:1:248:1893:25c8:1946"),
    "xn--bcher-kva.example": ("93.184.216.36",),
    "sneaky.example.com": ("93.184.216.34", "10.0.0.5"),  # one bad answer is enough
    "rebind.example.com": ("127.0.0.1",),
    "metadata-alias.example.com": ("169.254.169.254",),
    "v6-private.example.com": ("fd00::1",),
    "mapped.example.com": ("::ffff:192.168.1.1",),
    "cgnat.example.com": ("100.64.0.1",),
    "localhost": ("127.0.0.1", "::1"),
    "app.localhost": ("127.0.0.1",),
    "scoped.example.com": ("fe80::1%eth0",),
}


async def fake_dns(host: str) -> Sequence[str]:
    if host == "flaky.example.com":
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    try:
        return DNS[host]
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


ALLOWED: list[tuple[str, str]] = [
    ("https://jobs.example.com/careers", "https://jobs.example.com/careers"),
    ("HTTPS://JOBS.Example.COM:443/a?b=1#frag", "https://jobs.example.com/a?b=1"),
    ("http://jobs.example.com:8080", "http://jobs.example.com:8080/"),
    ("http://jobs.example.com./x", "http://jobs.example.com/x"),
    ("https://careers.example.org/", "https://careers.example.org/"),
    ("https://bücher.example/jobs", "https://xn--bcher-kva.example/jobs"),
    ("http://93.184.216.34/", "http://93.184.216.34/"),
    ("http://1572395042/", "http://93.184.216.34/"),  # the same address in decimal
    (
        "http://[2606:2800:220:1:248:1893:25c8:1946]/",
        "http://[2606:2800:220:1:248:1893:25c8:1946]/",
    ),
    ("  https://jobs.example.com/x  ", "https://jobs.example.com/x"),
    ("http://1.2.3.0x/", "http://1.2.3.0/"),  # browsers read a bare "0x" as 0
]

REFUSED: list[tuple[str, str]] = [
    ("ftp://jobs.example.com/", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("javascript:alert(1)", "scheme"),
    ("gopher://jobs.example.com:70/", "scheme"),
    ("//jobs.example.com/", "scheme"),
    ("https://user:pw@jobs.example.com/", "credentials"),
    ("https://user@jobs.example.com/", "credentials"),
    ("https://@jobs.example.com/", "credentials"),
    ("http://jobs.example.com\\@127.0.0.1/", "backslash"),
    ("http:///only-a-path", "no host"),
    ("http://jobs.example.com:99999/", "port"),
    ("http://jobs ex.com/", "whitespace"),
    ("http://127.0.0.1/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f.1/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://0177.0.0.1/", "loopback"),
    ("http://017700000001/", "loopback"),
    ("http://0/", "unspecified"),
    ("http://0.0.0.0:8000/", "unspecified"),
    ("http://[::1]/", "loopback"),
    ("http://[::]/", "unspecified"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:7f00:1]/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "metadata"),
    ("http://[64:ff9b::a00:1]/", "private"),  # NAT64 of 10.0.0.1
    ("http://[2002:a9fe:a9fe::]/", "metadata"),  # 6to4 of 169.254.169.254
    ("http://[::127.0.0.1]/", "reserved"),  # deprecated IPv4-compatible form
    ("http://10.0.0.1/", "private"),
    ("http://10.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://172.31.255.255/", "private"),
    ("http://192.168.0.1/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://169.254.1.1/", "link-local"),
    ("http://100.64.0.1/", "CGNAT"),
    ("http://100.100.100.200/", "CGNAT"),  # Alibaba Cloud metadata
    ("http://192.0.0.192/", "IETF"),  # Oracle Cloud metadata
    ("http://224.0.0.1/", "multicast"),
    ("http://255.255.255.255/", "reserved"),
    ("http://240.0.0.1/", "reserved"),
    ("http://198.18.0.1/", "benchmarking"),
    ("http://192.0.2.1/", "documentation"),
    ("http://[fc00::1]/", "unique local"),
    ("http://[fd00:ec2::254]/", "unique local"),  # AWS IPv6 metadata
    ("http://[fe80::1]/", "link-local"),
    ("http://[fe80::1%25eth0]/", "zone id"),
    ("http://[fec0::1]/", "site-local"),
    ("http://[ff02::1]/", "multicast"),
    ("http://[::1/", "unparseable"),
    ("http://１２７.０.０.１/", "loopback"),  # full-width digits fold to 127.0.0.1
    ("http://1.2.3.4.5/", "invalid IPv4"),
    ("http://256.1.1.1/", "invalid IPv4"),
    ("http://09.1.1.1/", "invalid IPv4"),  # not octal, not decimal
    ("http://localhost/", "loopback"),
    ("http://LOCALHOST./", "loopback"),
    ("http://app.localhost:3000/", "loopback"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://metadata/", "metadata"),
    ("http://sneaky.example.com/", "10.0.0.5: private"),
    ("http://rebind.example.com/", "loopback"),
    ("http://metadata-alias.example.com/", "metadata"),
    ("http://v6-private.example.com/", "unique local"),
    ("http://mapped.example.com/", "private"),
    ("http://cgnat.example.com/", "CGNAT"),
    ("http://scoped.example.com/", "link-local"),
    ("http://nxdomain.example.com/", "does not resolve"),
    ("http://exa_mple..com/", "invalid host"),
    ("http://" + "a" * 64 + ".com/", "invalid host"),
]

LOOPBACK_ALLOWED: list[tuple[str, str | None]] = [
    ("http://127.0.0.1:8000/jobs", "http://127.0.0.1:8000/jobs"),
    ("http://127.1/", "http://127.0.0.1/"),
    ("http://0x7f.1/", "http://127.0.0.1/"),
    ("http://[::1]:8000/", "http://[::1]:8000/"),
    ("http://localhost:8000/", "http://localhost:8000/"),
    ("http://rebind.example.com/", "http://rebind.example.com/"),
    # Only loopback opens up: private, link-local and metadata stay refused.
    ("http://10.0.0.1/", None),
    ("http://192.168.1.10/", None),
    ("http://169.254.169.254/", None),
    ("http://[fd00::1]/", None),
    ("http://0.0.0.0/", None),
    ("http://metadata.google.internal/", None),
]


@pytest.mark.parametrize(("url", "expected"), ALLOWED)
async def test_public_urls_are_allowed_and_normalized(url: str, expected: str) -> None:
    assert await check_url(url, resolver=fake_dns) == expected


@pytest.mark.parametrize(("url", "reason"), REFUSED)
async def test_refused_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(UrlRefused) as caught:
        await check_url(url, resolver=fake_dns)
    assert reason.lower() in caught.value.reason.lower()
    assert caught.value.url == url


@pytest.mark.parametrize(("url", "expected"), LOOPBACK_ALLOWED)
async def test_allow_loopback_opens_loopback_only(url: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(UrlRefused):
            await check_url(url, allow_loopback=True, resolver=fake_dns)
    else:
        assert await check_url(url, allow_loopback=True, resolver=fake_dns) == expected


async def test_a_resolver_that_cannot_answer_now_is_transient() -> None:
    with pytest.raises(TransientError):
        await check_url("https://flaky.example.com/", resolver=fake_dns)


async def test_redirect_hops_are_checked_relative_to_the_current_url() -> None:
    here = "https://jobs.example.com/a/b"
    assert (
        await check_redirect(here, "c?d=1", resolver=fake_dns) == "https://jobs.example.com/a/c?d=1"
    )
    assert await check_redirect(here, "//careers.example.org/x", resolver=fake_dns) == (
        "https://careers.example.org/x"
    )
    with pytest.raises(UrlRefused, match="metadata"):
        await check_redirect(here, "http://169.254.169.254/latest/", resolver=fake_dns)


async def test_resolve_host_returns_the_vetted_addresses() -> None:
    assert await resolve_host("careers.example.org", resolver=fake_dns) == (
        "93.184.216.35",
        "2606:2800:220:1:248:1893:25c8:1946",
    )
    assert await resolve_host("::1", allow_loopback=True, resolver=fake_dns) == ("::1",)


@pytest.mark.parametrize(
    ("address", "allow_loopback", "reason"),
    [
        ("8.8.8.8", False, None),
        ("2001:4860:4860::8888", False, None),
        ("127.0.0.53", False, "loopback"),
        ("127.0.0.53", True, None),
        ("::ffff:127.0.0.1", True, None),
        ("10.0.0.1", True, "private"),
        ("169.254.169.254", False, "cloud metadata"),
    ],
)
def test_address_refusal(address: str, allow_loopback: bool, reason: str | None) -> None:
    ip = ipaddress.ip_address(address)
    assert address_refusal(ip, allow_loopback=allow_loopback) == reason
