"""robots.txt per RFC 9309: one row per (robots.txt, URL) with the answer our crawler must get."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.settings import CrawlSettings
from crawlers.fetch import ROBOTS_MAX_BYTES, RobotsRules, product_token

UA = CrawlSettings().user_agent  # "JobScoutBot/0.1 (+https://github.com/...; jobs crawler)"
SITE = "https://jobs.example"

WILDCARDS = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*q=\nAllow: /search$\n"
PRECEDENCE = (
    "User-agent: *\n"
    "Disallow: /careers\n"
    "Allow: /careers/open\n"  # longer: wins inside /careers/open
    "Disallow: /careers/open/internal\n"  # longer still
    "Allow: /team\n"
    "Disallow: /team\n"  # a tie: Allow wins
    "Disallow: /a*\n"
    "Allow: /ab\n"  # as long as /a* (the "*" counts): a tie, Allow wins
)
GROUPS = (
    "User-agent: *\nDisallow: /\n\n"
    "User-agent: jobscoutbot\nDisallow: /private\n\n"  # our token, any case: this group only
    "User-agent: crawler\nDisallow: /jobs\n\n"  # a word of our User-Agent header, not our token
)


@pytest.mark.parametrize(
    ("robots", "path", "allowed"),
    [
        # "*" matches any run of characters, "$" anchors the end
        (WILDCARDS, "/cv.pdf", False),
        (WILDCARDS, "/files/2024/cv.pdf", False),
        (WILDCARDS, "/cv.pdf?download=1", True),  # "$": the URL does not end in .pdf
        (WILDCARDS, "/cv.pdfx", True),
        (WILDCARDS, "/search?x=1&q=python", False),
        (WILDCARDS, "/search", True),
        (WILDCARDS, "/search/jobs", True),
        # the longest matching rule wins; Allow wins a tie
        (PRECEDENCE, "/careers", False),
        (PRECEDENCE, "/careers/closed", False),
        (PRECEDENCE, "/careers/open", True),
        (PRECEDENCE, "/careers/open/42", True),
        (PRECEDENCE, "/careers/open/internal/1", False),
        (PRECEDENCE, "/team", True),
        (PRECEDENCE, "/axe", False),
        (PRECEDENCE, "/abc", True),
        (PRECEDENCE, "/jobs", True),
        # the group naming our product token, not "*" nor a word of our header
        (GROUPS, "/private/x", False),
        (GROUPS, "/jobs", True),
        (GROUPS, "/", True),
        # empty or odd files
        ("", "/anything", True),
        ("User-agent: *\nDisallow:\n", "/anything", True),
        ("User-agent: *\nDisallow: /\n", "/anything", False),
        ("User-agent: *\nDisallow: /\n", "/robots.txt", True),  # always readable
        ("\ufeffUser-agent: *\r\nDisallow: /x\r\n", "/x/1", False),  # BOM and CRLF
        ("User-agent: *\nDisallow: /caf%C3%A9\n", "/café", False),  # percent-encoding
        ("Disallow: /\n", "/anything", True),  # a rule outside any group applies to nobody
        ("User-agent: *\n# Disallow: /\n", "/anything", True),
    ],
)
def test_rules(robots: str, path: str, allowed: bool) -> None:
    assert RobotsRules.parse(robots.encode()).allows(SITE + path, UA) is allowed


def test_no_robots_txt_allows_everything() -> None:
    rules = RobotsRules()
    assert rules.allows(SITE + "/private", UA)
    assert rules.crawl_delay(UA) is None


@pytest.mark.parametrize(
    ("robots", "delay"),
    [
        ("User-agent: *\nCrawl-delay: 2.5\n", 2.5),  # fractions too (the stdlib read integers)
        ("User-agent: JobScoutBot\nCrawl-delay: 3\n\nUser-agent: *\nCrawl-delay: 9\n", 3.0),
        ("User-agent: *\nCrawl-delay: soon\n", None),
        ("User-agent: *\nCrawl-delay: -1\n", None),
        ("User-agent: *\nDisallow: /x\n", None),
    ],
)
def test_crawl_delay(robots: str, delay: float | None) -> None:
    assert RobotsRules.parse(robots.encode()).crawl_delay(UA) == delay


def test_an_oversized_robots_txt_is_read_up_to_the_cap_by_whole_lines() -> None:
    head = b"User-agent: *\nDisallow: /private\n"
    filler = b"# " + b"x" * 98 + b"\n"
    body = head + filler * ((ROBOTS_MAX_BYTES - len(head)) // len(filler) - 1)
    body += b"#" * (ROBOTS_MAX_BYTES - 16 - len(body) - 1) + b"\n"
    # The rule that straddles the cap would read "Allow: /private/" if cut mid-line.
    body += b"Allow: /private/ok\nDisallow: /late\n"
    assert body[ROBOTS_MAX_BYTES - 16 : ROBOTS_MAX_BYTES] == b"Allow: /private/"
    assert len(body) > ROBOTS_MAX_BYTES
    rules = RobotsRules.parse(body)
    assert not rules.allows(SITE + "/private/ok", UA)  # the cut line was dropped, not half-read
    assert rules.allows(SITE + "/late", UA)  # past the cap: ignored
    assert not rules.allows(SITE + "/private", UA)


@pytest.mark.parametrize(
    ("user_agent", "token"),
    [(UA, "JobScoutBot"), ("JobScoutBot", "JobScoutBot"), ("Foo Bar/1", "Foo"), ("", "")],
)
def test_product_token(user_agent: str, token: str) -> None:
    assert product_token(user_agent) == token


@settings(max_examples=150, deadline=None, database=None)
@given(body=st.binary(max_size=2_000), path=st.text(max_size=50))
def test_any_bytes_parse_and_answer(body: bytes, path: str) -> None:
    rules = RobotsRules.parse(body)
    assert isinstance(rules.allows(SITE + "/" + path, UA), bool)
