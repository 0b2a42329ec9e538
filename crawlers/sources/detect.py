"""Which source an admin-typed link names: a public ATS board (kind and board token) or a page.

Board tokens follow the source modules' conventions: the path segment that names the board
(``boards.greenhouse.io/acme`` → ``acme``), kept in the case it was typed; a Lever site on the EU
instance (``jobs.eu.lever.co/acme``) is ``eu:acme``. Anything else on http(s) is a career page,
returned as a normalized URL. Invalid input raises ``ValueError`` with a message for the admin.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from core.jobs import SourceKind
from crawlers.sources.lever import EU_PREFIX

# Hosts (without "www.") whose first path segment names the board.
_BOARD_HOSTS: dict[str, SourceKind] = {
    "boards.greenhouse.io": SourceKind.GREENHOUSE,
    "job-boards.greenhouse.io": SourceKind.GREENHOUSE,
    "boards.eu.greenhouse.io": SourceKind.GREENHOUSE,
    "job-boards.eu.greenhouse.io": SourceKind.GREENHOUSE,
    "jobs.lever.co": SourceKind.LEVER,
    "jobs.eu.lever.co": SourceKind.LEVER,
    "jobs.ashbyhq.com": SourceKind.ASHBY,
    "apply.workable.com": SourceKind.WORKABLE,
    "careers.smartrecruiters.com": SourceKind.SMARTRECRUITERS,
    "jobs.smartrecruiters.com": SourceKind.SMARTRECRUITERS,
}
# API hosts, for a link copied from a developer tool: the board follows a fixed path.
_API_HOSTS: dict[str, tuple[SourceKind, tuple[str, ...]]] = {
    "boards-api.greenhouse.io": (SourceKind.GREENHOUSE, ("v1", "boards")),
    "api.lever.co": (SourceKind.LEVER, ("v0", "postings")),
    "api.eu.lever.co": (SourceKind.LEVER, ("v0", "postings")),
    "api.ashbyhq.com": (SourceKind.ASHBY, ("posting-api", "job-board")),
    "api.smartrecruiters.com": (SourceKind.SMARTRECRUITERS, ("v1", "companies")),
}
_EU_LEVER_HOSTS = frozenset({"jobs.eu.lever.co", "api.eu.lever.co"})
# Legacy Workable career sites live on {account}.workable.com; these subdomains are Workable's own.
_WORKABLE_OWN = frozenset({"www", "apply", "jobs", "api", "app", "help", "resources", "blog"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def detect_source(url: str) -> tuple[SourceKind, str]:
    """The source kind and board token of an ATS link, or (PAGE, normalized URL) for any page."""
    parts = _split(url)
    host = _host(parts)
    bare = host.removeprefix("www.")
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    if bare in _BOARD_HOSTS:
        kind = _BOARD_HOSTS[bare]
        return kind, _board_token(kind, bare, segments, parts.query)
    if bare in _API_HOSTS:
        kind, prefix = _API_HOSTS[bare]
        token = segments[len(prefix)] if segments[: len(prefix)] == list(prefix) else ""
        return kind, _checked(token, bare, EU_PREFIX if bare in _EU_LEVER_HOSTS else "")
    account, _, domain = bare.partition(".")
    if domain == "workable.com" and account not in _WORKABLE_OWN:
        return SourceKind.WORKABLE, _checked(account, bare)
    return SourceKind.PAGE, _normalized(parts, host)


def _board_token(kind: SourceKind, host: str, segments: list[str], query: str) -> str:
    first = segments[0] if segments else ""
    if kind is SourceKind.GREENHOUSE and first == "embed":
        # boards.greenhouse.io/embed/job_board?for=acme (the iframe a careers page embeds)
        return _checked(parse_qs(query).get("for", [""])[0], host)
    if kind is SourceKind.WORKABLE and first == "j":
        raise ValueError(
            "a Workable job link (apply.workable.com/j/...) does not name the company: "
            "paste the careers page link instead, like https://apply.workable.com/acme"
        )
    if kind is SourceKind.WORKABLE and first == "api" and "accounts" in segments[:-1]:
        return _checked(segments[segments.index("accounts") + 1], host)
    if kind is SourceKind.SMARTRECRUITERS and segments[:2] == ["oneclick-ui", "company"]:
        return _checked(segments[2] if len(segments) > 2 else "", host)
    return _checked(first, host, EU_PREFIX if host in _EU_LEVER_HOSTS else "")


def _checked(token: str, host: str, prefix: str = "") -> str:
    if not token:
        raise ValueError(
            f"the {host} link does not name a board: paste the board's own link, "
            f"like https://{host}/acme"
        )
    if not _TOKEN.match(token):
        raise ValueError(f"{token!r} in the {host} link is not a board name")
    return prefix + token


def _split(url: str) -> SplitResult:
    raw = url.strip()
    if not raw:
        raise ValueError("the link is empty")
    if any(ch.isspace() or not ch.isprintable() for ch in raw):
        raise ValueError(f"a link cannot contain spaces or control characters: {raw!r}")
    scheme = _SCHEME.match(raw)
    after = raw[scheme.end() :] if scheme else ""
    if raw.startswith("//"):
        raw = "https:" + raw
    elif scheme is None or after[:1].isdigit():  # "jobs.lever.co/acme", "example.com:8080/jobs"
        raw = "https://" + raw
    elif scheme[1].lower() not in _DEFAULT_PORTS:
        raise ValueError(f"only http and https links can be crawled, not {scheme[1].lower()}:")
    elif not after.startswith("//"):
        raise ValueError(f"the link {raw!r} is malformed: it should start with https://")
    parts = urlsplit(raw)
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError as exc:
        raise ValueError(f"the link {raw!r} has an invalid port") from exc
    if parts.username is not None or parts.password is not None:
        raise ValueError("a link with a user name or password in it is not accepted")
    return parts


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("the link has no host name")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"{host!r} is not a valid host name") from exc
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{host!r} is not a valid host name")
    if len(labels) < 2 and ascii_host != "localhost":
        raise ValueError(f"{host!r} is not a full domain name (like {host}.com)")
    return ascii_host


def _normalized(parts: SplitResult, host: str) -> str:
    scheme = parts.scheme.lower()
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{parts.port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{parts.path or '/'}{query}"
