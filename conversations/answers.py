"""Parsers for free-text answers: pure functions from text to a value or an ``Invalid``.

Each parser accepts English, German and Spanish phrasings; an ``Invalid`` carries the key
of the text that tells the user what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from core.domain import (
    Commute,
    EmploymentType,
    LanguageLevel,
    QuietHours,
    SalaryFloor,
    Seniority,
    SpokenLanguage,
    WorkMode,
)
from core.text import fold, fold_words


@dataclass(frozen=True)
class Invalid:
    key: str


def split_list(text: str) -> list[str]:
    parts = re.split(r"[,;\n/]|\s+(?:and|und|y|or|oder|o)\s+", text)
    return [part.strip(" .-•*\t") for part in parts if part.strip(" .-•*\t")]


YES = {"yes", "y", "ja", "j", "si", "ok", "okay", "agree", "i agree", "einverstanden", "acepto"}
NO = {"no", "n", "nein", "nope", "no thanks", "nein danke", "no gracias"}
SKIP = {"skip", "überspringen", "uberspringen", "ueberspringen", "omitir", "saltar", "-", "none"}


def is_yes(text: str) -> bool:
    return fold(text) in YES


def is_no(text: str) -> bool:
    return fold(text) in NO


def is_skip(text: str) -> bool:
    return fold(text) in SKIP


def parse_roles(text: str) -> tuple[str, ...] | Invalid:
    # Only commas, semicolons and new lines separate roles: "UI/UX Designer" and
    # "Research and Development Engineer" are one role each.
    parts = re.split(r"[,;\n]", text)
    roles = [" ".join(role.strip(" .-•*\t").split()) for role in parts if role.strip(" .-•*\t")]
    if not roles or len(roles) > 10:
        return Invalid("invalid_roles")
    if any(len(role) < 2 or len(role) > 80 or not re.search(r"[^\W\d_]", role) for role in roles):
        return Invalid("invalid_roles")
    return tuple(dict.fromkeys(roles))


_WORK_MODES: dict[str, tuple[WorkMode, ...]] = {
    "remote": (WorkMode.REMOTE,),
    "remote only": (WorkMode.REMOTE,),
    "home office": (WorkMode.REMOTE,),
    "homeoffice": (WorkMode.REMOTE,),
    "remoto": (WorkMode.REMOTE,),
    "teletrabajo": (WorkMode.REMOTE,),
    "hybrid": (WorkMode.HYBRID,),
    "hibrido": (WorkMode.HYBRID,),  # "híbrido", folded
    "onsite": (WorkMode.ONSITE,),
    "on-site": (WorkMode.ONSITE,),
    "on site": (WorkMode.ONSITE,),
    "office": (WorkMode.ONSITE,),
    "vor ort": (WorkMode.ONSITE,),
    "buro": (WorkMode.ONSITE,),
    "presencial": (WorkMode.ONSITE,),
    "oficina": (WorkMode.ONSITE,),
    "any": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE),
    "all": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE),
    "egal": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE),
    "alle": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE),
    "cualquiera": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE),
    "todos": (WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ONSITE),
}


def parse_work_modes(text: str) -> tuple[WorkMode, ...] | Invalid:
    chosen: list[WorkMode] = []
    for part in split_list(text) or [text]:
        modes = _WORK_MODES.get(fold(part))
        if modes is None:
            return Invalid("invalid_work_mode")
        chosen.extend(mode for mode in modes if mode not in chosen)
    if not chosen:
        return Invalid("invalid_work_mode")
    return tuple(sorted(chosen, key=list(WorkMode).index))


_FULL, _PART, _CONTRACT = (
    EmploymentType.FULL_TIME, EmploymentType.PART_TIME, EmploymentType.CONTRACT
)
_TEMPORARY, _INTERNSHIP = EmploymentType.TEMPORARY, EmploymentType.INTERNSHIP
_APPRENTICESHIP, _VOLUNTEER = EmploymentType.APPRENTICESHIP, EmploymentType.VOLUNTEER
# Folded, with hyphens and underscores as spaces: "Full-time" and "full_time" read as "full time".
_EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "full time": _FULL, "fulltime": _FULL, "ft": _FULL, "vollzeit": _FULL, "voll": _FULL,
    "tiempo completo": _FULL, "jornada completa": _FULL, "completo": _FULL,
    "part time": _PART, "parttime": _PART, "pt": _PART, "teilzeit": _PART, "teil": _PART,
    "minijob": _PART, "medio tiempo": _PART, "media jornada": _PART, "tiempo parcial": _PART,
    "jornada parcial": _PART, "parcial": _PART,
    "contract": _CONTRACT, "contractor": _CONTRACT, "freelance": _CONTRACT,
    "freelancer": _CONTRACT, "projekt": _CONTRACT, "freiberuflich": _CONTRACT,
    "selbstandig": _CONTRACT, "contrato": _CONTRACT, "por proyecto": _CONTRACT,
    "autonomo": _CONTRACT,
    "temporary": _TEMPORARY, "temp": _TEMPORARY, "befristet": _TEMPORARY,
    "temporal": _TEMPORARY,
    "internship": _INTERNSHIP, "intern": _INTERNSHIP, "praktikum": _INTERNSHIP,
    "werkstudent": _INTERNSHIP, "practicas": _INTERNSHIP, "pasantia": _INTERNSHIP,
    "becario": _INTERNSHIP,
    "apprenticeship": _APPRENTICESHIP, "apprentice": _APPRENTICESHIP,
    "ausbildung": _APPRENTICESHIP, "azubi": _APPRENTICESHIP, "formacion dual": _APPRENTICESHIP,
    "aprendiz": _APPRENTICESHIP,
    "volunteer": _VOLUNTEER, "ehrenamt": _VOLUNTEER, "ehrenamtlich": _VOLUNTEER,
    "voluntariado": _VOLUNTEER, "voluntario": _VOLUNTEER,
}
_ANY_EMPLOYMENT = {"any", "all", "any of these", "anything", "egal", "alle", "cualquiera",
                   "todos", "todas"}


def parse_employment_types(text: str) -> tuple[EmploymentType, ...] | Invalid:
    """One or more kinds of employment; "any" (in any language) is the empty tuple."""
    chosen: list[EmploymentType] = []
    for part in split_list(text) or [text]:
        key = " ".join(re.sub(r"[-_]", " ", fold(part)).split())
        if key in _ANY_EMPLOYMENT:
            return ()
        kind = _EMPLOYMENT_TYPES.get(key)
        if kind is None:
            return Invalid("invalid_employment_type")
        if kind not in chosen:
            chosen.append(kind)
    if not chosen:
        return Invalid("invalid_employment_type")
    return tuple(sorted(chosen, key=list(EmploymentType).index))


ANYWHERE = {"anywhere", "worldwide", "everywhere", "uberall", "weltweit", "egal", "cualquier lugar",
            "en cualquier lugar", "todo el mundo"}


def parse_locations(text: str) -> tuple[str, ...] | Invalid:
    if fold(text) in ANYWHERE:
        return ()
    places = [" ".join(place.split()) for place in re.split(r"[;\n]|,(?=\s*\S)", text)]
    places = [place.strip(" .,") for place in places if place.strip(" .,")]
    if not places or len(places) > 10:
        return Invalid("invalid_locations")
    if any(len(p) < 2 or len(p) > 80 or not re.search(r"[^\W\d_]", p) for p in places):
        return Invalid("invalid_locations")
    return tuple(dict.fromkeys(places))


_SENIORITY: dict[str, Seniority] = {
    "intern": Seniority.INTERN, "internship": Seniority.INTERN, "trainee": Seniority.INTERN,
    "praktikum": Seniority.INTERN, "praktikant": Seniority.INTERN, "werkstudent": Seniority.INTERN,
    "practicas": Seniority.INTERN, "becario": Seniority.INTERN, "student": Seniority.INTERN,
    "estudiante": Seniority.INTERN,
    "junior": Seniority.JUNIOR, "entry": Seniority.JUNIOR, "entry level": Seniority.JUNIOR,
    "graduate": Seniority.JUNIOR, "einsteiger": Seniority.JUNIOR,
    "berufseinsteiger": Seniority.JUNIOR,
    "mid": Seniority.MID, "mid-level": Seniority.MID, "mid level": Seniority.MID,
    "intermediate": Seniority.MID, "professional": Seniority.MID, "berufserfahren": Seniority.MID,
    "medio": Seniority.MID, "semi senior": Seniority.MID, "ssr": Seniority.MID,
    "senior": Seniority.SENIOR, "sr": Seniority.SENIOR, "experienced": Seniority.SENIOR,
    "lead": Seniority.LEAD, "team lead": Seniority.LEAD, "staff": Seniority.LEAD,
    "manager": Seniority.LEAD, "teamleitung": Seniority.LEAD, "leitung": Seniority.LEAD,
    "lider": Seniority.LEAD, "jefe": Seniority.LEAD,
    "principal": Seniority.PRINCIPAL, "director": Seniority.PRINCIPAL, "head": Seniority.PRINCIPAL,
    "architect": Seniority.PRINCIPAL, "direktor": Seniority.PRINCIPAL,
    "bereichsleitung": Seniority.PRINCIPAL,
}


def parse_seniority(text: str) -> Seniority | Invalid:
    return _SENIORITY.get(fold(text).rstrip("."), Invalid("invalid_seniority"))


_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₹": "INR", "¥": "JPY", "₽": "RUB",
                     "₺": "TRY", "zł": "PLN", "chf": "CHF", "fr.": "CHF", "kr": "SEK"}
_CURRENCY_CODES = {"EUR", "USD", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
                   "CZK", "HUF", "INR", "JPY", "CNY", "SGD", "HKD", "BRL", "MXN", "ARS", "CLP",
                   "COP", "ZAR", "AED", "ILS", "TRY", "RUB", "UAH", "RON", "BGN"}
_CURRENCY_WORDS = {"euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD",
                   "dolares": "USD", "pound": "GBP", "pounds": "GBP", "franken": "CHF"}
# Currencies whose unit is worth far less than a euro: their plausible amounts are larger.
_SMALL_UNITS = {"JPY": 100, "INR": 100, "HUF": 100, "RUB": 100, "CLP": 1000, "COP": 1000,
                "ARS": 1000}
_PERIODS = {"year": "year", "yr": "year", "annual": "year", "jahr": "year", "ano": "year",
            "pa": "year", "p.a.": "year", "month": "month", "monat": "month", "mes": "month",
            "mo": "month", "hour": "hour", "hr": "hour", "stunde": "hour", "hora": "hour",
            "h": "hour"}
# Period words that stand alone, without "per", "pro", "al", ...
_PERIOD_WORDS = {"yearly": "year", "annually": "year", "jahrlich": "year", "anual": "year",
                 "anuales": "year", "monthly": "month", "monatlich": "month",
                 "mensual": "month", "mensuales": "month", "hourly": "hour",
                 "stundlich": "hour"}
# Lowest and highest floor per period, in units of a euro-sized currency.
_BOUNDS = {"year": (1_000, 10_000_000), "month": (100, 1_000_000), "hour": (1, 10_000)}


def _amount(number: str, suffix: str) -> int | None:
    digits = re.sub(r"\s", "", number)
    # '60.000' and '60,000' are thousands; '62.5' with a k is a decimal.
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        value = float(re.sub(r"[.,]", "", digits))
    else:
        try:
            value = float(digits.replace(",", "."))
        except ValueError:
            return None
    if suffix in {"k", "tsd"}:
        value *= 1000
    return round(value)


def parse_salary(text: str) -> SalaryFloor | Invalid:
    folded = fold(text)
    match = re.search(r"(\d{1,3}(?:[.,\s]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)\s*(k|tsd)?\b", folded)
    if match is None:
        return Invalid("invalid_salary")
    amount = _amount(match.group(1).strip(" .,"), match.group(2) or "")
    currency = None
    # The currency written first wins: "60000 EUR, not USD" is in euros.
    codes = re.search(rf"\b({'|'.join(sorted(_CURRENCY_CODES))})\b", text)
    if codes:
        currency = codes.group(1)
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if currency is None and symbol in folded:
            currency = code
    for word, code in _CURRENCY_WORDS.items():
        if currency is None and re.search(rf"\b{word}\b", folded):
            currency = code
    period = "year"
    for word, value in _PERIODS.items():
        prefix = r"(?:/|\bper\b|\bpro\b|\bim\b|\bal\b|\bpor\b|\ba\b)"
        if re.search(rf"{prefix}\s*{re.escape(word)}\b", folded):
            period = value
    for word, value in _PERIOD_WORDS.items():
        if re.search(rf"\b{word}\b", folded):
            period = value
    if currency is None:
        return Invalid("invalid_salary_currency")
    scale = _SMALL_UNITS.get(currency, 1)
    minimum, maximum = _BOUNDS[period]
    if amount is None or not minimum * scale <= amount <= maximum * scale:
        return Invalid("invalid_salary")
    return SalaryFloor(amount=amount, currency=currency, period=period)


@cache
def _zones_by_city() -> dict[str, str]:
    zones: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
            zones.setdefault(fold(name.rsplit("/", 1)[1].replace("_", " ")), name)
    return zones


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones() if "/" in name}


_CITY_ALIASES = {"munich": "Europe/Berlin", "munchen": "Europe/Berlin", "koln": "Europe/Berlin",
                 "cologne": "Europe/Berlin", "hamburg": "Europe/Berlin",
                 "frankfurt": "Europe/Berlin", "wien": "Europe/Vienna", "zurich": "Europe/Zurich",
                 "barcelona": "Europe/Madrid", "san francisco": "America/Los_Angeles",
                 "seattle": "America/Los_Angeles", "boston": "America/New_York",
                 "germany": "Europe/Berlin", "deutschland": "Europe/Berlin",
                 "spain": "Europe/Madrid", "espana": "Europe/Madrid", "austria": "Europe/Vienna",
                 "osterreich": "Europe/Vienna", "uk": "Europe/London", "india": "Asia/Kolkata",
                 "mexico": "America/Mexico_City", "cdmx": "America/Mexico_City"}


def parse_timezone(text: str) -> str | Invalid:
    raw = text.strip()
    offset = re.fullmatch(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?", raw, re.IGNORECASE)
    if offset:
        hours = int(offset.group(2))
        # The world's offsets run from UTC-12 to UTC+14.
        if hours > (14 if offset.group(1) == "+" else 12):
            return Invalid("invalid_timezone")
        if hours == 0:
            return "UTC"
        # Etc/GMT signs are inverted: UTC+2 is Etc/GMT-2.
        return f"Etc/GMT{'-' if offset.group(1) == '+' else '+'}{hours}"
    if fold(raw) in {"utc", "gmt", "z"}:
        return "UTC"
    for name in (raw, raw.replace(" ", "_")):
        # Zone names are case-sensitive, people typing them on a phone are not.
        if name.lower() in _zones_by_lower_name():
            return _zones_by_lower_name()[name.lower()]
    folded = fold(raw)
    zone = _CITY_ALIASES.get(folded) or _zones_by_city().get(folded)
    return zone if zone else Invalid("invalid_timezone")


_QUIET_HOURS = re.compile(
    r"(?:(?:from|von|de|desde)\s+)?"
    r"(\d{1,2})(?:[:.]\d{2})?\s*(?:-|–|to|bis|a)\s*(\d{1,2})(?:[:.]\d{2})?(?:\s*uhr)?"
)


# Every language's "No quiet hours" button label, folded, so typing it works like tapping it.
_NO_QUIET_HOURS = {"keine", "ninguna", "ninguno", "never", "nie", "nunca", "no quiet hours",
                   "keine ruhezeiten", "keine ruhezeit", "sin horas de silencio"}


def parse_quiet_hours(text: str) -> QuietHours | Invalid | None:
    folded = fold(text)
    if folded in SKIP | NO | _NO_QUIET_HOURS:
        return None
    match = _QUIET_HOURS.fullmatch(folded)
    if match is None:
        return Invalid("invalid_quiet_hours")
    start, end = int(match.group(1)), int(match.group(2))
    if start > 23 or end > 23 or start == end:
        return Invalid("invalid_quiet_hours")
    return QuietHours(start=start, end=end)


def parse_years(text: str) -> float | Invalid:
    match = re.fullmatch(r"(\d{1,2}(?:[.,]\d)?)\s*(?:years?|jahre?|anos?|y)?", fold(text))
    if match is None:
        return Invalid("invalid_years")
    years = float(match.group(1).replace(",", "."))
    return years if years <= 60 else Invalid("invalid_years")


def parse_title(text: str) -> str | Invalid:
    title = " ".join(text.split())
    if not 2 <= len(title) <= 80 or not re.search(r"[^\W\d_]", title):
        return Invalid("invalid_title")
    return title


# Words that name a language, folded: "Español", "german", "Deutsch", "inglés".
LANGUAGE_WORDS: dict[str, str] = {
    "english": "en", "englisch": "en", "ingles": "en", "en": "en",
    "deutsch": "de", "german": "de", "aleman": "de", "de": "de",
    "espanol": "es", "spanish": "es", "spanisch": "es", "castellano": "es", "es": "es",
}
# Yes and no words that only one language uses: they tell which language the user reads.
_WORD_LANGUAGES: dict[str, str] = {
    "yes": "en", "agree": "en", "i agree": "en", "no thanks": "en", "nope": "en",
    "ja": "de", "j": "de", "einverstanden": "de", "nein": "de", "nein danke": "de",
    "si": "es", "acepto": "es", "no gracias": "es",
}


def parse_language(text: str, supported: tuple[str, ...]) -> str | None:
    """The code of the language ``text`` names ("Español", "german"), if the bot speaks it."""
    code = LANGUAGE_WORDS.get(fold(text).strip(" .!"))
    return code if code in supported else None


def language_of_word(text: str, supported: tuple[str, ...]) -> str | None:
    """The language a yes or no word belongs to ("ja": German), if only one uses it."""
    code = _WORD_LANGUAGES.get(fold(text))
    return code if code in supported else None


def language_of(code: str | None, supported: tuple[str, ...]) -> str:
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in supported else supported[0]


# --- plain words as commands ------------------------------------------------------------------

# A message that is exactly one of these (folded: case, accents and punctuation do not matter)
# is the command, in any of the bot's languages: WhatsApp users do not type "/menu".
COMMAND_WORDS: dict[str, str] = {
    "menu": "menu", "main menu": "menu", "hauptmenu": "menu", "menu principal": "menu",
    "help": "help", "hilfe": "help", "ayuda": "help",
    "stop": "pause", "pause": "pause", "stopp": "pause", "pausieren": "pause",
    "parar": "pause", "pausar": "pause", "pausa": "pause",
    "resume": "unpause", "unpause": "unpause", "continue": "unpause",
    "fortsetzen": "unpause", "weiter": "unpause", "reanudar": "unpause", "continuar": "unpause",
    "export": "export", "exportieren": "export", "exportar": "export",
    "delete": "delete", "loschen": "delete", "loeschen": "delete", "borrar": "delete",
    "eliminar": "delete",
    "privacy": "privacy", "datenschutz": "privacy", "privacidad": "privacy",
}


def command_word(text: str) -> str | None:
    """The command a message made of one command word names ("Hilfe": help), else None."""
    return COMMAND_WORDS.get(fold_words(text))


# --- which language a first message is written in ---------------------------------------------

# Short, frequent words that only one of the languages uses (folded). A first message such as
# "Hallo, ich suche eine Stelle" tells the language better than the phone number's country.
_LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    "en": frozenset({"hi", "hello", "hey", "i", "im", "am", "looking", "for", "job", "jobs",
                     "work", "the", "and", "please", "thanks", "thank", "you", "want", "need",
                     "good", "morning", "evening", "my", "is", "as", "in"}),
    "de": frozenset({"hallo", "moin", "servus", "guten", "tag", "morgen", "abend", "ich",
                     "suche", "eine", "einen", "stelle", "arbeit", "als", "und", "bitte",
                     "danke", "gern", "gerne", "mochte", "bin", "mit", "nach", "teilzeit",
                     "vollzeit", "job", "jobs", "in"}),
    "es": frozenset({"hola", "buenos", "buenas", "dias", "tardes", "noches", "busco", "buscando",
                     "estoy", "trabajo", "empleo", "un", "una", "como", "y", "por", "favor",
                     "gracias", "quiero", "soy", "tiempo", "parcial", "completo", "en", "de",
                     "el", "la", "con"}),
}


def language_of_text(text: str, supported: tuple[str, ...]) -> str | None:
    """The language most of ``text``'s marker words belong to; None on a tie or no marker."""
    words = fold_words(text).split()
    hits = {
        lang: sum(word in _LANGUAGE_MARKERS[lang] for word in words)
        for lang in supported
        if lang in _LANGUAGE_MARKERS
    }
    ranked = sorted(hits.values(), reverse=True)
    if not ranked or ranked[0] == 0 or (len(ranked) > 1 and ranked[0] == ranked[1]):
        return None
    return max(hits, key=lambda lang: hits[lang])


