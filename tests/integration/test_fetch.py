"""The polite fetcher against a real career site on loopback: robots, validators, retries."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

from core.errors import RateLimited, TransientError
from core.settings import CrawlSettings
from crawlers.fetch import (
    DisallowedByRobots,
    FetchFailed,
    HttpFetcher,
    ResponseTooLarge,
    Validators,
)
from crawlers.guard import UrlRefused
from tests.fakes.career_site import CareerSite

# One site and one event loop for the module: starting and stopping uvicorn per test costs more
# than the tests themselves. Each test gets the site reset.
pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

PAGE = "<html><body><h1>Jobs</h1><a href='/jobs/1'>Backend Engineer</a></body></html>"
LIMIT = 64 * 1024

FetcherFactory = Callable[..., HttpFetcher]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_site() -> AsyncIterator[CareerSite]:
    async with CareerSite() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def site(running_site: CareerSite) -> CareerSite:
    running_site.reset()
    running_site.add_page("/careers", PAGE)
    return running_site


@pytest_asyncio.fixture(loop_scope="module")
async def make_fetcher() -> AsyncIterator[FetcherFactory]:
    fetchers: list[HttpFetcher] = []

    def make(*, sleep: Any = asyncio.sleep, resolver: Any = None, **overrides: Any) -> HttpFetcher:
        values: dict[str, Any] = {
            "allow_loopback": True,
            "per_domain_delay_s": 0.0,
            "per_domain_concurrency": 2,
            "request_timeout_s": 2.0,
            "max_response_bytes": LIMIT,
        }
        fetcher_args = ("clock", "robots_ttl_s", "robots_retry_s")
        extra: dict[str, Any] = {k: overrides.pop(k) for k in fetcher_args if k in overrides}
        values.update(overrides)
        if resolver is not None:
            extra["resolver"] = resolver
        fetcher = HttpFetcher(
            CrawlSettings(**values),
            attempts=3,
            backoff_s=0.01,
            backoff_max_s=0.02,
            retry_after_cap_s=5.0,
            sleep=sleep,
            **extra,
        )
        fetchers.append(fetcher)
        return fetcher

    yield make
    for fetcher in fetchers:
        await fetcher.close()


def paths(site: CareerSite) -> list[str]:
    return [request.path for request in site.requests]


# ---------------------------------------------------------------------- robots.txt


async def test_robots_disallow_refuses_without_fetching_the_page(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/private/jobs", PAGE)
    fetcher = make_fetcher()
    with pytest.raises(DisallowedByRobots):
        await fetcher.fetch(site.url("/private/jobs"))
    assert paths(site) == ["/robots.txt"]


async def test_robots_is_fetched_once_per_origin_and_names_our_user_agent(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/other", PAGE)
    fetcher = make_fetcher()
    await asyncio.gather(
        fetcher.fetch(site.url("/careers")),
        fetcher.fetch(site.url("/other")),
        fetcher.fetch(site.url("/careers")),
    )
    assert paths(site).count("/robots.txt") == 1
    assert sorted(paths(site)) == ["/careers", "/careers", "/other", "/robots.txt"]
    assert fetcher.requests_made == {"127.0.0.1": 4}
    user_agent = CrawlSettings().user_agent
    assert {request.headers["user-agent"] for request in site.requests} == {user_agent}


async def test_robots_rules_for_our_bot_by_name(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.robots = "User-agent: JobScoutBot\nDisallow: /careers\n\nUser-agent: *\nDisallow:\n"
    with pytest.raises(DisallowedByRobots):
        await make_fetcher().fetch(site.url("/careers"))


async def test_missing_robots_allows_everything(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.robots = None
    site.add_page("/private/jobs", PAGE)
    result = await make_fetcher().fetch(site.url("/private/jobs"))
    assert result.status == 200
    assert [(r.path, r.status) for r in site.requests] == [
        ("/robots.txt", 404),
        ("/private/jobs", 200),
    ]


class ManualClock:
    """The fetcher's robots.txt clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


