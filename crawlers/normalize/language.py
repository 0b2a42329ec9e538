"""Language: the posting's ISO 639-1 code, as stated or guessed from common words."""

from __future__ import annotations

import re

import pycountry

from core.text import fold

_LANGUAGE_SAMPLE = 2_000


def _words(text: str) -> list[str]:
    return text.split()


_STOPWORDS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "the and of to you we with for our is are will your this that be as on have or at"
            " by from who what about"
        ),
        "en",
    ),
    **dict.fromkeys(
        _words(
            "und der die das mit für wir sie ist ein eine einen zu von bei auf du dich uns unser"
            " unsere dein deine ihre nicht auch oder sich werden den dem des zum zur über"
        ),
        "de",
    ),
    **dict.fromkeys(
        _words(
            "el la los las de y en con para por que una un del al nuestro nuestra tu tus su sus"
            " como más se te ofrecemos buscamos"
        ),
        "es",
    ),
}
_LANGUAGE_WORD = re.compile(r"[a-zäöüßáéíóúñ]+")
_LANGUAGE_NAMES = {
    "english": "en",
    "englisch": "en",
    "ingles": "en",
    "german": "de",
    "deutsch": "de",
    "aleman": "de",
    "spanish": "es",
    "spanisch": "es",
    "espanol": "es",
    "castellano": "es",
}
_LANGUAGE_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$")


def normalize_language(value: str | None) -> str | None:
    """ISO 639-1 from "de", "de-DE", "deu" or "German"; None if unrecognised."""
    if not value:
        return None
    folded = fold(value.strip())
    if (match := _LANGUAGE_CODE.match(folded)) is not None:
        code = match.group(1)
        if len(code) == 2:
            language = pycountry.languages.get(alpha_2=code)
        else:
            language = pycountry.languages.get(alpha_3=code)
        found = getattr(language, "alpha_2", None) if language is not None else None
        if found:
            return str(found)
    return _LANGUAGE_NAMES.get(folded)


def guess_language(text: str) -> str | None:
    """ "en", "de" or "es" by counting common words; None when the text is too short to say."""
    counts = {"en": 0, "de": 0, "es": 0}
    for word in _LANGUAGE_WORD.findall(text[:_LANGUAGE_SAMPLE].lower()):
        language = _STOPWORDS.get(word)
        if language is not None:
            counts[language] += 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 3 and top > second * 1.5 else None