# --- preferences asked in /prefs: spoken languages, licences, commute radius, stretch jobs ------

# Whole answers that mean "none" / "clear it", folded, in every language the bot speaks.
_NONE_WORDS = SKIP | NO | {"keine", "keiner", "keins", "nichts", "ninguno", "ninguna", "nada",
                           "nothing", "clear", "no one", "keine angabe", "sin indicar",
                           "leave blank", "no radius", "kein umkreis", "sin radio"}


def _words(text: str) -> str:
    """Folded words, "ß" as "ss": "Deutsch: fließend!" reads "deutsch fliessend"."""
    return fold_words(text).replace("ß", "ss")


def _is_none(text: str) -> bool:
    return _words(text) in _NONE_WORDS or text.strip() == "-"


_BASIC, _WORKING = LanguageLevel.BASIC, LanguageLevel.WORKING
_FLUENT, _NATIVE = LanguageLevel.FLUENT, LanguageLevel.NATIVE
# Level words and phrases (folded, "ß" as "ss"), CEFR grades with them.
_LEVELS: dict[str, LanguageLevel] = {
    "a1": _BASIC, "a2": _BASIC, "basic": _BASIC, "basics": _BASIC, "beginner": _BASIC,
    "elementary": _BASIC, "grundkenntnisse": _BASIC, "grundlagen": _BASIC, "anfanger": _BASIC,
    "anfaenger": _BASIC, "schulkenntnisse": _BASIC, "basico": _BASIC, "basica": _BASIC,
    "principiante": _BASIC, "elemental": _BASIC, "nociones": _BASIC,
    "b1": _WORKING, "b2": _WORKING, "working": _WORKING, "good": _WORKING,
    "conversational": _WORKING, "intermediate": _WORKING, "upper intermediate": _WORKING,
    "professional working": _WORKING, "gut": _WORKING, "gute": _WORKING, "mittel": _WORKING,
    "mittelstufe": _WORKING, "fortgeschritten": _WORKING, "intermedio": _WORKING,
    "intermedia": _WORKING, "medio": _WORKING, "conversacional": _WORKING, "bueno": _WORKING,
    "buen": _WORKING,
    "c1": _FLUENT, "c2": _FLUENT, "fluent": _FLUENT, "fluently": _FLUENT, "fluency": _FLUENT,
    "proficient": _FLUENT, "advanced": _FLUENT, "business fluent": _FLUENT,
    "full professional": _FLUENT, "excellent": _FLUENT, "fliessend": _FLUENT,
    "fliesend": _FLUENT, "verhandlungssicher": _FLUENT, "sehr gut": _FLUENT,
    "sehr gute": _FLUENT, "exzellent": _FLUENT, "fluido": _FLUENT, "fluida": _FLUENT,
    "avanzado": _FLUENT, "avanzada": _FLUENT, "alto": _FLUENT, "dominio": _FLUENT,
    "native": _NATIVE, "mother tongue": _NATIVE, "first language": _NATIVE,
    "bilingual": _NATIVE, "muttersprache": _NATIVE, "muttersprachlich": _NATIVE,
    "muttersprachler": _NATIVE, "muttersprachlerin": _NATIVE, "erstsprache": _NATIVE,
    "nativo": _NATIVE, "nativa": _NATIVE, "lengua materna": _NATIVE, "materna": _NATIVE,
    "bilingue": _NATIVE,
}
# Words that may stand beside a language and its level without changing either.
_LEVEL_FILLERS = frozenset({
    "level", "niveau", "nivel", "speaker", "sprecher", "language", "sprache", "idioma",
    "kenntnisse", "skills", "cefr", "ger", "mcer", "mcerl", "spoken", "written", "with", "mit",
    "con", "at", "auf", "im", "in", "de", "en", "a", "the", "my", "is", "am", "command", "of",
    "know", "speak", "spreche", "hablo", "lengua", "sprachkenntnisse",
})
# Two-letter ISO codes that are common words too: never read as a language on their own.
_CODE_WORDS = frozenset({"no", "or", "to", "is", "as", "be", "an", "am", "so", "it", "on",
                         "at", "he", "me", "my", "we", "us", "oh", "ok"})
