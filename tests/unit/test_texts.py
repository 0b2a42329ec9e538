"""Every translation has exactly the English keys and placeholders, and is really translated."""

from __future__ import annotations

import ast
import inspect
import re
import string
from types import ModuleType

import pytest

from conversations.texts import LANGUAGE_NAMES, SUPPORTED, TEXTS, de, en, es, t

ENGLISH = TEXTS["en"]
TRANSLATIONS = sorted(lang for lang in TEXTS if lang != "en")
MODULES: dict[str, ModuleType] = {"en": en, "de": de, "es": es}
MAX_BUTTON_LABEL = 40

# Keys whose translation is rightly the same as the English text.
IDENTICAL_EVERYWHERE = frozenset({"btn_quiet_default", "quiet_value"})
IDENTICAL_ALLOWED: dict[str, frozenset[str]] = {
    # German job ads use these English words as they are.
    "de": IDENTICAL_EVERYWHERE | {"btn_remote", "btn_hybrid", "btn_junior", "btn_senior"},
    "es": IDENTICAL_EVERYWHERE,
}

# A real command: a slash not glued to a word or a currency sign ("Europe/Berlin", "$/hour").
COMMAND = re.compile(r"(?<![\w$€])/[a-z]+\b")


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def pairs() -> list[tuple[str, str]]:
    return [(lang, key) for lang in TEXTS for key in ENGLISH]


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


@pytest.mark.parametrize(("lang", "key"), pairs())
def test_same_placeholders_as_english(lang: str, key: str) -> None:
    assert placeholders(TEXTS[lang][key]) == placeholders(ENGLISH[key])


@pytest.mark.parametrize(("lang", "key"), pairs())
def test_placeholders_are_named(lang: str, key: str) -> None:
    for field in placeholders(TEXTS[lang][key]):
        assert field.isidentifier(), f"{lang}.{key} has placeholder {{{field}}}"


@pytest.mark.parametrize(("lang", "key"), pairs())
def test_formats_with_dummy_values(lang: str, key: str) -> None:
    values = {name: f"<{name}>" for name in placeholders(ENGLISH[key])}
    text = TEXTS[lang][key].format(**values)
    for value in values.values():
        assert value in text
    assert "{" not in text
    assert "}" not in text
    if values:
        assert t(lang, key, **values) == text


@pytest.mark.parametrize(("lang", "key"), pairs())
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


@pytest.mark.parametrize(("lang", "key"), pairs())
def test_commands_are_kept(lang: str, key: str) -> None:
    assert sorted(COMMAND.findall(TEXTS[lang][key])) == sorted(COMMAND.findall(ENGLISH[key]))


@pytest.mark.parametrize(("lang", "key"), [p for p in pairs() if p[1].startswith("btn_")])
def test_button_labels_are_short(lang: str, key: str) -> None:
    label = TEXTS[lang][key]
    assert len(label) <= MAX_BUTTON_LABEL, f"{lang}.{key} is {len(label)} characters"
    assert "\n" not in label


def test_language_names_fit_a_button() -> None:
    assert all(len(name) <= MAX_BUTTON_LABEL for name in LANGUAGE_NAMES.values())
