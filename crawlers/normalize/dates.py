"""Dates: absolute ones in the formats sources use, and relative or yearless ones."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime, timedelta

from core.text import fold
from crawlers.normalize.text import collapse_whitespace

_EPOCH = re.compile(r"^-?\d{9,13}(?:\.\d+)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_MONTHS = {
    **dict.fromkeys(("january", "jan", "januar", "janner", "enero", "ene"), 1),
    **dict.fromkeys(("february", "feb", "februar", "febrero"), 2),
    **dict.fromkeys(("march", "mar", "marz", "maerz", "marzo"), 3),
    **dict.fromkeys(("april", "apr", "abril", "abr"), 4),
    **dict.fromkeys(("may", "mai", "mayo"), 5),
    **dict.fromkeys(("june", "jun", "juni", "junio"), 6),
    **dict.fromkeys(("july", "jul", "juli", "julio"), 7),
    **dict.fromkeys(("august", "aug", "agosto", "ago"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("october", "oct", "oktober", "okt", "octubre"), 10),
    **dict.fromkeys(("november", "nov", "noviembre"), 11),
    **dict.fromkeys(("december", "dec", "dezember", "dez", "diciembre", "dic"), 12),
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.?\s+(?:de\s+)?([a-z]+)\.?,?\s+(?:de\s+)?(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_YEARS_ACCEPTED = range(1990, 2101)


def parse_date(value: str | int | float | None) -> date | None:
    """A calendar date from ISO dates or datetimes, epoch seconds or milliseconds, RFC 2822,
    "01.11.2026" or "1 November 2026"; None if it is none of those or implausible.

    A datetime keeps the date it was written with (its own offset), not the UTC date.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        if (match := _COMPACT_DATE.match(text)) is not None:
            return _date(*match.groups())
        if _EPOCH.match(text):
            seconds = float(text)
            if abs(seconds) >= 1e11:
                seconds /= 1000
            return _plausible(datetime.fromtimestamp(seconds, tz=UTC).date())
        if (match := _ISO_DATE.match(text)) is not None:
            return _date(*match.groups())
        if (match := _DOTTED_DATE.match(text)) is not None:
            day, month, year = match.groups()
            return _date(year, month, day)
        folded = fold(text)
        if (match := _DAY_MONTH_YEAR.match(folded)) is not None:
            day, month_name, year = match.groups()
            return _named_month(year, month_name, day)
        if (match := _MONTH_DAY_YEAR.match(folded)) is not None:
            month_name, day, year = match.groups()
            return _named_month(year, month_name, day)
        return _plausible(email.utils.parsedate_to_datetime(text).date())
    except (ValueError, TypeError, OverflowError, OSError, IndexError):
        return None


_RELATIVE_UNITS = {
    **dict.fromkeys(("minute", "minutes", "hour", "hours", "minute", "minuten", "stunde",
                     "stunden", "minuto", "minutos", "hora", "horas"), 0),
    **dict.fromkeys(("day", "days", "tag", "tagen", "tage", "dia", "dias"), 1),
    **dict.fromkeys(("week", "weeks", "woche", "wochen", "semana", "semanas"), 7),
    **dict.fromkeys(("month", "months", "monat", "monaten", "monate", "mes", "meses"), 30),
}  # fmt: skip
_COUNT = r"\d{1,3}|an?|one|einem|einer|einen|ein|una?|uno"
_RELATIVE = re.compile(
    rf"\b(?P<en>{_COUNT})\s+(?P<en_unit>[a-z]+)\s+ago\b"
    rf"|\bvor\s+(?P<de>{_COUNT})\s+(?P<de_unit>[a-z]+)"
    rf"|\bhace\s+(?P<es>{_COUNT})\s+(?P<es_unit>[a-z]+)"
)
_DAYS_BACK = {
    **dict.fromkeys(("today", "heute", "hoy", "just posted", "just now"), 0),
    **dict.fromkeys(("yesterday", "gestern", "ayer"), 1),
    **dict.fromkeys(("vorgestern", "anteayer"), 2),
}
_DAYS_BACK_WORDS = re.compile(
    r"\b(?:just posted|just now|today|heute|hoy|yesterday|gestern|ayer"
    r"|vorgestern|anteayer)\b"
)
_YEARLESS = re.compile(
    r"^(?:(?P<day>\d{1,2})\.?\s+(?:de\s+)?(?P<month>[a-z]+)\.?"
    r"|(?P<month2>[a-z]+)\.?\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?)$"
)


def resolve_date(
    value: str | int | float | None, today: date, *, future: bool = False
) -> date | None:
    """``parse_date``, and also dates written relative to ``today`` or without a year.

    "3 days ago", "vor 2 Wochen", "hace 2 días", "today", "gestern" count back from ``today``;
    "November 3" is the last such day up to ``today`` (``future``: the next from ``today``,
    as a closing date is).
    """
    found = parse_date(value)
    if found is not None or value is None or isinstance(value, (bool, int, float)):
        return found
    text = collapse_whitespace(fold(str(value)))
    if not text:
        return None
    if (match := _RELATIVE.search(text)) is not None:
        lang = next(name for name in ("en", "de", "es") if match.group(name))
        count_text, unit = match.group(lang), match.group(f"{lang}_unit")
        days = _RELATIVE_UNITS.get(unit)
        if days is None:
            return None
        count = int(count_text) if count_text.isdigit() else 1
        return today - timedelta(days=days * count)
    if (match := _DAYS_BACK_WORDS.search(text)) is not None:
        return today - timedelta(days=_DAYS_BACK[match.group(0)])
    if (match := _YEARLESS.match(text.strip(" .,"))) is not None:
        month = _MONTHS.get(match.group("month") or match.group("month2"))
        day = int(match.group("day") or match.group("day2"))
        if month is None:
            return None
        for year in (today.year, today.year + 1) if future else (today.year, today.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if (candidate >= today) if future else (candidate <= today):
                return candidate
    return None


def _date(year: str, month: str, day: str) -> date | None:
    return _plausible(date(int(year), int(month), int(day)))


def _named_month(year: str, month_name: str, day: str) -> date | None:
    month = _MONTHS.get(month_name)
    return _date(year, str(month), day) if month is not None else None


def _plausible(found: date) -> date | None:
    return found if found.year in _YEARS_ACCEPTED else None