# What people call a language where pycountry's names say it otherwise ("Modern Greek").
_LANGUAGE_ALIASES: dict[str, str] = {
    "greek": "el", "griechisch": "el", "griego": "el", "malay": "ms", "malayo": "ms",
    "nepali": "ne", "swahili": "sw", "suajili": "sw", "mandarin": "zh", "cantonese": "zh",
    "kantonesisch": "zh", "mandarin chinese": "zh", "castellano": "es", "castilian": "es",
    "farsi": "fa", "hollandisch": "nl", "holandes": "nl", "flemish": "nl", "flamisch": "nl",
    "flamenco": "nl", "filipino": "tl", "norwegian": "no", "noruego": "no", "ukraniano": "uk",
    "ucraniano": "uk", "arabe": "ar", "pashto": "ps", "swiss german": "de",
    "schweizerdeutsch": "de", "austrian german": "de", "british english": "en",
    "american english": "en", "us english": "en", "uk english": "en",
    "brazilian portuguese": "pt", "brasilianisch": "pt", "latin american spanish": "es",
}
# Names to show where pycountry's is not the everyday one ("Modern Greek (1453-)").
_LABELS: dict[str, dict[str, str]] = {
    "el": {"en": "Greek", "de": "Griechisch", "es": "griego"},
    "es": {"en": "Spanish", "de": "Spanisch", "es": "español"},
}
MAX_SPOKEN_LANGUAGES = 20


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _name_spellings(name: str) -> list[str]:
    """ "Neerlandés (Holandés)" -> both; "Malay (macrolanguage)" -> "Malay"; "A; B" -> both."""
    spellings: list[str] = []
    for part in name.split(";"):
        outside = re.sub(r"\([^)]*\)", " ", part)
        spellings.append(outside)
        for inside in re.findall(r"\(([^)]*)\)", part):
            if re.fullmatch(r"[^\W\d_]+", inside) and "sprache" not in inside.lower():
                spellings.append(inside)
    return [" ".join(spelling.split()) for spelling in spellings if spelling.strip()]


