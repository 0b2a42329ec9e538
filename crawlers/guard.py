"""The outbound URL guard: crawlers only ever talk to public internet addresses.

Admins add source URLs and pages redirect wherever they like, so every URL the crawler is about
to request (the first one, every redirect hop, every request a rendered page makes) goes through
``check_url``. A URL is refused when its host is, or resolves to, anything that is not a public
unicast address: loopback, private, link-local (cloud metadata lives at 169.254.169.254),
CGNAT, multicast, reserved, documentation ranges, and those same addresses smuggled inside
IPv6 (IPv4-mapped, 6to4, NAT64). IPv4 hosts are read the way browsers read them
("2130706433", "0x7f.1" and "0177.0.0.1" are all 127.0.0.1).

``resolve_host`` returns the vetted addresses so a connector can connect to exactly what was
checked (no second DNS answer in between: DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

import idna

from core.errors import AppError, TransientError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Awaitable[Sequence[str]]]
"""Host name → the addresses it resolves to (strings); raises ``socket.gaierror``."""

ALLOWED_SCHEMES: Final = frozenset({"http", "https"})
DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# Names that always mean "this machine" or a cloud metadata service, whatever DNS says.
METADATA_HOSTS: Final = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)

_V4: Final = ipaddress.IPv4Network
_V6: Final = ipaddress.IPv6Network
# Checked in order, so the more specific reason wins; anything not is_global is refused anyway.
_REFUSED_V4: Final[tuple[tuple[ipaddress.IPv4Network, str], ...]] = (
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.169.254/32"), "cloud metadata"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("0.0.0.0/8"), "unspecified"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("100.64.0.0/10"), "shared (CGNAT)"),
    (_V4("192.0.0.0/24"), "IETF protocol assignment"),  # 192.0.0.192: Oracle Cloud metadata
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("192.88.99.0/24"), "6to4 relay"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),  # includes 255.255.255.255
)
_REFUSED_V6: Final[tuple[tuple[ipaddress.IPv6Network, str], ...]] = (
    (_V6("::1/128"), "loopback"),
    (_V6("::/128"), "unspecified"),
    (_V6("::/8"), "reserved"),  # includes the deprecated IPv4-compatible ::a.b.c.d
    (_V6("64:ff9b:1::/48"), "local NAT64"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("2001::/23"), "IETF protocol assignment"),  # includes Teredo 2001::/32
    (_V6("fc00::/7"), "private (unique local)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("ff00::/8"), "multicast"),
)
_MAPPED: Final = _V6("::ffff:0:0/96")
_NAT64: Final = _V6("64:ff9b::/96")
_SIX_TO_FOUR: Final = _V6("2002::/16")
_LOOPBACK_V4: Final = _V4("127.0.0.0/8")
_LOOPBACK_V6: Final = ipaddress.IPv6Address("::1")

_LABEL: Final = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_HEX: Final = re.compile(r"^0[xX][0-9a-fA-F]*$")
_OCT: Final = re.compile(r"^0[0-7]+$")
_DEC: Final = re.compile(r"^[0-9]+$")


class Target(NamedTuple):
    """A URL that passed the guard: normalized, with the addresses its host resolved to."""

    url: str
    host: str  # lower-case ASCII name or IP literal (IPv6 without brackets)
    port: int
    addresses: tuple[str, ...]


class UrlRefused(AppError):
    """The crawler will not request this URL; ``reason`` says why, in words."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused {url!r}: {reason}")
        self.url = url
        self.reason = reason


