"""The renderer in Debian's Chromium against the career site on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from core.errors import TransientError
from core.settings import CrawlSettings
from crawlers.fetch import FetchFailed, HttpFetcher
from crawlers.guard import UrlRefused
from crawlers.render import PageRenderer
from tests.fakes.career_site import DEFAULT_JOBS, CareerSite

# One site, one Chromium and one event loop for the module (a launch costs ~0.7 s); tests that
# kill or close the browser use a renderer of their own.
pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="module")]

PAGE_TIMEOUT_S = 1.0

RendererFactory = Callable[..., PageRenderer]


def crawl_settings(**overrides: object) -> CrawlSettings:
    values: dict[str, object] = {
        "allow_loopback": True,
        "per_domain_delay_s": 0.0,
        "page_timeout_s": PAGE_TIMEOUT_S,
        "request_timeout_s": 2.0,
    }
    values.update(overrides)
    return CrawlSettings.model_validate(values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_site() -> AsyncIterator[CareerSite]:
    async with CareerSite() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module")
async def site(running_site: CareerSite) -> CareerSite:
    running_site.reset()
    return running_site


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def renderer() -> AsyncIterator[PageRenderer]:
    async with PageRenderer(crawl_settings(), max_pages=2) as shared:
        yield shared


@pytest_asyncio.fixture(loop_scope="module")
async def make_renderer() -> AsyncIterator[RendererFactory]:
    renderers: list[PageRenderer] = []

    def make(max_pages: int = 2, **overrides: object) -> PageRenderer:
        renderer = PageRenderer(crawl_settings(**overrides), max_pages=max_pages)
        renderers.append(renderer)
        return renderer

    yield make
    for renderer in renderers:
        await renderer.close()


async def test_job_links_appear_only_after_javascript(
    site: CareerSite, renderer: PageRenderer
) -> None:
    async with HttpFetcher(crawl_settings()) as fetcher:
        raw = (await fetcher.fetch(site.url("/jobs-js"))).body.decode()
    html = await renderer.render(site.url("/jobs-js"))
    for job in DEFAULT_JOBS:
        assert job["url"] not in raw
        assert f'<a href="{job["url"]}" class="job">{job["title"]}</a>' in html
    assert 'data-jobs-loaded="3"' in html
    # Chromium introduced itself with our user agent, and its requests went through the proxy.
    assert {r.headers["user-agent"] for r in site.requests_for("/api/jobs.json")} == {
        CrawlSettings().user_agent
    }
    assert renderer.open_contexts == 0


async def test_a_page_that_never_finishes_loading_returns_within_the_timeout(
    site: CareerSite, renderer: PageRenderer
) -> None:
    # The iframe never answers: without the renderer's own timeout this would hang until the
    # test's timeout fails it, so returning at all is the point (no clock is read here).
    html = await renderer.render(site.url("/jobs-js-hanging"))
    assert DEFAULT_JOBS[0]["title"] in html  # what loaded is there
    assert len(site.requests_for("/hang")) == 1  # the iframe that never answers
    assert renderer.open_contexts == 0


async def test_a_document_that_never_arrives_is_transient(
    site: CareerSite, renderer: PageRenderer
) -> None:
    with pytest.raises(TransientError, match="did not answer"):
        await renderer.render(site.url("/hang"))
    assert renderer.open_contexts == 0


async def test_contexts_are_closed_and_pages_bounded(
    site: CareerSite, renderer: PageRenderer
) -> None:
    site.add_page("/slow", "<html><body><a href='/jobs/1'>Job</a></body></html>", delay=0.1)
    launches = renderer.launches
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, renderer.open_contexts)
            await asyncio.sleep(0.01)

    watcher = asyncio.create_task(watch())
    try:
        pages = await asyncio.gather(*(renderer.render(site.url("/slow")) for _ in range(4)))
    finally:
        watcher.cancel()
    assert all("/jobs/1" in html for html in pages)
    assert peak == 2  # max_pages
    assert renderer.open_contexts == 0
    assert renderer.launches == launches  # one Chromium for every page


async def test_close_closes_the_browser(site: CareerSite, make_renderer: RendererFactory) -> None:
    renderer = make_renderer()
    with pytest.raises(FetchFailed):  # a 404 is the quickest way to get Chromium started
        await renderer.render(site.url("/missing"))
    browser = renderer.browser
    assert browser is not None
    assert browser.is_connected()
    await renderer.close()
    assert not browser.is_connected()
    assert renderer.browser is None
    assert renderer.open_contexts == 0


async def test_the_browser_is_restarted_after_it_died(
    site: CareerSite, renderer: PageRenderer
) -> None:
    with pytest.raises(FetchFailed):  # the quickest way to make sure Chromium runs
        await renderer.render(site.url("/missing"))
    launches = renderer.launches
    assert renderer.browser is not None
    await renderer.browser.close()  # as if Chromium had crashed
    html = await renderer.render(site.url("/jobs-js"))
    assert DEFAULT_JOBS[1]["title"] in html
    assert renderer.launches == launches + 1


async def test_refused_urls_never_reach_chromium(make_renderer: RendererFactory) -> None:
    renderer = make_renderer()
    with pytest.raises(UrlRefused):
        await renderer.render("http://169.254.169.254/latest/meta-data/")
    assert renderer.browser is None  # refused before anything was launched


async def test_a_redirect_to_a_refused_address_is_refused(
    site: CareerSite, renderer: PageRenderer
) -> None:
    site.add_redirect("/apply", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(UrlRefused, match="metadata"):
        await renderer.render(site.url("/apply"))


async def test_page_requests_are_guarded_and_media_blocked(
    site: CareerSite, renderer: PageRenderer
) -> None:
    site.add_redirect("/bounce", "http://10.0.0.1/internal")
    site.add_page("/style.css", "body { color: black }", content_type="text/css")
    site.add_page("/logo.png", b"\x89PNG", content_type="image/png")
    site.add_page(
        "/careers",
        "<html><head><link rel='stylesheet' href='/style.css'></head><body>"
        "<img src='/logo.png'><a href='/jobs/1'>Job</a>"
        "<script>"
        "fetch('http://192.168.0.1/router').catch(() => {});"
        "fetch('/bounce').catch(() => {});"
        "</script></body></html>",
    )
    html = await renderer.render(site.url("/careers"))
    assert "/jobs/1" in html
    assert len(site.requests_for("/style.css")) == 1
    assert site.requests_for("/logo.png") == []  # images are never downloaded
    assert len(site.requests_for("/bounce")) == 1
    # The redirect hop is invisible to Playwright's routes; the proxy refused it.
    refused = [target for target, _ in renderer.refused_requests]
    assert "http://10.0.0.1/internal" in refused
    # A direct request to a private address never got that far: the route aborted it.
    assert not any("192.168.0.1" in target for target in refused)


async def test_error_pages_raise(site: CareerSite, renderer: PageRenderer) -> None:
    with pytest.raises(FetchFailed) as caught:
        await renderer.render(site.url("/missing"))
    assert caught.value.status == 404
    site.fail_next("/jobs-js", 1, 503)
    with pytest.raises(TransientError, match="503"):
        await renderer.render(site.url("/jobs-js"))