@cache
def _language_tables() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(every spelling of a language's name, folded -> ISO 639-1 code; code -> its name in
    English, German and Spanish), from pycountry's ISO 639 data and its translations."""
    import gettext

    import pycountry  # only when a language answer is first read: it loads its databases

    translations = {
        lang: gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("de", "es")
    }
    codes: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None:
            continue
        names = {"en": str(language.name)}
        names |= {lang: tr.gettext(names["en"]) for lang, tr in translations.items()}
        labels[code] = {lang: _name_spellings(name)[0] for lang, name in names.items()}
        labels[code]["es"] = _lower_first(labels[code]["es"])  # Spanish writes "alemán"
        for name in names.values():
            for spelling in _name_spellings(name):
                codes.setdefault(_words(spelling), code)
    codes.update(_LANGUAGE_ALIASES)
    labels |= _LABELS
    return codes, labels


def language_label(code: str, lang: str) -> str:
    """A language's name written in ``lang`` ("de" in Spanish: "Alemán"); the code if unknown."""
    names = _language_tables()[1].get(code)
    return names.get(lang, names["en"]) if names else code


def _longest(words: list[str], start: int, table: Mapping[str, object]) -> tuple[str, int]:
    """The longest phrase of up to three words from ``start`` that ``table`` holds, and its
    length; ("", 0) when none."""
    for size in (3, 2, 1):
        phrase = " ".join(words[start : start + size])
        if start + size <= len(words) and phrase in table:
            return phrase, size
    return "", 0


