"""Rendering a Reply for WhatsApp: every Meta limit, with today's too-long labels (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from bots.whatsapp.render import (
    MAX_BODY_WITH_BUTTONS,
    MAX_BUTTON_TITLE,
    MAX_CAPTION,
    MAX_LIST_BUTTON,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_TITLE,
    MAX_TEXT,
    Rendered,
    render,
    shorten,
    template_message,
    unique_titles,
    units,
)
from conversations.texts import t
from core.channels import Button, OutgoingDocument, Reply


def choices(*labels: str) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(label=label, data=f"opt:{index}"),) for index, label in enumerate(labels))


def interactive(rendered: Rendered) -> dict[str, Any]:
    payload = rendered.messages[-1].payload
    assert payload["type"] == "interactive"
    content: dict[str, Any] = payload["interactive"]
    return content


def texts(rendered: Rendered) -> list[str]:
    return [m.payload["text"]["body"] for m in rendered.messages if m.payload["type"] == "text"]


# ------------------------------------------------------------------------------ shorten


@pytest.mark.parametrize(
    ("label", "limit", "expected"),
    [
        ("Save", 20, "Save"),
        ("Yes, delete everything", 20, "Yes, delete…"),
        ("Wöchentlich gesammelt", 20, "Wöchentlich…"),
        ("¿Por qué este empleo?", 20, "¿Por qué este…"),
        ("Ich habe mich beworben", 20, "Ich habe mich…"),
        ("Alles widerrufen und löschen", 24, "Alles widerrufen und…"),
        ("Detener mensajes de empleo", 24, "Detener mensajes de…"),
        ("Einladungzumvorstellungsgespräch", 20, "Einladungzumvorstel…"),
        ("  two\nlines  ", 20, "two lines"),
        ("🚀" * 15, 20, "🚀" * 9 + "…"),
    ],
)
def test_shorten(label: str, limit: int, expected: str) -> None:
    shortened = shorten(label, limit)

    assert shortened == expected
    assert units(shortened) <= limit


def test_unique_titles_stay_within_the_limit_and_differ() -> None:
    labels = ["Jobs at Acme Corporation GmbH", "Jobs at Acme Corporation Inc", "Jobs", "jobs"]

    titles = unique_titles(labels, MAX_BUTTON_TITLE)

    assert titles == ["Jobs at Acme…", "Jobs at Acme… (2)", "Jobs", "jobs (2)"]
    assert all(units(title) <= MAX_BUTTON_TITLE for title in titles)
    assert len({title.casefold() for title in titles}) == len(titles)


# ------------------------------------------------------------------------- every label


LANGS = ("en", "de", "es")
CHOICE_KEYS = [
    ("btn_delete_yes", "btn_delete_no"),
    ("btn_instant", "btn_daily", "btn_weekly"),
    ("btn_withdraw_messages", "btn_withdraw_all"),
    ("btn_consent_yes", "btn_consent_no"),
    ("btn_resume_ok", "btn_fix_skills", "btn_fix_title", "btn_fix_years"),
    (
        "btn_menu_prefs",
        "btn_menu_resume",
        "btn_menu_frequency",
        "btn_menu_pause",
        "btn_menu_language",
        "btn_menu_privacy",
        "btn_menu_export",
        "btn_menu_delete",
    ),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("keys", CHOICE_KEYS, ids=lambda keys: keys[0])
def test_todays_labels_fit_in_every_language(lang: str, keys: tuple[str, ...]) -> None:
    labels = [t(lang, key) for key in keys]
    reply = Reply(text="Question?", buttons=choices(*labels))

    content = interactive(render(reply))

    if len(labels) <= 3:
        titles = [b["reply"]["title"] for b in content["action"]["buttons"]]
        assert content["type"] == "button"
        assert all(units(title) <= MAX_BUTTON_TITLE for title in titles)
    else:
        rows = content["action"]["sections"][0]["rows"]
        titles = [row["title"] for row in rows]
        assert content["type"] == "list"
        assert all(units(title) <= MAX_ROW_TITLE for title in titles)
        for row, label in zip(rows, labels, strict=True):
            # The full label is readable where the title had to be cut.
            assert row.get("description", row["title"]) == label
    assert len(set(titles)) == len(titles)


def test_too_long_labels_are_cut_and_ids_kept() -> None:
    reply = Reply(
        text="Really delete?",
        buttons=(
            (Button(label="Yes, delete everything", data="delete:yes"),),
            (Button(label="No, keep my data", data="delete:no"),),
        ),
    )

    content = interactive(render(reply))

    assert content["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "delete:yes", "title": "Yes, delete…"}},
        {"type": "reply", "reply": {"id": "delete:no", "title": "No, keep my data"}},
    ]


# ------------------------------------------------------------------------ text and body


def test_plain_text() -> None:
    rendered = render(Reply(text="hello"))

    assert [m.payload for m in rendered.messages] == [
        {"type": "text", "text": {"body": "hello", "preview_url": False}}
    ]
    assert rendered.numbered == ()


@pytest.mark.parametrize(
    "text",
    ["a\n\nb" * 3000, "line\n" * 2000, "word " * 2000, "x" * 4097, "ab🚀" * 2000, "é" * 9000],
)
def test_long_text_is_split_within_the_limit(text: str) -> None:
    pieces = texts(render(Reply(text=text)))

    assert len(pieces) >= 2
    assert "".join(pieces) == text
    assert all(units(piece) <= MAX_TEXT for piece in pieces)


def test_blank_reply_renders_nothing() -> None:
    assert render(Reply(text=" \n ")).messages == ()


def test_buttons_need_text() -> None:
    with pytest.raises(ValueError, match="needs text"):
        render(Reply(text=" ", buttons=choices("A")))


def test_long_body_with_buttons_moves_its_beginning_into_a_text_message() -> None:
    paragraphs = [f"Paragraph {n}: " + "lorem ipsum dolor " * 12 for n in range(10)]
    text = "\n\n".join(paragraphs)
    assert units(text) > MAX_BODY_WITH_BUTTONS

    rendered = render(Reply(text=text, buttons=choices("Yes", "No")))

    before = texts(rendered)
    body = interactive(rendered)["body"]["text"]
    assert units(body) <= MAX_BODY_WITH_BUTTONS
    assert before
    assert before[-1].endswith("\n\n")  # cut at a paragraph
    assert "".join(before) + body == text.rstrip()


def test_list_body_may_be_long() -> None:
    text = "word " * 500  # 2,500: over a button body's limit, within a list's
    rendered = render(Reply(text=text, buttons=choices(*"ABCDE")))

    assert len(rendered.messages) == 1
    assert interactive(rendered)["body"]["text"] == text.strip()


# ------------------------------------------------------------------- lists and numbers


@pytest.mark.parametrize("count", [4, 7, 10])
def test_four_to_ten_choices_become_a_list(count: int) -> None:
    labels = [f"Option {n}" for n in range(count)]
    rendered = render(Reply(text="Pick one", buttons=choices(*labels)), list_button="Wählen")

    content = interactive(rendered)
    assert content["type"] == "list"
    assert content["action"]["button"] == "Wählen"
    (section,) = content["action"]["sections"]
    assert [row["id"] for row in section["rows"]] == [f"opt:{n}" for n in range(count)]
    assert rendered.numbered == ()


def test_list_button_text_is_cut() -> None:
    rendered = render(
        Reply(text="Pick", buttons=choices(*"ABCD")), list_button="Elige una de las opciones"
    )

    assert units(interactive(rendered)["action"]["button"]) <= MAX_LIST_BUTTON


def test_long_row_labels_keep_the_whole_label_in_the_description() -> None:
    label = "Teamleitung / Manager mit Personalverantwortung"
    rendered = render(Reply(text="Level?", buttons=choices("Junior", "Senior", "Lead", label)))

    row = interactive(rendered)["action"]["sections"][0]["rows"][3]
    assert units(row["title"]) <= MAX_ROW_TITLE
    assert row["description"] == label
    assert units(row["description"]) <= MAX_ROW_DESCRIPTION


def test_more_than_ten_choices_become_numbered_text() -> None:
    labels = [f"City {n}" for n in range(12)]
    rendered = render(Reply(text="Where?", buttons=choices(*labels)))

    (body,) = texts(rendered)
    assert body.startswith("Where?\n\n1. City 0\n2. City 1\n")
    assert body.endswith("12. City 11")
    assert rendered.numbered == tuple(f"opt:{n}" for n in range(12))


@pytest.mark.parametrize(
    "data",
    [
        ["a", "a"],  # duplicate ids
        ["a", ""],  # an empty id
        ["a", "x" * 257],  # longer than a button id may be
    ],
)
def test_ids_the_platform_would_refuse_fall_back_to_numbers(data: list[str]) -> None:
    buttons = tuple((Button(label=f"L{n}", data=value),) for n, value in enumerate(data))

    rendered = render(Reply(text="Pick", buttons=buttons))

    assert [m.payload["type"] for m in rendered.messages] == ["text"]
    assert rendered.numbered == tuple(data)


def test_row_ids_over_200_fall_back_to_numbers() -> None:
    buttons = tuple((Button(label=f"L{n}", data=f"{n}" + "x" * 200),) for n in range(5))

    rendered = render(Reply(text="Pick", buttons=buttons))

    assert len(rendered.numbered) == 5


# ----------------------------------------------------------------------------- links


def test_a_lone_link_is_a_cta_url_message() -> None:
    reply = Reply(
        text="Read our privacy notice",
        buttons=((Button(label="Datenschutzerklärung lesen", url="https://x.example/p"),),),
    )

    content = interactive(render(reply))

    assert content == {
        "type": "cta_url",
        "body": {"text": "Read our privacy notice"},
        "action": {
            "name": "cta_url",
            "parameters": {"display_text": "Datenschutzerklärun…", "url": "https://x.example/p"},
        },
    }


def job_card(lang: str) -> Reply:
    job = "job-123"
    return Reply(
        text="💼 Backend Engineer\n🏢 Acme\n📍 Berlin, DE\n💰 60,000–75,000 EUR per year",
        buttons=(
            (Button(label=t(lang, "btn_job_apply"), url="https://jobscout.example/r/tok"),),
            (
                Button(label=t(lang, "btn_job_save"), data=f"m:save:{job}"),
                Button(label=t(lang, "btn_job_applied"), data=f"m:applied:{job}"),
            ),
            (
                Button(label=t(lang, "btn_job_why"), data=f"m:why:{job}"),
                Button(label=t(lang, "btn_job_not_interested"), data=f"m:ni:{job}"),
            ),
        ),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_job_card_is_one_message_with_the_link_and_three_quick_replies(lang: str) -> None:
    rendered = render(job_card(lang))

    (message,) = rendered.messages
    content = message.payload["interactive"]
    assert content["type"] == "button"
    assert content["body"]["text"].endswith(
        f"\n\n👉 {t(lang, 'btn_job_apply')}: https://jobscout.example/r/tok"
    )
    ids = [b["reply"]["id"] for b in content["action"]["buttons"]]
    assert ids == ["m:save:job-123", "m:why:job-123", "m:ni:job-123"]
    assert all(units(b["reply"]["title"]) <= MAX_BUTTON_TITLE for b in content["action"]["buttons"])


def test_several_callbacks_without_a_card_link_keep_every_choice() -> None:
    reply = Reply(
        text="Card",
        buttons=(
            (Button(label="Apply", url="https://x.example/r/1"),),
            *choices("A", "B", "C", "D"),
        ),
    )

    content = interactive(render(reply))

    assert content["type"] == "list"
    assert content["body"]["text"] == "Card\n\n👉 Apply: https://x.example/r/1"


# ------------------------------------------------------------------------- documents


def test_document_with_a_short_caption() -> None:
    document = OutgoingDocument(
        file_name="jobscout-export.json", content=b"{}", mime_type="application/json"
    )

    (message,) = render(Reply(text="Your data", document=document)).messages

    assert message.upload == document
    assert message.payload == {
        "type": "document",
        "document": {"filename": "jobscout-export.json", "caption": "Your data"},
    }


def test_document_with_a_long_text_sends_the_text_first() -> None:
    text = "Why these jobs fit you: " + "strong Python and SQL. " * 80
    assert units(text) > MAX_CAPTION
    document = OutgoingDocument(file_name="jobs.csv", content=b"a,b\n")

    first, second = render(Reply(text=text, document=document)).messages

    assert first.payload["text"]["body"] == text
    assert second.payload == {"type": "document", "document": {"filename": "jobs.csv"}}


def test_document_with_buttons_goes_first() -> None:
    document = OutgoingDocument(file_name="stats.png", content=b"png", mime_type="image/png")

    first, second = render(Reply(text="Stats", buttons=choices("OK"), document=document)).messages

    assert first.payload == {"type": "image", "image": {}}
    assert first.upload == document
    assert second.payload["interactive"]["body"]["text"] == "Stats"


# ------------------------------------------------------------------------- templates


def test_template_with_a_count_and_a_quick_reply() -> None:
    assert template_message("jobscout_new_jobs", "de", ["7"], "digest:show") == {
        "type": "template",
        "template": {
            "name": "jobscout_new_jobs",
            "language": {"code": "de"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "7"}]},
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": "0",
                    "parameters": [{"type": "payload", "payload": "digest:show"}],
                },
            ],
        },
    }


def test_template_without_parameters() -> None:
    assert template_message("hello_world", "en") == {
        "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en"}},
    }
