"""Rendering e-mails: multipart structure, headers, escaping, languages, long digests (pure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import pytest

from bots.email.render import (
    EMAIL_TEXTS,
    LANGUAGES,
    email_text,
    normalize_address,
    parse_from_address,
    render_code,
    render_digest,
    render_email,
    subject_from,
)
from conversations.match_views import job_card
from core.channels import Button, Reply
from core.domain import Seniority, WorkMode
from core.jobs import Extraction, JobPosting, Location, SourceKind
from core.matches import JobForMatching, LocationFit, Match, Reasons, SalaryFit

TO = "ana@example.com"
FROM = "JobScout <jobs@jobscout.test>"
DOMAIN = "jobscout.test"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
UNSUBSCRIBE = "https://jobscout.test/u/tok123"
APPLY = "https://jobscout.test/r/abc"
EVIL = '<script>alert("x")</script><img src="https://evil.test/p.gif">'


def posting(title: str = "Senior Backend Engineer", company: str = "Acme GmbH") -> JobPosting:
    return JobPosting(
        source_kind=SourceKind.GREENHOUSE,
        extraction=Extraction.ATS_API,
        title=title,
        company=company,
        locations=(Location(country="DE", raw="Remote - Germany"),),
        work_mode=WorkMode.REMOTE,
        seniority=Seniority.SENIOR,
        skills=("Python", "Django"),
    )


MATCH = Match(
    user_key="telegram:4242",
    job_id="job1",
    score=0.87,
    would_send=True,
    reasons=Reasons(
        matched_skills=("Python",),
        missing_skills=("Django",),
        title_match=True,
        salary=SalaryFit.UNKNOWN,
        location=LocationFit.REMOTE,
    ),
)


def card(
    lang: str = "en", *, title: str = "Senior Backend Engineer", job_id: str = "job1"
) -> Reply:
    job = JobForMatching(id=job_id, posting=posting(title=title))
    return job_card(job, MATCH, lang, APPLY)


def mail(reply: Reply, **changes: Any) -> EmailMessage:
    options: dict[str, Any] = {
        "to": TO,
        "lang": "en",
        "subject": "A new job for you",
        "unsubscribe_url": UNSUBSCRIBE,
        "from_address": FROM,
        "message_id_domain": DOMAIN,
        "now": NOW,
        **changes,
    }
    return render_email(reply, **options)


def digest(cards: list[Reply], **changes: Any) -> EmailMessage:
    options: dict[str, Any] = {
        "to": TO,
        "lang": "en",
        "unsubscribe_url": UNSUBSCRIBE,
        "from_address": FROM,
        "message_id_domain": DOMAIN,
        "now": NOW,
        **changes,
    }
    return render_digest(cards, **options)


def code_mail(code: str = "483920", lang: str = "en", **changes: Any) -> EmailMessage:
    options: dict[str, Any] = {
        "to": TO,
        "from_address": FROM,
        "message_id_domain": DOMAIN,
        "now": NOW,
        **changes,
    }
    return render_code(code, lang, **options)


def wire(message: EmailMessage) -> EmailMessage:
    """The message as a mail client reads it: serialized to bytes and parsed back."""
    parsed = BytesParser(policy=default).parsebytes(message.as_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert isinstance(plain, EmailMessage)
    assert isinstance(html, EmailMessage)
    return str(plain.get_content()), str(html.get_content())


KINDS: dict[str, Callable[[], EmailMessage]] = {
    "reply": lambda: mail(card()),
    "digest": lambda: digest([card(), card(job_id="job2")]),
    "code": code_mail,
}


# ------------------------------------------------------------------------------ structure


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_mail_is_multipart_alternative_plain_then_html_in_utf8(kind: str) -> None:
    message = wire(KINDS[kind]())

    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    plain, html = bodies(message)
    assert plain.strip()
    assert html.lstrip().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_images_no_remote_resources_no_tracking(kind: str) -> None:
    _, html = bodies(wire(KINDS[kind]()))

    for needle in ("<img", "src=", "url(", "<link", "<script", "<iframe", "@import"):
        assert needle not in html.lower()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_mail_has_date_message_id_on_our_domain_and_is_marked_automatic(kind: str) -> None:
    message = wire(KINDS[kind]())

    assert message["From"] == FROM
    assert message["To"] == TO
    assert message["Date"] == format_datetime(NOW)
    assert parsedate_to_datetime(message["Date"]) == NOW
    message_id = message["Message-ID"]
    assert message_id.startswith("<")
    assert message_id.endswith(f"@{DOMAIN}>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "en"


def test_two_renderings_of_the_same_reply_get_different_message_ids() -> None:
    ids = {mail(card())["Message-ID"] for _ in range(50)}

    assert len(ids) == 50


def test_a_date_in_another_zone_is_kept_with_its_offset() -> None:
    berlin = NOW.astimezone(timezone(timedelta(hours=1)))

    message = wire(mail(card(), now=berlin))

    assert message["Date"].endswith("+0100")
    assert parsedate_to_datetime(message["Date"]) == NOW


# ------------------------------------------------------------------------------ unsubscribe


@pytest.mark.parametrize(
    ("url", "list_unsubscribe", "one_click"),
    [
        (UNSUBSCRIBE, f"<{UNSUBSCRIBE}>", "List-Unsubscribe=One-Click"),
        # RFC 8058: one-click only with an HTTPS URI; a plain link is still a way out.
        ("http://127.0.0.1:8000/u/tok", "<http://127.0.0.1:8000/u/tok>", None),
        (None, None, None),
    ],
)
def test_list_unsubscribe_headers(
    url: str | None, list_unsubscribe: str | None, one_click: str | None
) -> None:
    for message in (
        wire(mail(card(), unsubscribe_url=url)),
        wire(digest([card()], unsubscribe_url=url)),
    ):
        assert message["List-Unsubscribe"] == list_unsubscribe
        assert message["List-Unsubscribe-Post"] == one_click
        plain, html = bodies(message)
        if url is None:
            assert "/u/" not in plain + html
        else:
            assert url in plain
            assert f'href="{url}"' in html


def test_the_code_mail_has_no_unsubscribe_header() -> None:
    message = wire(code_mail())

    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://jobscout.test/u/a b",
        "https://jobscout.test/u/a>\r\nBcc: x@y.z",
        'https://jobscout.test/u/"x"',
        "ftp://jobscout.test/u",
        "",
    ],
)
def test_an_unsafe_unsubscribe_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="unsubscribe"):
        mail(card(), unsubscribe_url=url)


# ------------------------------------------------------------------------------ content


def test_a_job_card_keeps_its_text_and_apply_link_and_drops_callback_buttons() -> None:
    reply = card()
    callback_labels = [button.label for row in reply.buttons for button in row if not button.url]
    assert callback_labels  # the card does have Save / Why / Not interested

    plain, html = bodies(wire(mail(reply)))

    assert "Senior Backend Engineer" in plain
    assert "Senior Backend Engineer" in html
    assert f"Apply: {APPLY}" in plain
    assert f'href="{APPLY}"' in html
    assert ">Apply</a>" in html
    for label in callback_labels:
        assert label not in plain
        assert label not in html
    assert "m:save:" not in plain + html


def test_markup_in_a_job_title_arrives_inert() -> None:
    reply = card(title=f"Engineer {EVIL} & co")

    plain, html = bodies(wire(mail(reply, subject=f"New: {EVIL}")))

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; co" in html
    assert "<title>New: &lt;script&gt;" in html
    assert EVIL in plain  # plain text is shown as text: nothing to escape


def test_paragraphs_line_breaks_and_links_in_the_text() -> None:
    reply = Reply(text="First line\nsecond line\n\nMore at https://example.org/a?b=1&c=2.")

    plain, html = bodies(wire(mail(reply)))

    assert html.count('<p style="margin:0 0 12px;">First line<br>\nsecond line</p>') == 1
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>.' in html
    )
    assert "First line\nsecond line\n\nMore at https://example.org/a?b=1&c=2." in plain


@pytest.mark.parametrize(
    ("button", "shown"),
    [
        (Button(label="Apply", url=APPLY), True),
        (Button(label="Open", url="javascript:alert(1)"), False),
        (Button(label="Open", url="ftp://files.example.org/x"), False),
        (Button(label="Save", data="m:save:job1"), False),
    ],
)
def test_only_web_links_become_links(button: Button, shown: bool) -> None:
    plain, html = bodies(wire(mail(Reply(text="A job", buttons=((button,),)))))

    assert (button.label in plain) is shown
    assert (f">{button.label}</a>" in html) is shown
    assert "javascript:" not in html


def test_a_subject_with_line_breaks_stays_one_header() -> None:
    message = wire(mail(card(), subject="Hi\r\nBcc: eve@evil.test\n\nmore"))

    assert message["Subject"] == "Hi Bcc: eve@evil.test more"
    assert message["Bcc"] is None
    assert message.get_all("To") == [TO]


def test_non_ascii_subject_and_sender_name_are_encoded_on_the_wire() -> None:
    original = mail(
        card("de"),
        lang="de",
        subject="Neue Jobs für dich – Müller & Söhne 🚀",
        from_address="JobScout Büro <jobs@jobscout.test>",
    )

    raw = original.as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert headers.isascii()
    message = wire(original)
    assert message["Subject"] == "Neue Jobs für dich – Müller & Söhne 🚀"
    assert message["From"].addresses[0].display_name == "JobScout Büro"
    assert "Du erhältst diese E-Mail" in bodies(message)[0]


# ------------------------------------------------------------------------------ languages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_text(lang: str) -> None:
    assert set(EMAIL_TEXTS[lang]) == set(EMAIL_TEXTS["en"])
    assert all(value.strip() for value in EMAIL_TEXTS[lang].values())


@pytest.mark.parametrize(
    ("lang", "subject", "unsubscribe"),
    [
        ("en", "2 new jobs for you", "Unsubscribe"),
        ("de", "2 neue Jobs für dich", "Abmelden"),
        ("es", "2 empleos nuevos para ti", "Darse de baja"),
        ("de-AT", "2 neue Jobs für dich", "Abmelden"),
        ("fr", "2 new jobs for you", "Unsubscribe"),
    ],
)
def test_a_digest_speaks_the_users_language(lang: str, subject: str, unsubscribe: str) -> None:
    message = wire(digest([card(lang), card(lang, job_id="job2")], lang=lang))

    plain, html = bodies(message)
    base = lang.split("-")[0] if lang.split("-")[0] in LANGUAGES else "en"
    assert message["Subject"] == subject
    assert message["Content-Language"] == base
    assert f'<html lang="{base}">' in html
    assert email_text(base, "digest_intro") in plain
    assert email_text(base, "footer") in plain
    assert f">{unsubscribe}</a>" in html


@pytest.mark.parametrize(
    ("count", "subject"), [(1, "1 new job for you"), (3, "3 new jobs for you")]
)
def test_the_digest_subject_counts_the_jobs(count: int, subject: str) -> None:
    cards = [card(job_id=f"job{index}") for index in range(count)]

    assert wire(digest(cards))["Subject"] == subject
    assert wire(digest(cards, subject="Your weekly jobs"))["Subject"] == "Your weekly jobs"


def test_a_long_digest_keeps_every_card_and_every_line_within_smtp_limits() -> None:
    cards = [
        card(title=f"Engineer number {index} " + "x" * 150, job_id=f"j{index}")
        for index in range(60)
    ]

    original = digest(cards)

    assert all(len(line) <= 998 for line in original.as_bytes().split(b"\n"))
    plain, html = bodies(wire(original))
    for index in range(60):
        assert f"Engineer number {index} " in plain
        assert f"Engineer number {index} " in html
    assert html.count(f'href="{APPLY}"') == 60
    assert plain.count(f"Apply: {APPLY}") == 60
    assert html.count(f'href="{UNSUBSCRIBE}"') == 1


def test_a_digest_needs_cards() -> None:
    with pytest.raises(ValueError, match="at least one card"):
        digest([])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_code_mail_shows_the_code_in_both_parts_but_not_in_the_subject(lang: str) -> None:
    message = wire(code_mail("483920", lang))

    plain, html = bodies(message)
    assert "483920" in plain
    assert ">483920</p>" in html
    assert "483920" not in message["Subject"]
    assert message["Subject"] == email_text(lang, "code_subject")
    assert email_text(lang, "code_expiry", minutes=10) in plain


@pytest.mark.parametrize("code", ["", "12 34", "<b>1</b>", "1" * 17, "12\r\n34"])
def test_a_code_that_is_not_a_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="code"):
        code_mail(code)


# ------------------------------------------------------------------------------ addresses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  ana@Example.COM \n", "ana@example.com"),
        ("Ana.Maria+jobs@mail.example.co.uk", "Ana.Maria+jobs@mail.example.co.uk"),
        ("ana@bücher.de", "ana@xn--bcher-kva.de"),
        ("ana@example.com.", "ana@example.com"),
        ("a@b.c\r\nBcc: x@y.z", None),
        ("ana@example.com\nBcc: eve@evil.test", None),
        ("ana@example.com, eve@evil.test", None),
        ("Ana <ana@example.com>", None),
        ("ana @example.com", None),
        ("ana@example", None),
        ("ana@localhost", None),
        ("ana@@example.com", None),
        ("@example.com", None),
        ("ana@", None),
        ("ana..b@example.com", None),
        (".ana@example.com", None),
        ("anä@example.com", None),
        ('"ana"@example.com', None),
        ("ana@[127.0.0.1]", None),
        ("ana@-example.com", None),
        ("ana@example.c0m", None),
        ("ana@exa_mple.com", None),
        ("a" * 65 + "@example.com", None),
        ("ana@" + "a" * 250 + ".com", None),
        ("ana\x00@example.com", None),
        ("", None),
    ],
)
def test_normalize_address(text: str, expected: str | None) -> None:
    assert normalize_address(text) == expected


@pytest.mark.parametrize(
    "to",
    [
        "a@b.c\r\nBcc: x@y.z",
        "Ana <ana@example.com>",
        "ana@example.com, b@example.com",
        " ana@example.com",
    ],
)
def test_render_refuses_anything_but_one_plain_address(to: str) -> None:
    with pytest.raises(ValueError, match="address"):
        mail(card(), to=to)


def test_render_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="time zone"):
        mail(card(), now=datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("value", "name", "addr_spec"),
    [
        ("JobScout <jobs@jobscout.test>", "JobScout", "jobs@jobscout.test"),
        ("jobs@jobscout.test", "", "jobs@jobscout.test"),
        ("JobScout <jobs@localhost>", "JobScout", "jobs@localhost"),
        ('"Scout, Job" <jobs@jobscout.test>', "Scout, Job", "jobs@jobscout.test"),
    ],
)
def test_parse_from_address(value: str, name: str, addr_spec: str) -> None:
    address = parse_from_address(value)

    assert (address.display_name, address.addr_spec) == (name, addr_spec)


@pytest.mark.parametrize(
    "value", ["", "JobScout", "a@b.test, c@d.test", "JobScout <jobs@jobscout.test>\r\nBcc: x@y.z"]
)
def test_parse_from_address_refuses_anything_but_one_address(value: str) -> None:
    with pytest.raises(ValueError, match=r"address|lines"):
        parse_from_address(value)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("New jobs", 78, "New jobs"),
        ("  💼 Senior   Engineer\n🏢 Acme ", 78, "💼 Senior Engineer 🏢 Acme"),
        ("one two three four five six", 15, "one two three…"),
        ("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"),
    ],
)
def test_subject_from(text: str, limit: int, expected: str) -> None:
    assert subject_from(text, limit) == expected
