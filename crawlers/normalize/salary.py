"""Salary: the pay a posting states, from a structured block, a salary line or a sentence of
the description, with yearly figures; implausible amounts are dropped, not guessed at.

Plausibility is judged in euros with ``core.money``, the table matching converts with, so an
amount kept here is worth the same when it is held against a candidate's floor.
"""

from __future__ import annotations

import functools
import re

import pycountry

from core.jobs import ANNUAL_FACTORS, RawSalary, Salary, SalaryPeriod
from core.money import to_eur
from core.text import fold
from crawlers.normalize.text import near

# The yearly pay, in euros, a stated salary must lie within (once annualised) to be believed.
PLAUSIBLE_ANNUAL_EUR = (1_000.0, 2_000_000.0)
_UNSTATED_PERIOD_MINIMUM = 10.0  # euros: the least an amount without a period may be
_MAX_SPREAD = 10.0  # a maximum more than ten times the minimum is a misread, not a range
_EURO_COUNTRIES = "DE AT ES FR IT NL BE IE PT FI LU GR SK SI EE LV LT MT CY HR"
_COUNTRY_CURRENCY = {
    **dict.fromkeys(_EURO_COUNTRIES.split(), "EUR"),
    "US": "USD",
    "GB": "GBP",
    "CH": "CHF",
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "SE": "SEK",
    "NO": "NOK",
    "DK": "DKK",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "RO": "RON",
    "JP": "JPY",
    "IN": "INR",
    "SG": "SGD",
    "MX": "MXN",
    "BR": "BRL",
    "AR": "ARS",
    "HK": "HKD",
    "CL": "CLP",
    "CO": "COP",
    "ZA": "ZAR",
    "IL": "ILS",
}
_DOLLAR_PREFIXES = {
    "US": "USD",
    "CA": "CAD",
    "C": "CAD",
    "A": "AUD",
    "AU": "AUD",
    "NZ": "NZD",
    "HK": "HKD",
    "S": "SGD",
    "R": "BRL",
    "MX": "MXN",
}
_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "dolares": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "franken": "CHF",
    "zł": "PLN",
    "kč": "CZK",
    "sfr": "CHF",
    "sfr.": "CHF",
}
_CURRENCY = (
    r"(?:(?:US|CA|AU|NZ|HK|MX|[CASR])?\$|[€£¥₹₩₽₺₪]"
    r"|\b(?:(?i:eur|usd|gbp|chf)|CAD|AUD|NZD|JPY|CNY|INR|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|TRY"
    r"|ILS|BRL|MXN|ARS|CLP|COP|PEN|ZAR|SGD|HKD|KRW|AED|SAR|UAH|PHP|THB|IDR|MYR|TWD)\b"
    r"|\b(?i:euros?|dollars?|d[oó]lares|pounds?|franken|sfr\.?)(?!\w)|(?i:zł|kč)(?!\w))"
)
_NUMBER = r"\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_CURRENCY})\s?)?(?P<num>{_NUMBER})"
    r"(?:\s?(?P<mult>[kK]|[Tt]sd\.?|[Tt]ausend|mil|(?P<million>M|[Mm]io\.?|[Mm]illion(?:en|s)?"
    r"|[Mm]illones))(?![^\W\d_]))?"
    rf"(?:\s?(?P<post>{_CURRENCY}))?(?P<plus>\s?\+)?(?P<pct>\s?%)?"
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|~|to|bis|a|y|and|und|hasta)\s*", re.IGNORECASE)
_MAX_BEFORE = re.compile(
    r"(?:up\s+to|bis\s+zu|bis|max(?:imal|imum)?\.?|hasta|as\s+much\s+as|h[öo]chstens)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_MIN_BEFORE = re.compile(
    r"(?:from|ab|starting\s+(?:at|from)|min(?:imum|destens)?\.?|desde|a\s+partir\s+de"
    r"|at\s+least)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_PERIOD_TEXT = re.compile(
    r"(?P<hour>/\s*(?:h|hr|hour|std|stunde|hora)\b|\bper\s+hour|\ban\s+hour|\bhourly"
    r"|\bpro\s+stunde|\bstundenlohn|\bstundensatz|\bdie\s+stunde|\bpor\s+hora|\bla\s+hora)"
    r"|(?P<day>/\s*(?:day|tag|d[ií]a)\b|\bper\s+day|\ba\s+day|\bdaily|\bpro\s+tag|\btagessatz"
    r"|\bday\s+rate|\bal\s+d[ií]a|\bpor\s+d[ií]a)"
    r"|(?P<week>/\s*(?:week|wk|woche|semana)\b|\bper\s+week|\ba\s+week|\bweekly|\bpro\s+woche"
    r"|\bw[öo]chentlich|\bsemanal|\bpor\s+semana)"
    r"|(?P<month>/\s*(?:month|mo|mth|monat|mes)\b|\bper\s+month|\ba\s+month|\bmonthly"
    r"|\bpro\s+monat|\bmonatlich|\bim\s+monat|\bmonatsgehalt|\bmensual|\bal\s+mes|\bpor\s+mes)"
    r"|(?P<year>/\s*(?:year|yr|jahr|a[ñn]o)\b|(?<![\w.])p\.?\s?a\.?(?!\w)|\bper\s+(?:year|annum)"
    r"|\ba\s+year|\bannual|\byearly|\bpro\s+jahr|\bj[äa]hrlich|\bim\s+jahr|\bjahresgehalt"
    r"|\bjahres|\banual|\bal\s+a[ñn]o|\bpor\s+a[ñn]o)",
    re.IGNORECASE,
)
_PERIOD_WORDS = {
    **dict.fromkeys(
        ("hour", "hours", "hourly", "hr", "h", "stunde", "stundlich", "hora", "horas", "wage"),
        SalaryPeriod.HOUR,
    ),
    **dict.fromkeys(("day", "days", "daily", "tag", "taglich", "dia", "diario"), SalaryPeriod.DAY),
    **dict.fromkeys(
        ("week", "weeks", "weekly", "woche", "wochentlich", "semana", "semanal"),
        SalaryPeriod.WEEK,
    ),
    **dict.fromkeys(
        ("month", "months", "monthly", "monat", "monatlich", "mes", "mensual"),
        SalaryPeriod.MONTH,
    ),
    **dict.fromkeys(
        (
            "year",
            "years",
            "yearly",
            "annual",
            "annually",
            "annum",
            "jahr",
            "jahrlich",
            "ano",
            "anual",
            "pa",
            "salary",
        ),
        SalaryPeriod.YEAR,
    ),
}
_WORDS = re.compile(r"[a-z]+")
_SALARY_CONTEXT = re.compile(
    r"\b(?:salary|salaries|compensation|pay\s+range|base\s+pay|pay\s+rate|wage|gehalt"
    r"|jahresgehalt|bruttojahresgehalt|verg[üu]tung|entgelt|stundenlohn|salario|sueldo"
    r"|retribuci[oó]n|remuneraci[oó]n|banda\s+salarial|rango\s+salarial)",
    re.IGNORECASE,
)
_SALARY_TRIGGERS = (
    "salar",
    "compensation",
    "pay",
    "wage",
    "gehalt",
    "verg",
    "entgelt",
    "stundenlohn",
    "sueldo",
    "retribuci",
    "remuneraci",
)
_SALARY_WINDOW = 160
_AMOUNTS_PER_TEXT = 40


