"""Every translation has exactly the English keys and placeholders, and is really translated."""

from __future__ import annotations

import ast
import inspect
import re
import string
from types import ModuleType

import pytest

from conversations.texts import (
    LANGUAGE_NAMES,
    SUPPORTED,
    TEXTS,
    de,
    en,
    es,
    number,
    on_channel,
    t,
)
from core.channels import Channel

ENGLISH = TEXTS["en"]
TRANSLATIONS = sorted(lang for lang in TEXTS if lang != "en")
MODULES: dict[str, ModuleType] = {"en": en, "de": de, "es": es}
MAX_BUTTON_LABEL = 40

# Keys whose translation is rightly the same as the English text.
IDENTICAL_EVERYWHERE = frozenset({"btn_quiet_default", "quiet_value", "btn_remove_skill"})
# Product names, and a line that is only a number and a name.
_NAMES = frozenset({"channel_name_telegram", "channel_name_whatsapp", "channel_name_console",
                    "channels_line"})
IDENTICAL_ALLOWED: dict[str, frozenset[str]] = {
    # German job ads use these English words as they are.
    "de": IDENTICAL_EVERYWHERE | _NAMES | {"btn_remote", "btn_hybrid", "btn_junior", "btn_senior"},
    "es": IDENTICAL_EVERYWHERE | _NAMES,
}

# A real command: a slash not glued to a word or a currency sign ("Europe/Berlin", "$/hour").
COMMAND = re.compile(r"(?<![\w$€])/[a-z]+\b")


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def translated() -> list[tuple[str, str]]:
    """Each translation's text next to the English one it must match (not English with itself)."""
    return [(lang, key) for lang in TRANSLATIONS for key in ENGLISH]


def every_text() -> list[tuple[str, str]]:
    """Every text of every language, English too, for checks of a text on its own."""
    return [(lang, key) for lang in TEXTS for key in ENGLISH]


VARIANTS = sorted(key for key in ENGLISH if "@" in key)


def test_all_languages_are_registered() -> None:
    assert set(SUPPORTED) == {"en", "de", "es"}
    assert SUPPORTED[0] == "en"
    assert LANGUAGE_NAMES == {"en": "English", "de": "Deutsch", "es": "Español"}
    assert set(TEXTS) == set(LANGUAGE_NAMES)


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_same_keys_as_english(lang: str) -> None:
    keys = set(TEXTS[lang])
    assert not set(ENGLISH) - keys, f"{lang} is missing keys"
    assert not keys - set(ENGLISH), f"{lang} has keys English does not have"


@pytest.mark.parametrize("lang", sorted(MODULES))
def test_no_key_is_written_twice(lang: str) -> None:
    # A repeated key in a dict literal silently overwrites the first one.
    tree = ast.parse(inspect.getsource(MODULES[lang]))
    literals = [node for node in ast.walk(tree) if isinstance(node, ast.Dict)]
    assert len(literals) == 1
    keys = [key.value for key in literals[0].keys if isinstance(key, ast.Constant)]
    assert len(keys) == len(set(keys)) == len(TEXTS[lang])


@pytest.mark.parametrize(("lang", "key"), translated())
def test_same_placeholders_as_english(lang: str, key: str) -> None:
    assert placeholders(TEXTS[lang][key]) == placeholders(ENGLISH[key])


@pytest.mark.parametrize(("lang", "key"), every_text())
def test_placeholders_are_named(lang: str, key: str) -> None:
    for field in placeholders(TEXTS[lang][key]):
        assert field.isidentifier(), f"{lang}.{key} has placeholder {{{field}}}"


@pytest.mark.parametrize(("lang", "key"), every_text())
def test_formats_with_dummy_values(lang: str, key: str) -> None:
    values = {name: f"<{name}>" for name in placeholders(ENGLISH[key])}
    text = TEXTS[lang][key].format(**values)
    for value in values.values():
        assert value in text
    assert "{" not in text
    assert "}" not in text
    if values:
        assert t(lang, key, **values) == text


@pytest.mark.parametrize(("lang", "key"), every_text())
def test_not_empty(lang: str, key: str) -> None:
    text = TEXTS[lang][key]
    assert text.strip()
    assert text == text.strip(" ")


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translated_unless_allowed(lang: str) -> None:
    same = {key for key, text in TEXTS[lang].items() if text == ENGLISH[key]}
    assert same <= IDENTICAL_ALLOWED[lang], f"{lang} left untranslated: {sorted(same)}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_allow_list_is_current(lang: str) -> None:
    # Keep the allow-list honest: everything in it exists and really is identical.
    assert IDENTICAL_ALLOWED[lang] <= set(ENGLISH)
    stale = {key for key in IDENTICAL_ALLOWED[lang] if TEXTS[lang][key] != ENGLISH[key]}
    assert not stale, f"{lang} allow-list lists translated keys: {sorted(stale)}"


@pytest.mark.parametrize(("lang", "key"), translated())
def test_commands_are_kept(lang: str, key: str) -> None:
    assert sorted(COMMAND.findall(TEXTS[lang][key])) == sorted(COMMAND.findall(ENGLISH[key]))


