"""The checks of a chat model's answers against the page it read (issue 11), as tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawlers.llm_checks import (
    ATS_DOMAINS,
    Checked,
    PageEvidence,
    check_apply_url,
    check_company,
    check_dates,
    check_description,
    is_known_ats,
    page_evidence,
    registrable_domain,
)
from crawlers.normalize.dates import resolve_date
from crawlers.sources.detect import detect_source
from crawlers.sources.page import page_text

TODAY = date(2026, 11, 16)
URL = "https://careers.acme-tools.example/jobs/42"
HTML = (
    "<html><head><title>Welder (m/w/d) – Jobs</title>"
    '<meta property="og:site_name" content="ACME Werkzeuge">'
    '<script type="application/ld+json">'
    '{"@context": "https://schema.org", "@type": "Corporation", "name": "Acme Tools GmbH",'
    ' "datePublished": "2026-09-01"}</script>'
    "</head><body><main><h1>Welder (m/w/d)</h1>"
    "<p>Müller & Söhne Fertigung sucht Verstärkung in Köln.</p>"
    "<p>You weld steel frames for agricultural machines, in two shifts, on a team of six.</p>"
    '<p>Posted <time datetime="2026-10-12">12 October</time></p>'
    '<a href="https://partner.example/acme">Our partner</a></main></body></html>'
)


def evidence(html: str = HTML, url: str = URL) -> PageEvidence:
    return page_evidence(html, url, page_text(html, base_url=url))


PAGE = evidence()


@pytest.mark.parametrize(
    ("company", "note", "failed"),
    [
        (None, None, False),
        ("", None, False),
        ("  ", None, False),
        ("Müller & Söhne Fertigung", "LLM, found in the page text", False),
        ("MUELLER", "LLM, NOT on the page: check", True),  # folding never spells umlauts out
        ("muller & sohne fertigung", "LLM, found in the page text", False),  # folded
        ("Söhne", "LLM, found in the page text", False),  # a whole word of the text
        ("Söh", "LLM, NOT on the page: check", True),  # not a part of one
        ("ACME Werkzeuge", "LLM, the site's own name", False),  # og:site_name
        ("Acme Tools GmbH", "LLM, the site's own name", False),  # JSON-LD Organization
        ("Acme Tools", "LLM, the site's own name", False),  # part of the Organization's name
        ("ACME Werkzeuge GmbH & Co. KG", "LLM, the site's own name", False),  # holds it
        ("AcmeTools", "LLM, the page's domain", False),  # acme-tools.example
        ("Example", "LLM, NOT on the page: check", True),  # only in a link's target
        ("Globex Corporation", "LLM, NOT on the page: check", True),
    ],
)
def test_company(company: str | None, note: str | None, failed: bool) -> None:
    assert check_company(company, PAGE) == Checked(company or None, note, failed)


def test_company_by_domain_needs_a_real_domain() -> None:
    on_ip = evidence("<p>Hello</p>", "http://127.0.0.1:8080/jobs")

    assert check_company("127", on_ip).failed
    assert not check_company("Hello", on_ip).failed


@pytest.mark.parametrize(
    ("link", "kept", "note"),
    [
        (None, None, None),
        ("  ", None, None),
        ("/jobs/42/apply", "https://careers.acme-tools.example/jobs/42/apply", "site"),
        ("https://acme-tools.example/apply#form", "https://acme-tools.example/apply", "site"),
        ("http://www.acme-tools.example/a", "http://www.acme-tools.example/a", "site"),
        *(
            (link, link, "ats")
            for link in (
                "https://boards.greenhouse.io/acme/jobs/1",
                "https://jobs.eu.lever.co/acme/1/apply",
                "https://apply.workable.com/j/ABC123",  # a link detect_source refuses
                "https://acme.jobs.personio.de/job/7",
            )
        ),
        ("https://partner.example/acme", None, "other"),  # shown on the page, still off-site
        ("https://acme-tools.example.evil.example/", None, "other"),
        ("https://greenhouse.io.evil.example/x", None, "other"),
        ("https://evilgreenhouse.io/x", None, "other"),
        ("javascript:alert(1)", None, "bad"),
        ("mailto:jobs@acme-tools.example", None, "bad"),
        ("https://user@acme-tools.example/", None, "bad"),
        ("https://[::1/", None, "bad"),  # invalid IPv6 literal
        ("https://acme-tools.example:99999/", "https://acme-tools.example:99999/", "site"),
        ("https://acme-tools.example/a\u0000b", None, "bad"),
    ],
)
def test_apply_url(link: str | None, kept: str | None, note: str | None) -> None:
    notes = {
        "site": "LLM, on the page's site",
        "other": "LLM, another site, not a known ATS: dropped",
        "bad": "LLM, not a web link: dropped",
    }
    checked = check_apply_url(link, PAGE)

    assert checked.value == kept
    assert checked.failed is (note in ("other", "bad"))
    if note is None:
        assert checked.note is None
    elif note == "ats":
        assert checked.note is not None
        assert checked.note.startswith("LLM, a known ATS (")
    else:
        assert checked.note == notes[note]


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("", ""),
        ("acme.example", "acme.example"),
        ("jobs.acme.example", "acme.example"),
        ("WWW.Acme.Example.", "acme.example"),
        ("jobs.acme.co.uk", "acme.co.uk"),
        ("acme.com.au", "acme.com.au"),
        ("careers.acme.de", "acme.de"),
        ("acme.github.io", "acme.github.io"),  # each customer of a host is its own site
        ("evil.github.io", "evil.github.io"),
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
    ],
)
def test_registrable_domain(host: str, site: str) -> None:
    assert registrable_domain(host) == site


@pytest.mark.parametrize(
    "url",
    [
        "https://boards.greenhouse.io/acme",
        "https://job-boards.eu.greenhouse.io/acme",
        "https://jobs.lever.co/acme",
        "https://jobs.eu.lever.co/acme",
        "https://jobs.ashbyhq.com/acme",
        "https://apply.workable.com/acme",
        "https://acme.workable.com/",
        "https://careers.smartrecruiters.com/Acme",
        "https://api.smartrecruiters.com/v1/companies/acme/postings",
    ],
)
def test_every_board_detect_reads_is_a_known_ats(url: str) -> None:
    kind, _ = detect_source(url)

    assert kind.value != "page"
    assert is_known_ats(url)
    assert registrable_domain(url.split("/")[2]) in ATS_DOMAINS


@pytest.mark.parametrize(
    ("posted", "closes", "kept", "notes"),
    [
        (None, None, (None, None), (None, None)),
        ("2026-10-20", None, ("2026-10-20", None), ("LLM", None)),
        ("2026-10-20", "2026-12-01", ("2026-10-20", "2026-12-01"), ("LLM", "LLM")),
        ("2026-11-17", None, ("2026-11-17", None), ("LLM", None)),  # tomorrow: time zones
        ("2026-11-18", None, (None, None), ("LLM, 2026-11-18 is in the future: dropped", None)),
        ("2099-01-01", None, (None, None), ("LLM, 2099-01-01 is in the future: dropped", None)),
        ("4102444800000", None, (None, None), ("LLM, 2100-01-01 is in the future: dropped", None)),
        (
            "2026-08-31",  # before the page's datePublished
            None,
            (None, None),
            ("LLM, before the page's date 2026-09-01: dropped", None),
        ),
        ("2026-09-01", None, ("2026-09-01", None), ("LLM", None)),
        ("3 days ago", None, ("3 days ago", None), ("LLM", None)),
        ("soon", None, ("soon", None), ("LLM", None)),  # no date: normalizing ignores it
        (
            "2026-10-20",
            "2026-10-19",
            ("2026-10-20", None),
            ("LLM", "LLM, before the posting date: dropped"),
        ),
        ("2026-10-20", "2026-10-20", ("2026-10-20", "2026-10-20"), ("LLM", "LLM")),
        # With the posting date dropped, a closing date is compared with nothing.
        (
            "2099-01-01",
            "2026-12-01",
            (None, "2026-12-01"),
            (
                "LLM, 2099-01-01 is in the future: dropped",
                "LLM",
            ),
        ),
    ],
)
def test_dates(
    posted: str | None,
    closes: str | None,
    kept: tuple[str | None, str | None],
    notes: tuple[str | None, str | None],
) -> None:
    checked_posted, checked_closes = check_dates(posted, closes, PAGE, TODAY)

    assert (checked_posted.value, checked_closes.value) == kept
    assert (checked_posted.note, checked_closes.note) == notes
    assert checked_posted.failed is (kept[0] is None and posted is not None)


def test_a_page_without_dates_only_bounds_the_future() -> None:
    page = evidence("<p>Welder</p>")

    assert page.dates == ()
    assert check_dates("1995-01-01", None, page, TODAY)[0].value == "1995-01-01"


def test_the_pages_own_dates() -> None:
    assert PAGE.dates == (date(2026, 9, 1), date(2026, 10, 12))


@pytest.mark.parametrize(
    ("description", "fallback", "kept", "note"),
    [
        (None, None, None, None),
        ("", None, None, None),
        (
            "You weld steel frames for agricultural machines, in two shifts.",
            None,
            "same",
            "LLM, found in the page text",
        ),
        (
            "YOU WELD STEEL FRAMES for agricultural machines — in two shifts, on a team of six",
            None,
            "same",
            "LLM, found in the page text",
        ),
        ("Köln", None, "same", "LLM, found in the page text"),  # one word
        ("Welder in Berlin", None, None, "LLM, NOT in the page text (0% found): dropped"),
        (
            # 8 of 10 word triples on the page: below 90%
            "You weld steel frames for agricultural machines, in two shifts, earning 90k.",
            None,
            None,
            "LLM, NOT in the page text (80% found): dropped",
        ),
        (
            "Great pay, stock options and a company car.",
            "the page's text",
            "the page's text",
            "LLM, NOT in the page text (0% found): replaced",
        ),
    ],
)
def test_description(
    description: str | None, fallback: str | None, kept: str | None, note: str | None
) -> None:
    checked = check_description(description, PAGE, fallback)

    assert checked.value == (description if kept == "same" else kept)
    assert checked.note == note
    assert checked.failed is (note is not None and "NOT" in note)


# --- never raises ------------------------------------------------------------------------------

texts = st.text(max_size=200)
maybe_texts = st.none() | texts


@settings(max_examples=300, deadline=None)
@given(company=maybe_texts, link=maybe_texts, description=maybe_texts, fallback=maybe_texts)
def test_checks_never_raise_on_any_string(
    company: str | None, link: str | None, description: str | None, fallback: str | None
) -> None:
    check_company(company, PAGE)
    checked = check_apply_url(link, PAGE)
    check_description(description, PAGE, fallback)
    if checked.value is not None:
        assert checked.value.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None)
@given(posted=maybe_texts, closes=maybe_texts, today=st.dates())
@example(posted="9999-12-31", closes="tomorrow", today=date.max)  # no day after date.max
@example(posted="3 months ago", closes="1 January", today=date.min)  # none before date.min
def test_date_checks_never_raise_and_never_keep_a_future_date(
    posted: str | None, closes: str | None, today: date
) -> None:
    checked, _ = check_dates(posted, closes, PAGE, today)

    try:
        found = resolve_date(checked.value, today) if checked.value else None
    except OverflowError:  # "3 months ago" at date.min: no date, kept as text
        found = None
    if found is not None:
        assert found <= today or found - today <= timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(html=texts, url=texts, text=texts)
def test_page_evidence_never_raises(html: str, url: str, text: str) -> None:
    page = page_evidence(html, url, text)

    check_company("Acme", page)
    check_apply_url("/apply", page)
    check_dates("2026-01-01", "2026-02-01", page, TODAY)
    check_description("a b c d", page)