def parse_salary(
    raw: RawSalary | None,
    text: str | None = None,
    *,
    description: str = "",
    country: str | None = None,
) -> Salary | None:
    """The pay, from the structured block, else the salary text, else a salary sentence in the
    description; with annual figures, or None if nothing plausible was stated.

    A minimum above the maximum is taken as swapped; amounts that are implausible for the
    period (outside 1,000-2,000,000 US dollars a year once annualised) or a maximum more than
    ten times the minimum drop the salary. Without a currency the country's is assumed.
    """
    hint = _currency(raw.currency, country) if raw is not None else None
    if raw is not None and (raw.minimum or raw.maximum):
        currency = hint or _text_currency(text, country) or _COUNTRY_CURRENCY.get(country or "")
        period = _period(raw.period)
        if period is None and text:
            found = _PERIOD_TEXT.search(text)
            period = SalaryPeriod(str(found.lastgroup)) if found is not None else None
        salary = _salary(raw.minimum, raw.maximum, currency, period)
        if salary is not None:
            return salary
    if text:
        salary = _salary_in_text(text, country=country, currency_hint=hint, strict=False)
        if salary is not None:
            return salary
    if description:
        lowered = description.lower()
        contexts = (
            near(lowered, _SALARY_TRIGGERS, _SALARY_CONTEXT)
            if len(lowered) == len(description)  # positions carry over to the original
            else _SALARY_CONTEXT.finditer(description)
        )
        for match in contexts:
            window = description[match.end() : match.end() + _SALARY_WINDOW]
            salary = _salary_in_text(window, country=country, currency_hint=hint, strict=True)
            if salary is not None:
                return salary
    return None


def _currency(value: str | None, country: str | None) -> str | None:
    if not value:
        return None
    token = value.strip()
    if token.endswith("$"):
        prefix = token[:-1].upper()
        if not prefix:
            return (
                _COUNTRY_CURRENCY.get(country or "", "USD") if country in _DOLLAR_HOMES else "USD"
            )
        return _DOLLAR_PREFIXES.get(prefix)
    if token.upper() in _currency_codes():
        return token.upper()
    return _SYMBOLS.get(token.casefold())