async def test_unavailable_robots_disallows_everything_for_a_while(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    clock = ManualClock()
    fetcher = make_fetcher(clock=clock, robots_retry_s=300.0)
    site.fail_next("/robots.txt", 3, 503)
    with pytest.raises(TransientError, match=r"robots\.txt"):
        await fetcher.fetch(site.url("/careers"))
    assert paths(site) == ["/robots.txt"] * 3  # retried, and the page was never requested
    clock.now += 299
    with pytest.raises(TransientError, match=r"robots\.txt unavailable"):
        await fetcher.fetch(site.url("/careers"))  # still "disallow all": not even asked
    assert paths(site) == ["/robots.txt"] * 3
    clock.now += 2
    result = await fetcher.fetch(site.url("/careers"))  # robots.txt is back: crawl again
    assert result.status == 200
    assert paths(site) == ["/robots.txt"] * 4 + ["/careers"]


async def test_an_expired_robots_txt_is_kept_while_the_site_cannot_serve_a_new_one(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    clock = ManualClock()
    fetcher = make_fetcher(clock=clock, robots_ttl_s=100.0, robots_retry_s=300.0)
    site.add_page("/private/jobs", PAGE)
    assert (await fetcher.fetch(site.url("/careers"))).status == 200
    clock.now += 101  # expired: ask again, but the site fails (RFC 9309 2.4: keep the copy)
    site.fail_next("/robots.txt", 3, 500)
    assert (await fetcher.fetch(site.url("/careers"))).status == 200
    with pytest.raises(DisallowedByRobots):
        await fetcher.fetch(site.url("/private/jobs"))
    assert paths(site).count("/robots.txt") == 1 + 3


async def test_robots_wildcards_and_longest_match_over_http(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.robots = (
        "User-agent: *\nDisallow: /*.json$\nDisallow: /jobs/\nAllow: /jobs/open/\n"
    )
    for path in ("/feed.json", "/feed.json?v=2", "/jobs/1", "/jobs/open/1"):
        site.add_page(path, PAGE)
    fetcher = make_fetcher()
    for path in ("/feed.json", "/jobs/1"):
        with pytest.raises(DisallowedByRobots):
            await fetcher.fetch(site.url(path))
    for path in ("/feed.json?v=2", "/jobs/open/1"):
        assert (await fetcher.fetch(site.url(path))).status == 200
    assert paths(site) == ["/robots.txt", "/feed.json", "/jobs/open/1"]


async def test_an_oversized_robots_txt_is_read_up_to_the_cap(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    filler = "# " + "x" * 1_000 + "\n"
    site.robots = "User-agent: *\nDisallow: /early\n" + filler * 600 + "Disallow: /late\n"
    site.add_page("/early", PAGE)
    site.add_page("/late", PAGE)
    fetcher = make_fetcher()
    with pytest.raises(DisallowedByRobots):
        await fetcher.fetch(site.url("/early"))
    assert (await fetcher.fetch(site.url("/late"))).status == 200  # past 512 KiB: not read


async def test_check_robots_false_skips_robots(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/private/api.json", "{}", content_type="application/json")
    result = await make_fetcher().fetch(site.url("/private/api.json"), check_robots=False)
    assert result.body == b"{}"
    assert result.content_type == "application/json"
    assert paths(site) == ["/private/api.json"]


async def test_crawl_delay_spaces_requests_to_the_host(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.robots = "User-agent: *\nCrawl-delay: 30\n"
    waits: list[float] = []

    async def record(seconds: float) -> None:  # the wait is counted, not slept
        waits.append(seconds)

    # The fetcher spaces requests on its own monotonic clock: the wait is the Crawl-delay less
    # the time since the robots.txt request started, which lies within this whole fetch. So
    # the bounds come from our own reading of that clock, however slow the machine is.
    started = time.monotonic()
    await make_fetcher(sleep=record).fetch(site.url("/careers"))
    took = time.monotonic() - started
    robots, page = site.requests
    assert (robots.path, page.path) == ("/robots.txt", "/careers")
    (wait,) = waits
    assert 30.0 - took <= wait <= 30.0


# ---------------------------------------------------------------------- change detection


async def test_etag_makes_an_unchanged_page_one_304(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/board", PAGE, etag='"v1"')
    fetcher = make_fetcher()
    first = await fetcher.fetch(site.url("/board"))
    assert (first.status, first.etag, first.not_modified) == (200, '"v1"', False)
    assert first.body == PAGE.encode()

    again = await fetcher.fetch(site.url("/board"), first.validators)
    assert again.not_modified
    assert (again.status, again.body, again.etag) == (304, b"", '"v1"')
    assert again.content_hash == first.content_hash  # carried over for the next crawl
    last = site.requests_for("/board")[-1]
    assert last.headers["if-none-match"] == '"v1"'
    assert last.status == 304
    assert paths(site) == ["/robots.txt", "/board", "/board"]  # one request per crawl


async def test_last_modified_makes_an_unchanged_page_one_304(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/board", PAGE, last_modified=datetime(2026, 10, 1, 8, 30, tzinfo=UTC))
    fetcher = make_fetcher()
    first = await fetcher.fetch(site.url("/board"))
    assert first.last_modified == "Thu, 01 Oct 2026 08:30:00 GMT"
    again = await fetcher.fetch(site.url("/board"), first.validators)
    assert (again.status, again.not_modified) == (304, True)
    assert site.requests_for("/board")[-1].headers["if-modified-since"] == first.last_modified


async def test_a_changed_page_comes_back_in_full(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/board", PAGE, etag='"v1"')
    fetcher = make_fetcher()
    first = await fetcher.fetch(site.url("/board"))
    site.add_page("/board", PAGE + "<!-- new job -->", etag='"v2"')
    again = await fetcher.fetch(site.url("/board"), first.validators)
    assert (again.status, again.etag, again.not_modified) == (200, '"v2"', False)
    assert again.content_hash != first.content_hash


async def test_same_body_without_validators_is_not_modified_by_hash(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    fetcher = make_fetcher()
    first = await fetcher.fetch(site.url("/careers"))
    assert first.etag is None
    assert first.last_modified is None
    again = await fetcher.fetch(site.url("/careers"), Validators(content_hash=first.content_hash))
    assert again.status == 200
    assert again.not_modified
    assert "if-none-match" not in site.requests_for("/careers")[-1].headers
    other = await fetcher.fetch(site.url("/careers"), Validators(content_hash="0" * 64))
    assert not other.not_modified


# ---------------------------------------------------------------------- failures and retries


async def test_retries_on_500_then_succeeds(site: CareerSite, make_fetcher: FetcherFactory) -> None:
    site.fail_next("/careers", 2, 500)
    result = await make_fetcher().fetch(site.url("/careers"))
    assert result.status == 200
    assert [r.status for r in site.requests_for("/careers")] == [500, 500, 200]


async def test_persistent_5xx_becomes_a_transient_error(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.fail_next("/careers", 5, 502)
    with pytest.raises(TransientError, match="502 after 3 tries"):
        await make_fetcher().fetch(site.url("/careers"))
    assert len(site.requests_for("/careers")) == 3


async def test_429_retry_after_is_honoured(site: CareerSite, make_fetcher: FetcherFactory) -> None:
    waits: list[float] = []

    async def recording_sleep(seconds: float) -> None:
        waits.append(seconds)  # the clock is the fetcher's port: no need to really wait here

    site.fail_next("/careers", 1, 429, retry_after="3")
    site.fail_next("/other", 1, 503, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")  # past
    site.add_page("/other", PAGE)
    fetcher = make_fetcher(sleep=recording_sleep)
    result = await fetcher.fetch(site.url("/careers"))
    assert result.status == 200
    assert [r.status for r in site.requests_for("/careers")] == [429, 200]
    assert (await fetcher.fetch(site.url("/other"))).status == 200
    assert waits == [3.0, 0.0]


async def test_429_asking_for_longer_than_the_cap_is_left_to_the_queue(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.fail_next("/careers", 1, 429, retry_after="120")
    with pytest.raises(RateLimited) as caught:
        await make_fetcher().fetch(site.url("/careers"))
    assert caught.value.retry_after == 120
    assert len(site.requests_for("/careers")) == 1  # no hammering before the time is up


async def test_429_without_retry_after_backs_off_then_reports_rate_limited(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.fail_next("/careers", 3, 429)
    with pytest.raises(RateLimited):
        await make_fetcher().fetch(site.url("/careers"))
    assert len(site.requests_for("/careers")) == 3


async def test_404_is_a_permanent_failure_without_retries(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    with pytest.raises(FetchFailed) as caught:
        await make_fetcher().fetch(site.url("/gone"))
    assert caught.value.status == 404
    assert not isinstance(caught.value, TransientError)
    assert len(site.requests_for("/gone")) == 1


async def test_a_slow_server_times_out_as_transient(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/slow", PAGE, delay=5)
    fetcher = make_fetcher(request_timeout_s=0.2)
    with pytest.raises(TransientError, match="timed out"):
        await fetcher.fetch(site.url("/slow"))
    assert len(site.requests_for("/slow")) == 3


async def test_oversized_bodies_are_refused(site: CareerSite, make_fetcher: FetcherFactory) -> None:
    site.add_page("/huge", b"x" * (LIMIT + 1))  # announced by Content-Length
    site.add_stream("/endless", b"y" * 8192, repeat=100)  # chunked: found out while reading
    site.add_page("/just-fits", b"z" * LIMIT)
    fetcher = make_fetcher()
    with pytest.raises(ResponseTooLarge):
        await fetcher.fetch(site.url("/huge"))
    with pytest.raises(ResponseTooLarge):
        await fetcher.fetch(site.url("/endless"))
    assert len((await fetcher.fetch(site.url("/just-fits"))).body) == LIMIT


# ---------------------------------------------------------------------- redirects and the guard


async def test_redirects_are_followed_and_the_final_url_reported(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_redirect("/jobs", "/careers", 301)
    result = await make_fetcher().fetch(site.url("/jobs"))
    assert result.url == site.url("/careers")
    assert result.body == PAGE.encode()


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.1/admin",
        "http://[::ffff:192.168.0.1]/",
        "http://0x0a000001/",
        "file:///etc/passwd",
    ],
)
async def test_redirect_to_a_refused_address_is_refused(
    site: CareerSite, make_fetcher: FetcherFactory, target: str
) -> None:
    site.add_redirect("/apply", target)
    with pytest.raises(UrlRefused):
        await make_fetcher().fetch(site.url("/apply"))
    assert paths(site) == ["/robots.txt", "/apply"]


async def test_redirect_into_a_disallowed_path_is_refused(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_page("/private/x", PAGE)
    site.add_redirect("/open", "/private/x")
    with pytest.raises(DisallowedByRobots):
        await make_fetcher().fetch(site.url("/open"))
    assert "/private/x" not in paths(site)


async def test_redirect_loops_stop_after_five_hops(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    site.add_redirect("/a", "/b")
    site.add_redirect("/b", "/a")
    with pytest.raises(FetchFailed, match="more than 5 redirects"):
        await make_fetcher().fetch(site.url("/a"))
    assert len(paths(site)) == 1 + 6


async def test_loopback_is_refused_unless_allowed(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    with pytest.raises(UrlRefused, match="loopback"):
        await make_fetcher(allow_loopback=False).fetch(site.url("/careers"))
    assert site.requests == []


async def test_dns_rebinding_after_the_check_is_refused_at_connect(
    make_fetcher: FetcherFactory,
) -> None:
    answers = iter([("93.184.216.34",), ("10.0.0.7",)])

    async def rebinding_dns(host: str) -> Sequence[str]:
        try:
            return next(answers)
        except StopIteration:
            raise socket.gaierror(socket.EAI_NONAME, "gone") from None

    fetcher = make_fetcher(resolver=rebinding_dns, allow_loopback=False)
    with pytest.raises(UrlRefused, match=r"10\.0\.0\.7"):
        await fetcher.fetch("http://jobs.rebind.example/", check_robots=False)


# ---------------------------------------------------------------------- politeness


async def test_per_domain_concurrency_is_never_exceeded(
    site: CareerSite, make_fetcher: FetcherFactory
) -> None:
    for index in range(8):
        site.add_page(f"/job/{index}", PAGE, delay=0.05)
    fetcher = make_fetcher(per_domain_concurrency=2)
    results = await asyncio.gather(
        *(fetcher.fetch(site.url(f"/job/{index}")) for index in range(8))
    )
    assert all(result.status == 200 for result in results)
    assert site.max_in_flight == 2  # reached, never exceeded
    assert fetcher.requests_made == {"127.0.0.1": 9}
