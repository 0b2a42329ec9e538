"""How text is compared: one folding and one gender-tag pattern for every module (pure).

The folding rule, everywhere: Unicode compatibility decomposition (NFKD), combining marks
dropped, case folded, whitespace runs made one space. So "Müller", "MÜLLER" and "Muller" fold
to "muller", "Straße" to "strasse", "Híbrido" to "hibrido", "ﬁ" to "fi".

Umlauts lose their dots (ä -> a), they are not spelled out (ä -> ae): "Mueller" folds to
"mueller", not to "muller". The spelled-out form cannot be undone safely — "ue" is an umlaut in
"Mueller" but not in "Manuel", "Queue" or "Samuel", "oe" not in "Joel"/"Zoe", "ae" not in
"Michael" — so folding never guesses. Where a spelled-out German name must find the same thing
(a place typed "Muenchen", a company written "Mueller AG"), the side that holds the umlaut
spells it out with ``spell_out_umlauts`` before folding: that direction is always safe.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import permutations

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]|_")
_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def fold(text: str | None) -> str:
    """``text`` for comparison: no accents, case folded, single spaces ("  Sí " -> "si")."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    # Cased again: a compatibility letter without a case mapping decomposes to a capital
    # ("ℌ" -> "H").
    return _SPACE.sub(" ", stripped.casefold()).strip()


def fold_words(text: str | None) -> str:
    """``fold`` without punctuation, symbols or emoji: "¡Menú!" -> "menu"."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def spell_out_umlauts(text: str) -> str:
    """German umlauts and ß written out ("München" -> "Muenchen"), the rest untouched.

    For keys that must match the ASCII spelling a German writer uses; fold the result.
    """
    return text.translate(_UMLAUTS)


# --- gender tags -------------------------------------------------------------------------------

# Letters a bracketed tag lists: m(ale)/männlich, w(eiblich), f(emale/eminine), d(ivers),
# x, h(omme), i(nter), v(arón), a(ll), nb (non-binary).
_GENDER = r"(?:m|w|f|d|x|h|i|v|a|div|divers|diverse|inter|nb)"
# The same three letters written together: "(mwd)", "(wmd)", "(mfx)", "(dfm)", ...
_RUN_TOGETHER = "|".join(
    sorted({"".join(p) for a in "wf" for b in "dx" for p in permutations(("m", a, b))})
)
_GENDER_TAG = re.compile(
    # "(m/w/d)", "[f|m|x]", "(w, m, d)", "(m/w/div)*", "(mwd)", "(all genders)", "(gn*)"
    rf"[(\[]\s*(?:{_GENDER}\s*\*?(?:\s*[/|,.\-]\s*{_GENDER}\s*\*?){{1,3}}"
    rf"|{_RUN_TOGETHER}"
    r"|all\s+genders?|alle\s+geschlechter|any\s+gender|todos\s+los\s+g[eé]neros|gn\s*\*?)"
    r"\s*[)\]]\s*\*?"
    # "m/w/d", "w/m", "f/m/x" without brackets, wherever they stand
    r"|(?<![\w/])[mwfh]\s*/\s*[mwfd](?:\s*/\s*(?:[dxi]|div(?:ers)?))?(?![\w/])",
    re.IGNORECASE,
)


def strip_gender_tag(title: str) -> str:
    """The title without "(m/w/d)", "(mwd)", "(f/m/x)", "(all genders)", a bare "m/w/d" and
    the like, whitespace made single: such tags say nothing about the job and would make the
    same title look different."""
    return _SPACE.sub(" ", _GENDER_TAG.sub(" ", title)).strip()


def has_gender_tag(text: str) -> bool:
    """Whether ``text`` carries a gender tag: a strong sign that it is a job title."""
    return _GENDER_TAG.search(text) is not None
