"""The answers only /prefs asks: spoken languages, licences, a commute radius, stretch jobs.

Tables in English, German and Spanish, and a property: no text makes a parser raise.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations import answers
from conversations.answers import Invalid
from conversations.flow import parse_commute
from core.domain import Commute, LanguageLevel, SpokenLanguage

BASIC, WORKING = LanguageLevel.BASIC, LanguageLevel.WORKING
FLUENT, NATIVE = LanguageLevel.FLUENT, LanguageLevel.NATIVE


def spoken(*pairs: tuple[str, LanguageLevel]) -> tuple[SpokenLanguage, ...]:
    return tuple(SpokenLanguage(code=code, level=level) for code, level in pairs)


# --- spoken languages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("German C1, English native", spoken(("de", FLUENT), ("en", NATIVE))),
        ("Deutsch fließend, Englisch B2", spoken(("de", FLUENT), ("en", WORKING))),
        ("Deutsch fliessend", spoken(("de", FLUENT))),
        ("español nativo, inglés intermedio", spoken(("es", NATIVE), ("en", WORKING))),
        ("English", spoken(("en", WORKING))),  # no level: working
        ("english", spoken(("en", WORKING))),
        ("Inglés", spoken(("en", WORKING))),
        ("Englisch", spoken(("en", WORKING))),
        ("Spanish A2", spoken(("es", BASIC))),
        ("French A1", spoken(("fr", BASIC))),
        ("Italian B1", spoken(("it", WORKING))),
        ("Portuguese C2", spoken(("pt", FLUENT))),
        ("fluent German", spoken(("de", FLUENT))),  # the level before the language
        ("native English, fluent German", spoken(("en", NATIVE), ("de", FLUENT))),
        ("German C1 fluent", spoken(("de", FLUENT))),
        ("German B1 fluent", spoken(("de", FLUENT))),  # two levels: the higher one
        ("English: C2; Deutsch: Muttersprache", spoken(("en", FLUENT), ("de", NATIVE))),
        ("English (native), German (basic)", spoken(("en", NATIVE), ("de", BASIC))),
        ("English native German C1", spoken(("en", NATIVE), ("de", FLUENT))),
        ("Französisch und Italienisch Grundkenntnisse", spoken(("fr", WORKING), ("it", BASIC))),
        ("Englisch verhandlungssicher", spoken(("en", FLUENT))),
        ("Englisch sehr gut", spoken(("en", FLUENT))),
        ("Englisch gut", spoken(("en", WORKING))),
        ("Türkisch Muttersprache", spoken(("tr", NATIVE))),
        ("inglés nivel B2", spoken(("en", WORKING))),
        ("nivel de inglés avanzado", spoken(("en", FLUENT))),  # "de" is a word, not German
        ("Inglés (nivel alto)", spoken(("en", FLUENT))),
        ("alemán básico y francés fluido", spoken(("de", BASIC), ("fr", FLUENT))),
        ("catalán lengua materna", spoken(("ca", NATIVE))),
        ("Mandarin Chinese native", spoken(("zh", NATIVE))),
        ("Chinesisch", spoken(("zh", WORKING))),
        ("Neerlandés", spoken(("nl", WORKING))),
        ("Greek, Arabic", spoken(("el", WORKING), ("ar", WORKING))),
        ("árabe", spoken(("ar", WORKING))),
        ("Swiss German native, British English C2", spoken(("de", NATIVE), ("en", FLUENT))),
        ("EN C1", spoken(("en", FLUENT))),  # ISO codes where no name is given
        ("de", spoken(("de", WORKING))),
        ("en, es", spoken(("en", WORKING), ("es", WORKING))),
        ("English, english C1", spoken(("en", FLUENT))),  # one language once, the higher level
        ("none", ()),
        ("keine", ()),
        ("ninguno", ()),
        ("skip", ()),
    ],
)
def test_spoken_languages(text: str, expected: tuple[SpokenLanguage, ...]) -> None:
    assert answers.parse_spoken_languages(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "asdf",
        "C1",  # a level without a language
        "fluent",
        "German Red Cross",  # a language name in something that is not a language
        "English literature",
        "IT",  # a two-letter word, not Italian
        "no idea",
        "Python, SQL",
        ", ,",
    ],
)
def test_not_spoken_languages(text: str) -> None:
    assert answers.parse_spoken_languages(text) == Invalid("invalid_languages")


def test_too_many_spoken_languages() -> None:
    many = "en, de, es, fr, it, pt, nl, pl, ru, tr, ar, zh, ja, ko, hi, uk, ro, el, sv, da, fi"
    assert answers.parse_spoken_languages(many) == Invalid("invalid_languages")


@pytest.mark.parametrize(
    ("code", "lang", "label"),
    [
        ("de", "en", "German"),
        ("de", "de", "Deutsch"),
        ("de", "es", "alemán"),  # Spanish writes languages in lower case
        ("es", "de", "Spanisch"),
        ("es", "es", "español"),
        ("el", "en", "Greek"),
        ("fr", "de", "Französisch"),
        ("xx", "en", "xx"),  # unknown: the code as it is
    ],
)
def test_language_labels(code: str, lang: str, label: str) -> None:
    assert answers.language_label(code, lang) == label


# --- licences and certifications ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RN, CDL Class A", ("RN", "CDL Class A")),
        ("Führerschein B", ("Führerschein B",)),
        ("Führerschein C1/CE", ("Führerschein C1/CE",)),  # a slash stays inside one
        (
            "  AWS Certified   Solutions Architect ; PMP",
            ("AWS Certified Solutions Architect", "PMP"),
        ),
        ("• RN\n• BLS", ("RN", "BLS")),
        ("RN, rn, RN.", ("RN",)),  # the same one once, as first written
        ("carné de conducir B", ("carné de conducir B",)),
        ("none", ()),
        ("keine", ()),
        ("ninguna", ()),
        ("Überspringen", ()),
    ],
)
def test_licences(text: str, expected: tuple[str, ...]) -> None:
    assert answers.parse_licences(text) == expected


@pytest.mark.parametrize(
    "text", ["", ",,", "1, 2", "x", "A" * 81, ", ".join(f"Licence {n}" for n in range(21))]
)
def test_not_licences(text: str) -> None:
    assert answers.parse_licences(text) == Invalid("invalid_licences")


# --- commute radius -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within 30 km of Cambridge", Commute(place="Cambridge", radius_km=30)),
        ("30 km Cambridge", Commute(place="Cambridge", radius_km=30)),
        ("30km Cambridge", Commute(place="Cambridge", radius_km=30)),
        ("Cambridge, 30 km", Commute(place="Cambridge", radius_km=30)),
        ("Cambridge 30 km radius", Commute(place="Cambridge", radius_km=30)),
        ("up to 25 kilometres from Leeds", Commute(place="Leeds", radius_km=25)),
        ("within 10 miles of Boston", Commute(place="Boston", radius_km=16.1)),
        ("within 2.5 km of London", Commute(place="London", radius_km=2.5)),
        ("Berlin 25", Commute(place="Berlin", radius_km=25)),  # no unit: kilometres
        ("im Umkreis von 20 km um München", Commute(place="München", radius_km=20)),
        ("bis 40 km von Köln", Commute(place="Köln", radius_km=40)),
        ("20 Kilometer um Frankfurt am Main", Commute(place="Frankfurt am Main", radius_km=20)),
        ("7,5 km um Bonn", Commute(place="Bonn", radius_km=7.5)),
        ("a 15 km de Valencia", Commute(place="Valencia", radius_km=15)),
        ("en un radio de 10 km de Madrid", Commute(place="Madrid", radius_km=10)),
        ("a 12 kilómetros de Sevilla", Commute(place="Sevilla", radius_km=12)),
        ("within 500 km of Paris", Commute(place="Paris", radius_km=500)),
        ("1 km Paris", Commute(place="Paris", radius_km=1)),
        ("none", None),
        ("keine", None),
        ("No radius", None),
        ("Kein Umkreis", None),
        ("sin radio", None),
    ],
)
def test_commute(text: str, expected: Commute | None) -> None:
    assert answers.parse_commute(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Cambridge", "invalid_commute"),  # no distance
        ("30 km", "invalid_commute"),  # no place
        ("within 30 km", "invalid_commute"),
        ("hello", "invalid_commute"),
        ("", "invalid_commute"),
        ("Leeds 30 km Cambridge", "invalid_commute"),  # two places: which one?
        ("within 0 km of Cambridge", "invalid_commute_radius"),
        ("within 0.5 km of Cambridge", "invalid_commute_radius"),
        ("within 501 km of Cambridge", "invalid_commute_radius"),
        ("within 400 miles of Cambridge", "invalid_commute_radius"),  # 644 km
        ("99999999999999999999 km Paris", "invalid_commute_radius"),
    ],
)
def test_not_a_commute(text: str, key: str) -> None:
    assert answers.parse_commute(text) == Invalid(key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within 30 km of Cambridge", Commute(place="Cambridge", radius_km=30)),
        ("30 km Berlin, Germany", Commute(place="Berlin, Germany", radius_km=30)),
        ("within 30 km of Atlantis", Invalid("invalid_commute_place")),
        ("none", None),
        ("30 km", Invalid("invalid_commute")),
    ],
)
def test_the_commute_place_must_be_known(text: str, expected: Commute | Invalid | None) -> None:
    assert parse_commute(text) == expected


# --- stretch jobs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("Ja", True),
        ("sí", True),
        ("no", False),
        ("Nein", False),
        ("no gracias", False),
        ("maybe", Invalid("invalid_stretch")),
        ("", Invalid("invalid_stretch")),
    ],
)
def test_stretch(text: str, expected: bool | Invalid) -> None:
    assert answers.parse_stretch(text) == expected


# --- no text makes a parser raise ---------------------------------------------------------------

# Text with the parsers' own vocabulary mixed in, so the property reaches past the first check.
_WORDS = st.sampled_from(
    [
        "German",
        "Deutsch",
        "inglés",
        "C1",
        "native",
        "fließend",
        "km",
        "miles",
        "30",
        "2,5",
        "within",
        "of",
        "um",
        "de",
        "a",
        "none",
        ",",
        ";",
        "/",
        "(",
        ")",
        "und",
        "y",
        "Cambridge",
        "München",
        "ß",
        "İ",
        "\n",
        "-",
        "•",
        "1e9",
        "0",
    ]
)
TEXTS = st.one_of(st.text(), st.lists(st.one_of(_WORDS, st.text(max_size=5))).map(" ".join))
PARSERS = [
    answers.parse_spoken_languages,
    answers.parse_licences,
    answers.parse_commute,
    answers.parse_stretch,
    parse_commute,
]


@pytest.mark.parametrize("parse", PARSERS, ids=lambda parse: f"{parse.__module__}.{parse.__name__}")
@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_parsers_never_raise(parse: object, text: str) -> None:
    assert callable(parse)
    value = parse(text)
    allowed = (Invalid, tuple, Commute, bool, type(None))
    assert isinstance(value, allowed)
    if isinstance(value, Commute):
        assert 1 <= value.radius_km <= 500
        assert value.place.strip()
