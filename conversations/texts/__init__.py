"""Texts in every language the bot speaks; ``t`` picks one and fills it in.

A key may have a variant per channel, ``"<key>@<channel>"`` (the terminal says "type the
number" where a chat app says "tap"); ``t`` prefers the variant of the channel it is given.
"""

from __future__ import annotations

from conversations.texts import de, en, es

POLICY_VERSION = "2026-11"
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "Deutsch", "es": "Español"}
TEXTS: dict[str, dict[str, str]] = {"en": en.TEXTS, "de": de.TEXTS, "es": es.TEXTS}

SUPPORTED: tuple[str, ...] = tuple(TEXTS)

# (thousands separator, decimal mark) per language: "70,000" and "12.3"; "70.000" and "12,3".
_NUMBER_MARKS: dict[str, tuple[str, str]] = {"en": (",", "."), "de": (".", ","), "es": (".", ",")}


def t(lang: str, key: str, /, **values: object) -> str:
    return on_channel(lang, key, None, **values)


def on_channel(lang: str, key: str, channel: str | None, /, **values: object) -> str:
    """``t``, preferring the key's variant for ``channel`` when the language has one."""
    texts = TEXTS.get(lang, TEXTS["en"])
    template = None
    if channel is not None:
        variant = f"{key}@{channel}"
        template = texts.get(variant) or TEXTS["en"].get(variant)
    template = template or texts.get(key) or TEXTS["en"][key]
    return template.format(**values) if values else template


def number(lang: str, value: float, *, decimals: int = 1) -> str:
    """``value`` written the way ``lang`` writes numbers, with at most ``decimals`` decimals.

    >>> number("de", 70000), number("de", 12.3), number("en", 70000), number("es", 6.0)
    ('70.000', '12,3', '70,000', '6')
    """
    group, mark = _NUMBER_MARKS.get(lang, _NUMBER_MARKS["en"])
    text = f"{round(value, decimals):,.{decimals}f}" if decimals else f"{round(value):,}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    marks: dict[str, str | int | None] = {",": group, ".": mark}
    return text.translate(str.maketrans(marks))