async def system_resolver(host: str) -> Sequence[str]:
    """Resolve with the operating system (``loop.getaddrinfo``), every address family."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def check_url(
    url: str, *, allow_loopback: bool = False, resolver: Resolver = system_resolver
) -> str:
    """Return ``url`` normalized if the crawler may request it; raise ``UrlRefused`` if not.

    The normalized URL has a lower-case scheme, an ASCII (IDNA) host, IPv4 hosts in dotted
    form, no default port and no fragment: request that string, not the original.
    """
    return (await check_target(url, allow_loopback=allow_loopback, resolver=resolver)).url


async def check_target(
    url: str, *, allow_loopback: bool = False, resolver: Resolver = system_resolver
) -> Target:
    """Like ``check_url``, also returning the host, port and vetted addresses to connect to."""
    scheme, host, port, path, query = _split(url)
    addresses = await resolve_host(host, allow_loopback=allow_loopback, resolver=resolver, url=url)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    normalized = urlunsplit((scheme, netloc, path or "/", query, ""))
    return Target(normalized, host, port or DEFAULT_PORTS[scheme], addresses)


async def check_redirect(
    current: str,
    location: str,
    *,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
) -> str:
    """The next hop of a redirect from ``current``, checked like any other URL."""
    return await check_url(
        urljoin(current, location.strip()), allow_loopback=allow_loopback, resolver=resolver
    )


async def resolve_host(
    host: str,
    *,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
    url: str | None = None,
) -> tuple[str, ...]:
    """The addresses ``host`` stands for, if every one of them may be contacted.

    ``host`` is a bare name or IP literal (IPv6 without brackets), as found in a URL.
    """
    shown = url if url is not None else host
    name = host.lower().rstrip(".")
    literal = _literal_ip(name, shown)
    if literal is not None:
        _refuse_address(literal, allow_loopback, shown)
        return (str(literal),)
    if name == "localhost" or name.endswith(".localhost"):
        if not allow_loopback:
            raise UrlRefused(shown, f"{name} is this machine (loopback)")
    elif name in METADATA_HOSTS:
        raise UrlRefused(shown, f"{name} is a cloud metadata service")
    try:
        answers = await resolver(name)
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:
            raise TransientError(f"cannot resolve {name} right now: {exc}") from exc
        raise UrlRefused(shown, f"{name} does not resolve") from exc
    if not answers:
        raise UrlRefused(shown, f"{name} does not resolve")
    addresses: list[str] = []
    for answer in answers:
        try:
            address = ipaddress.ip_address(answer.split("%", 1)[0])
        except ValueError as exc:
            raise UrlRefused(shown, f"{name} resolves to {answer!r}, not an address") from exc
        _refuse_address(address, allow_loopback, shown, via=name)
        if str(address) not in addresses:
            addresses.append(str(address))
    return tuple(addresses)


def address_refusal(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why the crawler must not contact ``address`` ("private", "loopback", ...), or None."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = address_refusal(embedded, allow_loopback=allow_loopback)
        return None if reason is None else f"{reason} (embedded in {address})"
    if allow_loopback and (
        (isinstance(address, ipaddress.IPv4Address) and address in _LOOPBACK_V4)
        or address == _LOOPBACK_V6
    ):
        return None
    if isinstance(address, ipaddress.IPv4Address):
        for network4, reason in _REFUSED_V4:
            if address in network4:
                return reason
    else:
        for network6, reason in _REFUSED_V6:
            if address in network6:
                return reason
    if not address.is_global or address.is_multicast or address.is_reserved:
        return "not a public address"
    return None


# ---------------------------------------------------------------------- parsing


def _split(url: str) -> tuple[str, str, int | None, str, str]:
    text = url.strip()
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in text) or "\\" in text:
        raise UrlRefused(url, "whitespace, control characters or backslashes in the URL")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise UrlRefused(url, f"unparseable URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UrlRefused(url, f"scheme {scheme or '(none)'!r} is not http or https")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(url, "credentials in the URL")
    try:
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(url, "invalid port") from exc
    raw_host = parts.hostname
    if not raw_host:
        raise UrlRefused(url, "no host")
    return scheme, _normalize_host(raw_host, url), port, parts.path, parts.query


def _normalize_host(raw: str, url: str) -> str:
    if "%" in raw:
        raise UrlRefused(url, "percent-encoding or a zone id in the host")
    literal = _literal_ip(raw, url)
    if literal is not None:
        return str(literal)
    host = raw.rstrip(".")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise UrlRefused(url, f"invalid international host name: {exc}") from exc
    host = host.lower()
    if len(host) > 253 or not all(_LABEL.match(label) for label in host.split(".")):
        raise UrlRefused(url, f"invalid host name {raw!r}")
    return host


def _literal_ip(host: str, url: str) -> IPAddress | None:
    """An IP written as the host (in any notation browsers accept), or None for a name."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise UrlRefused(url, f"invalid IPv6 address {host!r}") from exc
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    last = parts[-1]
    # The WHATWG URL rule: a host whose last label is a number is an IPv4 address or invalid.
    if not (_DEC.match(last) or _HEX.match(last)):
        return None
    if len(parts) > 4:
        raise UrlRefused(url, f"invalid IPv4 address {host!r}")
    numbers = [_ipv4_number(part, host, url) for part in parts]
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise UrlRefused(url, f"invalid IPv4 address {host!r}")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str, host: str, url: str) -> int:
    if _HEX.match(part):
        return int(part[2:] or "0", 16)
    if part.startswith("0") and len(part) > 1:
        if not _OCT.match(part):
            raise UrlRefused(url, f"invalid IPv4 address {host!r}")
        return int(part, 8)
    if _DEC.match(part):
        return int(part)
    raise UrlRefused(url, f"invalid IPv4 address {host!r}")


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address in _MAPPED or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return None


def _refuse_address(address: IPAddress, allow_loopback: bool, url: str, via: str = "") -> None:
    reason = address_refusal(address, allow_loopback=allow_loopback)
    if reason is not None:
        target = f"{via} resolves to {address}" if via else f"{address}"
        raise UrlRefused(url, f"{target}: {reason} address")