def _higher(a: LanguageLevel | None, b: LanguageLevel) -> LanguageLevel:
    order = list(LanguageLevel)
    return b if a is None or order.index(b) > order.index(a) else a


def _spoken_in(part: str) -> list[list[str | LanguageLevel | None]] | Invalid:
    """One answer part ("Deutsch fließend", "fluent German English B2") as [code, level] pairs.

    A level belongs to the language before it when that one has none yet, else to the next;
    a two-letter code counts as a language only where the part names none ("EN C1").
    """
    names, _ = _language_tables()
    words = _words(part).split()
    named = any(_longest(words, i, names)[1] for i in range(len(words)))
    entries: list[list[str | LanguageLevel | None]] = []
    waiting: LanguageLevel | None = None
    index = 0
    while index < len(words):
        word = words[index]
        name, size = _longest(words, index, names)
        if not (size or named) and word in _language_tables()[1] and word not in _CODE_WORDS:
            name, size = word, 1
        if size:
            code = names.get(name, name)
            entries.append([code, waiting])
            waiting = None
            index += size
            continue
        phrase, size = _longest(words, index, _LEVELS)
        if size:
            level = _LEVELS[phrase]
            if entries and entries[-1][1] is None and waiting is None:
                entries[-1][1] = level
            else:
                waiting = _higher(waiting, level)
            index += size
            continue
        if word not in _LEVEL_FILLERS:
            return Invalid("invalid_languages")
        index += 1
    if not entries:
        return Invalid("invalid_languages")
    if waiting is not None:  # "German C1 fluent": the last language's, the higher one
        last = entries[-1][1]
        entries[-1][1] = _higher(last if isinstance(last, LanguageLevel) else None, waiting)
    return entries