@pytest.mark.parametrize(("lang", "key"), [p for p in every_text() if p[1].startswith("btn_")])
def test_button_labels_are_short(lang: str, key: str) -> None:
    label = TEXTS[lang][key]
    assert len(label) <= MAX_BUTTON_LABEL, f"{lang}.{key} is {len(label)} characters"
    assert "\n" not in label


def test_language_names_fit_a_button() -> None:
    assert all(len(name) <= MAX_BUTTON_LABEL for name in LANGUAGE_NAMES.values())


def test_the_pairs_never_compare_english_with_itself() -> None:
    assert all(lang != "en" for lang, _ in translated())
    assert len(translated()) == len(TRANSLATIONS) * len(ENGLISH)


# --- channel variants: "<key>@<channel>" ----------------------------------------------------------


def test_there_are_terminal_variants() -> None:
    assert "ask_resume@console" in VARIANTS


@pytest.mark.parametrize("key", VARIANTS)
def test_a_variant_belongs_to_a_key_and_a_channel(key: str) -> None:
    base, _, channel = key.partition("@")
    assert base in ENGLISH
    assert channel in {str(c) for c in Channel}


@pytest.mark.parametrize(("lang", "key"), [(lang, key) for lang in TEXTS for key in VARIANTS])
def test_a_variant_has_its_keys_placeholders(lang: str, key: str) -> None:
    base = key.partition("@")[0]
    assert placeholders(TEXTS[lang][key]) == placeholders(TEXTS[lang][base])


@pytest.mark.parametrize("key", VARIANTS)
def test_a_variant_differs_from_its_key(key: str) -> None:
    # In at least one language: a short WhatsApp label may already be short in another, and
    # every language needs the variant, since a missing one would fall back to English.
    base = key.partition("@")[0]
    assert any(TEXTS[lang][key] != TEXTS[lang][base] for lang in TEXTS)


@pytest.mark.parametrize("lang", SUPPORTED)
def test_the_terminal_says_type_not_tap(lang: str) -> None:
    taps = {"en": "tap", "de": "tippe", "es": "toca"}[lang]
    for key in VARIANTS:
        text = on_channel(
            lang, key.partition("@")[0], "console", limit=10, skills="x", version="1"
        )
        assert taps not in text.lower(), key


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (None, "tap Skip"),
        ("telegram", "tap Skip"),  # no telegram variant: the plain text
        ("console", "type the path of your resume"),
    ],
)
def test_t_prefers_the_channels_variant(channel: str | None, expected: str) -> None:
    assert expected in on_channel("en", "ask_resume", channel)


def test_a_missing_variant_in_a_language_falls_back_to_that_languages_text() -> None:
    assert on_channel("de", "ask_roles", "console") == TEXTS["de"]["ask_roles"]


@pytest.mark.parametrize(
    ("lang", "value", "decimals", "expected"),
    [
        ("en", 70_000, 0, "70,000"),
        ("de", 70_000, 0, "70.000"),
        ("es", 70_000, 0, "70.000"),
        ("en", 12.3, 1, "12.3"),
        ("de", 12.3, 1, "12,3"),
        ("es", 12.3, 1, "12,3"),
        ("de", 6.0, 1, "6"),
        ("de", 1_234_567.5, 1, "1.234.567,5"),
        ("en", 0.25, 2, "0.25"),
        ("xx", 4_500, 0, "4,500"),  # an unknown language writes numbers the English way
    ],
)
def test_numbers_are_written_the_languages_way(
    lang: str, value: float, decimals: int, expected: str
) -> None:
    assert number(lang, value, decimals=decimals) == expected


# --- WhatsApp: a reply button's title holds 20 characters ---------------------------------------

MAX_WHATSAPP_TITLE = 20
BUTTON_KEYS = sorted(key for key in ENGLISH if key.startswith("btn_") and "@" not in key)


@pytest.mark.parametrize(("lang", "key"), [(lang, key) for lang in TEXTS for key in BUTTON_KEYS])
def test_every_button_label_fits_whatsapp(lang: str, key: str) -> None:
    # Labels with a name in them ("Jobs at {company}", "✕ {skill}") are checked with a short
    # name: the name's own length is the renderer's to cut.
    values = dict.fromkeys(placeholders(ENGLISH[key]), "X")
    label = on_channel(lang, key, "whatsapp", **values)
    assert len(label) <= MAX_WHATSAPP_TITLE, f"{lang}.{key}: {label!r} ({len(label)})"


def test_there_are_whatsapp_variants() -> None:
    assert on_channel("de", "btn_weekly", "whatsapp") == "Wöchentlich"
    assert on_channel("en", "btn_delete_yes", "whatsapp") == "Yes, delete all"
    assert on_channel("en", "btn_delete_yes", "telegram") == "Yes, delete everything"


def test_language_names_fit_a_whatsapp_button() -> None:
    assert all(len(name) <= MAX_WHATSAPP_TITLE for name in LANGUAGE_NAMES.values())