@functools.cache
def _currency_codes() -> frozenset[str]:
    """ISO 4217 codes: a structured block's "EUR" or "mxn" is taken as written."""
    return frozenset(str(currency.alpha_3) for currency in pycountry.currencies)


_DOLLAR_HOMES = frozenset({"CA", "AU", "NZ", "SG", "HK", "MX", "AR", "CL", "CO"})


def _text_currency(text: str | None, country: str | None) -> str | None:
    if not text:
        return None
    for match in _AMOUNT.finditer(text):
        if currency := _currency(match.group("pre") or match.group("post"), country):
            return currency
    return None


def _period(value: str | None) -> SalaryPeriod | None:
    if not value:
        return None
    for word in _WORDS.findall(fold(value)):
        if (period := _PERIOD_WORDS.get(word)) is not None:
            return period
    return None


def _salary_in_text(
    text: str, *, country: str | None, currency_hint: str | None, strict: bool
) -> Salary | None:
    """The first plausible amount or range in ``text``; ``strict``: it must name a currency."""
    amounts = [m for m in _AMOUNT.finditer(text) if not m.group("pct")][:_AMOUNTS_PER_TEXT]
    index = 0
    while index < len(amounts):
        first = amounts[index]
        second = None
        if index + 1 < len(amounts):
            candidate = amounts[index + 1]
            if _RANGE_SEPARATOR.fullmatch(text, first.end(), candidate.start()):
                second = candidate
        index += 2 if second is not None else 1
        tokens = [m.group(g) for m in (first, second) if m for g in ("pre", "post") if m.group(g)]
        currency = next((c for c in (_currency(t, country) for t in tokens) if c), None)
        if currency is None and (strict or tokens):
            continue
        currency = currency or currency_hint or _COUNTRY_CURRENCY.get(country or "")
        low = _amount(first)
        if low is None:
            continue
        high = _amount(second) if second is not None else low
        if second is not None and high is not None:
            if second.group("mult") and not first.group("mult") and low < 1000 <= high:
                low *= 1000
            elif first.group("mult") and not second.group("mult") and high < 1000 <= low:
                high *= 1000
        end = (second or first).end()
        before = text[max(0, first.start() - 30) : first.start()].rsplit("\n", 1)[-1]
        if second is None:
            if _MAX_BEFORE.search(before):
                low = None
            elif _MIN_BEFORE.search(before) or first.group("plus"):
                high = None
        line_end = text.find("\n", end)
        after = text[end : min(end + 40, line_end if line_end >= 0 else len(text))]
        found = _PERIOD_TEXT.search(after) or _PERIOD_TEXT.search(before)
        period = SalaryPeriod(str(found.lastgroup)) if found is not None else None
        salary = _salary(low, high, currency, period)
        if salary is not None:
            return salary
    return None


def _amount(match: re.Match[str]) -> float | None:
    text = match.group("num")
    for separator in ("\u00a0", "\u202f", "'", " "):
        text = text.replace(separator, "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in text or "." in text:
        separator = "," if "," in text else "."
        parts = text.split(separator)
        grouped = len(parts) > 2 or len(parts[-1]) == 3
        text = text.replace(separator, "" if grouped else ".")
    try:
        value = float(text)
    except ValueError:
        return None
    if match.group("million"):
        return value * 1_000_000
    return value * 1000 if match.group("mult") else value


def _salary(
    low: float | None, high: float | None, currency: str | None, period: SalaryPeriod | None
) -> Salary | None:
    low = low if low is not None and low > 0 else None
    high = high if high is not None and high > 0 else None
    if currency is None or (low is None and high is None):
        return None
    if low is not None and high is not None:
        if low > high:
            low, high = high, low
        if high > low * _MAX_SPREAD:
            return None
    top = max(v for v in (low, high) if v is not None)
    if period is None:
        size = to_eur(top, currency) or top  # an unknown currency: taken at face value
        if size < _UNSTATED_PERIOD_MINIMUM:
            return None  # "€5" with no period is a misread more often than a wage
        period = _period_by_size(size)
    factor = ANNUAL_FACTORS[period]
    for value in (low, high):
        yearly = to_eur(value * factor, currency) if value is not None else None
        if yearly is not None and not (
            PLAUSIBLE_ANNUAL_EUR[0] <= yearly <= PLAUSIBLE_ANNUAL_EUR[1]
        ):
            return None
    return Salary(
        minimum=low,
        maximum=high,
        currency=currency,
        period=period,
        annual_minimum=round(low * factor, 2) if low is not None else None,
        annual_maximum=round(high * factor, 2) if high is not None else None,
    )


def _period_by_size(eur: float) -> SalaryPeriod:
    """A period for an amount that names none, by its size in euros."""
    if eur < 150:
        return SalaryPeriod.HOUR
    if eur < 1_000:
        return SalaryPeriod.DAY
    if eur < 20_000:
        return SalaryPeriod.MONTH
    return SalaryPeriod.YEAR