def parse_spoken_languages(text: str) -> tuple[SpokenLanguage, ...] | Invalid:
    """ "German C1, English native", "Deutsch fließend, Englisch B2", "español nativo": the
    languages with their level (none given: working); "none" clears them."""
    if _is_none(text):
        return ()
    levels: dict[str, LanguageLevel] = {}
    for part in re.split(r"[,;\n/|•+&]|\s+(?:and|und|y|e|plus|sowie)\s+", text):
        if not part.strip(" .-*\t"):
            continue
        entries = _spoken_in(part)
        if isinstance(entries, Invalid):
            return entries
        for code, level in entries:
            said = level if isinstance(level, LanguageLevel) else _WORKING
            levels[str(code)] = _higher(levels.get(str(code)), said)
    if not levels or len(levels) > MAX_SPOKEN_LANGUAGES:
        return Invalid("invalid_languages")
    return tuple(SpokenLanguage(code=code, level=level) for code, level in levels.items())


MAX_LICENCES = 20


def parse_licences(text: str) -> tuple[str, ...] | Invalid:
    """ "RN, CDL Class A", "Führerschein B": licences and certifications as typed, one per comma
    (a slash stays: "Führerschein C1/CE" is one); "none" clears them."""
    if _is_none(text):
        return ()
    items = [" ".join(item.strip(" .-•*\t").split()) for item in re.split(r"[,;\n•|]", text)]
    items = [item for item in items if item]
    if not items or len(items) > MAX_LICENCES:
        return Invalid("invalid_licences")
    if any(len(item) < 2 or len(item) > 80 or not re.search(r"[^\W\d_]", item) for item in items):
        return Invalid("invalid_licences")
    unique: dict[str, str] = {}
    for item in items:
        unique.setdefault(item.casefold(), item)
    return tuple(unique.values())


