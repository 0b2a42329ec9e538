"""Texts in every language the bot speaks; ``t`` picks one and fills it in."""

from __future__ import annotations

from conversations.texts import de, en, es

POLICY_VERSION = "2026-11"
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "es": "Español"}
TEXTS: dict[str, dict[str, str]] = {"en": en.TEXTS, "de": de.TEXTS, "es": es.TEXTS}

SUPPORTED: tuple[str, ...] = tuple(TEXTS)


def t(lang: str, key: str, **values: object) -> str:
    template = TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]
    return template.format(**values) if values else template