MIN_COMMUTE_KM, MAX_COMMUTE_KM = 1, 500
KM_PER_MILE = 1.609344
_RADIUS = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)(?![\w.,]*\d)\s*"
    r"(km|kms|kil[oó]m[eé]t(?:er|re|ro)s?n?|mi|miles?|meilen)?(?!\w)",
    re.IGNORECASE,
)
# Words around the radius and the place that are neither ("within", "of", "im Umkreis von",
# "um", "a", "de"), folded, longest first where one starts another.
_COMMUTE_CONNECTORS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(phrase.split())
            for phrase in (
                "within", "up to", "max", "maximum", "radius", "radius of", "a radius of",
                "in a radius of", "around", "of", "from", "near", "to", "in", "at",
                "im umkreis von", "umkreis von", "umkreis", "im umkreis", "bis", "bis zu",
                "innerhalb von", "um", "von", "rund um", "bei", "max.", "hochstens",
                "a", "a menos de", "hasta", "en un radio de", "radio de", "radio", "de",
                "desde", "alrededor de", "en torno a", "cerca de", "en", "como maximo",
                "maximo", "km radius",
            )
        ),
        key=len,
        reverse=True,
    )
)


def _strip_connectors(text: str) -> str:
    """ "of Cambridge" -> "Cambridge"; "im Umkreis von" -> ""; punctuation at the ends dropped."""
    words = text.strip(" \t,.;:()-–").split()
    changed = True
    while words and changed:
        changed = False
        folded = [_words(word) for word in words]
        for phrase in _COMMUTE_CONNECTORS:
            size = len(phrase)
            if tuple(folded[:size]) == phrase:
                words, changed = words[size:], True
                break
            if size <= len(folded) and tuple(folded[-size:]) == phrase:
                words, changed = words[:-size], True
                break
    return " ".join(words).strip(" \t,.;:()-–")


def parse_commute(text: str) -> Commute | Invalid | None:
    """ "within 30 km of Cambridge", "30 km Cambridge", "im Umkreis von 20 km um München",
    "a 15 km de Valencia", "Cambridge, 10 miles": a place and a radius; "none" clears it."""
    if _is_none(text):
        return None
    match = _RADIUS.search(text)
    if match is None:
        return Invalid("invalid_commute")
    before = _strip_connectors(text[: match.start()])
    after = _strip_connectors(text[match.end() :])
    if before and after:
        return Invalid("invalid_commute")
    place = " ".join((before or after).split())
    if not 2 <= len(place) <= 80 or not re.search(r"[^\W\d_]", place):
        return Invalid("invalid_commute")
    radius = float(match.group(1).replace(",", "."))
    if (match.group(2) or "").lower().startswith(("mi", "meilen")):
        radius *= KM_PER_MILE
    if not MIN_COMMUTE_KM <= radius <= MAX_COMMUTE_KM:
        return Invalid("invalid_commute_radius")
    return Commute(place=place, radius_km=round(radius, 1))


def parse_stretch(text: str) -> bool | Invalid:
    """Yes or no (the buttons send "yes" / "no"), in any of the bot's languages."""
    if is_yes(text):
        return True
    if is_no(text):
        return False
    return Invalid("invalid_stretch")
