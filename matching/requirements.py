"""Required versus nice-to-have skills of a posting, read from its Markdown (pure).

A skill is *nice to have* when the description mentions it only in nice-to-have text:

- a section under a heading that says so ("## Nice to have", "**Bonus points**",
  "Wünschenswert:", "Se valorará:"), up to the next heading; a section opened by a plain
  "...:" line ends with its list (the first paragraph after the bullets is outside it);
- a line that opens with such a lead-in ("Nice to have: Go, Rust", "Deseable: AWS"): the rest
  of that line;
- a sentence or clause (split at ";" and sentence ends) that says so anywhere ("Kafka is a
  plus", "Docker-Kenntnisse sind von Vorteil", "Se valorará experiencia con AWS").

Every other skill is required: the posting's own skill list (minus the nice-only ones), the
skills in the title, and the skills found anywhere else in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from core.domain import LanguageLevel, SpokenLanguage
from core.jobs import JobPosting
from core.skills import SkillTaxonomy
from core.text import fold

# What marks nice-to-have text, in English, German and Spanish (matched on lower-case text).
NICE_MARKERS = re.compile(
    r"nice[\s-]+to[\s-]+haves?|good[\s-]+to[\s-]+have|bonus(?:[\s-]+points?)?\s*(?::|if\b)"
    r"|\bbonus[\s-]+points?\b|\b(?:is|are|would\s+be|as|a)\s+(?:an?\s+)?bonus\b"
    r"|\b(?:is|are|would\s+be|as)\s+(?:an?\s+)?(?:big\s+|huge\s+|strong\s+|definite\s+|real\s+)?"
    r"(?:plus|advantage)\b|\ba\s+(?:big\s+|huge\s+|strong\s+|definite\s+|real\s+)?plus\b"
    r"|^\W*plus\s*:|\bpreferred\b|\bpreferably\b|\bideally\b|\bdesirable\b|\bdesired\b"
    r"|\boptional\b|\bnot\s+required\b|\beven\s+better\b|\bstand\s+out\b|\bwould\s+be\s+nice\b"
    r"|\bextra\s+credit\b"
    r"|w[üu]nschenswert|von\s+vorteil|\bidealerweise\b|\bpluspunkt|\bein\s+plus\b"
    r"|\bw[äa]re\s+(?:sch[öo]n|toll|super|ideal)\b|\bgerne\s+auch\b|\bkein\s+muss\b"
    r"|\bdeseables?\b|\bse\s+valorar[áa]\b|\bse\s+valora\b|\bvalorables?\b|\bvaloraremos\b"
    r"|\b(?:es|ser[áa]|sería)\s+un\s+plus\b|\bun\s+plus\b|\bpreferiblemente\b"
    r"|\bser[íi]a\s+ideal\b|\bno\s+imprescindible\b",
    re.IGNORECASE | re.MULTILINE,
)
# A lead-in: a marker at the start of a line followed by a colon or a dash.
_LEAD_IN = re.compile(
    r"^\W*(?:" + NICE_MARKERS.pattern + r")[^:\n]{0,40}?\s*(?::|[-–—]\s)",
    re.IGNORECASE,
)
# A heading that is only "Bonus", "Plus" or "Extras" also opens a nice-to-have section.
_NICE_HEADING = re.compile(r"^\W*(?:bonus|plus|extras?|pluspunkte?)\W*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_\n]+?)(?:\*\*|__)\s*:?\s*$")
_COLON_LINE = re.compile(r"^\s*(?P<text>[^\s\-*+•\d][^\n]{0,78}?):\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+")
_CLAUSES = re.compile(r";|(?<=[.!?])\s+(?=[A-ZÄÖÜÁÉÍÓÚÑ¿¡])")
# Markdown that hides words from the skill matcher: escapes and link targets.
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")


def _plain(markdown: str) -> str:
    return _ESCAPE.sub(r"\1", _LINK_TARGET.sub("]", markdown))


def _heading(line: str) -> tuple[str, bool] | None:
    """The text of a heading line, and whether it is a colon line (its section is a list)."""
    for pattern, is_colon in ((_MD_HEADING, False), (_BOLD_LINE, False), (_COLON_LINE, True)):
        found = pattern.match(line)
        if found is not None:
            return found.group("text"), is_colon
    return None


# A new job is scored against thousands of candidates: what its text requires is read once per
# job, not once per pair (these are pure functions of strings; the caches hold recent jobs).
_JOBS_REMEMBERED = 1024


@lru_cache(maxsize=_JOBS_REMEMBERED)
def nice_to_have_text(markdown: str) -> tuple[str, str]:
    """The description split into (text that is not nice-to-have, nice-to-have text)."""
    other: list[str] = []
    nice: list[str] = []
    in_section = False
    list_section = False  # opened by a colon line: ends after its list
    seen_bullet = False
    for line in _plain(markdown).splitlines():
        heading = _heading(line)
        if heading is not None:
            text, is_colon = heading
            in_section = bool(NICE_MARKERS.search(text) or _NICE_HEADING.match(text))
            list_section, seen_bullet = is_colon, False
            (nice if in_section else other).append(line)
            continue
        if in_section and list_section and line.strip():
            if _BULLET.match(line):
                seen_bullet = True
            elif seen_bullet:
                in_section = False
        if in_section:
            nice.append(line)
            continue
        lead_in = _LEAD_IN.match(line)
        if lead_in is not None:
            other.append(line[: lead_in.start()])
            nice.append(line[lead_in.start() :])
            continue
        for clause in _CLAUSES.split(line):
            (nice if NICE_MARKERS.search(clause) else other).append(clause)
    return "\n".join(other), "\n".join(nice)


def split_skills(
    posting: JobPosting, taxonomy: SkillTaxonomy
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, nice_to_have) canonical skills of a posting, each in order of appearance."""
    return _split_skills(posting.title, posting.description_md, posting.skills, taxonomy)


@lru_cache(maxsize=_JOBS_REMEMBERED)
def _split_skills(
    title: str, description: str, listed: tuple[str, ...], taxonomy: SkillTaxonomy
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    other_text, nice_text = nice_to_have_text(description)
    found_elsewhere = taxonomy.find_in_text(f"{title}\n{other_text}")
    elsewhere = set(found_elsewhere)
    nice_found = taxonomy.find_in_text(nice_text)
    nice = tuple(skill for skill in nice_found if skill not in elsewhere)
    only_nice = set(nice)
    required: dict[str, None] = {}
    for skill in (*listed, *found_elsewhere):
        if skill not in only_nice:
            required.setdefault(skill)
    return tuple(required), nice


# --- spoken languages and licences a posting requires -------------------------------------------

# Language names (English, German, Spanish; nouns and adjectives, folded) -> ISO 639-1.
LANGUAGE_NAMES: dict[str, str] = {
    "english": "en", "englisch": "en", "englischen": "en", "englische": "en", "ingles": "en",
    "german": "de", "deutsch": "de", "deutsche": "de", "deutschen": "de", "aleman": "de",
    "spanish": "es", "spanisch": "es", "spanischen": "es", "espanol": "es", "castellano": "es",
    "french": "fr", "franzosisch": "fr", "frances": "fr",
    "italian": "it", "italienisch": "it", "italiano": "it",
    "dutch": "nl", "niederlandisch": "nl", "hollandisch": "nl", "neerlandes": "nl",
    "portuguese": "pt", "portugiesisch": "pt", "portugues": "pt",
    "polish": "pl", "polnisch": "pl", "polaco": "pl",
}  # fmt: skip
_LANG_ALT = "|".join(sorted(LANGUAGE_NAMES, key=len, reverse=True))
# A level word before or after the language name, with a few words between at most.
_FLUENT = (
    r"fluent|fluency|fluently|business[\s-]+fluent|business[\s-]+level|proficient|proficiency"
    r"|excellent|strong|advanced|c1|c2|native|mother[\s-]+tongue|muttersprache|muttersprachlich"
    r"|fliessend|fliessende|fliessendes|verhandlungssicher\w*|sehr\s+gute?\w*|exzellente?\w*"
    r"|hervorragende?\w*|nativo|nativa|fluido|fluida|avanzado|avanzada|bilingue|excelente"
)
_WORKING = (
    r"good|working|conversational|professional|b1|b2|gute?\w*|solide?\w*|kenntnisse|"
    r"deutschkenntnisse|englischkenntnisse|spanischkenntnisse|alto|buen|bueno|buena|required|"
    r"erforderlich|vorausgesetzt|imprescindible|requerido|obligatorio|speaker|speaking"
)
_BASIC = r"basic|a1|a2|grundkenntnisse|grundlegende?\w*|basico|basica"
_LEVEL_WORDS = f"(?P<fluent>{_FLUENT})|(?P<working>{_WORKING})|(?P<basic>{_BASIC})"
_LANGUAGE_PHRASE = re.compile(
    rf"\b(?:{_LEVEL_WORDS})\b(?:[\s,()/-]+\w+){{0,2}}?[\s,()/-]+(?P<lang1>{_LANG_ALT})"
    rf"(?:kenntnisse)?\b"
    rf"|\b(?P<lang2>{_LANG_ALT})(?:kenntnisse)?\b(?:[\s,():/-]+\w+){{0,2}}?[\s,():/-]+"
    rf"(?:{_LEVEL_WORDS.replace('?P<', '?P<after_')})\b",
)
# "Deutschkenntnisse", "Englischkenntnisse": a language knowledge noun on its own.
_KNOWLEDGE_NOUN = re.compile(r"\b(deutsch|englisch|spanisch|franzosisch)kenntnisse\b")
_KNOWLEDGE_CODES = {"deutsch": "de", "englisch": "en", "spanisch": "es", "franzosisch": "fr"}


@lru_cache(maxsize=_JOBS_REMEMBERED)
def _fold_plain(text: str) -> str:
    """``core.text.fold`` line by line: a phrase must not run on into the next bullet."""
    return "\n".join(fold(line) for line in text.splitlines())


def _level_of(found: re.Match[str], prefix: str) -> LanguageLevel:
    if found.group(f"{prefix}fluent"):
        return LanguageLevel.FLUENT
    if found.group(f"{prefix}basic"):
        return LanguageLevel.BASIC
    return LanguageLevel.WORKING


def required_languages(posting: JobPosting, *, written: bool = True) -> tuple[SpokenLanguage, ...]:
    """The spoken languages a posting requires, with the lowest level that does, by code.

    The language it is written in counts at WORKING level (you read and answer it at work),
    unless ``written`` is false;
    phrases outside nice-to-have text add languages and levels ("fluent German", "Deutsch C1",
    "verhandlungssicheres Englisch", "español nativo"). "Native" asks for FLUENT: recruiters
    take C2 speakers. A basic level is not a gate and is dropped.
    """
    return _required_languages(posting.language, posting.description_md, written)


@lru_cache(maxsize=_JOBS_REMEMBERED)
def _required_languages(
    language: str | None, description: str, written: bool
) -> tuple[SpokenLanguage, ...]:
    levels: dict[str, LanguageLevel] = {}

    def need(code: str, level: LanguageLevel) -> None:
        if _LEVEL_RANK[level] > _LEVEL_RANK[levels.get(code, LanguageLevel.BASIC)]:
            levels[code] = level

    if written and language:
        need(language.casefold()[:2], LanguageLevel.WORKING)
    other_text, _ = nice_to_have_text(description)
    text = _fold_plain(other_text)
    for found in _LANGUAGE_PHRASE.finditer(text):
        name = found.group("lang1") or found.group("lang2")
        prefix = "" if found.group("lang1") else "after_"
        need(LANGUAGE_NAMES[name], _level_of(found, prefix))
    for found in _KNOWLEDGE_NOUN.finditer(text):
        need(_KNOWLEDGE_CODES[found.group(1)], LanguageLevel.WORKING)
    return tuple(SpokenLanguage(code=code, level=level) for code, level in levels.items())


_LEVEL_RANK = {
    LanguageLevel.BASIC: 0,
    LanguageLevel.WORKING: 1,
    LanguageLevel.FLUENT: 2,
    LanguageLevel.NATIVE: 3,
}


def speaks(languages: Iterable[SpokenLanguage], needed: SpokenLanguage) -> bool:
    """Whether one of ``languages`` is ``needed.code`` at its level or better."""
    return any(
        spoken.code == needed.code and _LEVEL_RANK[spoken.level] >= _LEVEL_RANK[needed.level]
        for spoken in languages
    )


# Licences: canonical name -> spellings (folded, punctuation as spaces). A licence also counts
# as the ones it includes (an NP is a registered nurse; CDL class A covers class B vehicles).
LICENCES: dict[str, tuple[str, ...]] = {
    "RN": ("rn", "registered nurse", "registered nurse rn", "rn licence", "rn license",
           "examinierte pflegefachkraft", "pflegefachkraft", "enfermero titulado"),
    "NP": ("np", "nurse practitioner", "aprn", "fnp", "family nurse practitioner",
           "np licence", "np license", "advanced practice registered nurse"),
    "CDL-A": ("cdl a", "cdl class a", "class a cdl", "cdl a licence", "class a commercial driver"),
    "CDL-B": ("cdl b", "cdl class b", "class b cdl", "cdl", "commercial driving",
              "commercial driver s license"),
    "DL-B": ("b", "driving licence b", "driving license b", "drivers license", "driving licence",
             "driver s license", "fuhrerschein", "fuhrerschein klasse b", "fuhrerschein b",
             "carnet de conducir", "carnet b", "permiso de conducir", "permiso b", "class b"),
    "DL-CE": ("ce", "c e", "fuhrerschein klasse ce", "fuhrerschein ce", "fuhrerschein c ce",
              "carnet c e", "carnet ce", "hgv class 1", "c+e"),
}  # fmt: skip
LICENCE_INCLUDES: dict[str, frozenset[str]] = {
    "NP": frozenset({"RN"}),
    "CDL-A": frozenset({"CDL-B", "DL-B"}),
    "CDL-B": frozenset({"DL-B"}),
    "DL-CE": frozenset({"DL-B"}),
}
_NON_WORD_PLUS = re.compile(r"[^a-z0-9+]+")


def _licence_key(text: str) -> str:
    return " ".join(_NON_WORD_PLUS.split(_fold_plain(text))).strip()


_LICENCE_BY_KEY = {
    _licence_key(spelling): name for name, spellings in LICENCES.items() for spelling in spellings
}


def licence_name(text: str) -> str | None:
    """The canonical licence a typed or listed one names ("Registered Nurse" -> "RN"), or None."""
    return _LICENCE_BY_KEY.get(_licence_key(text))


def held_licences(listed: Iterable[str]) -> frozenset[str]:
    """The canonical licences someone holds, with the ones theirs include."""
    held = {name for name in map(licence_name, listed) if name is not None}
    for name in list(held):
        held |= LICENCE_INCLUDES.get(name, frozenset())
    return frozenset(held)


# Phrases that make a licence a requirement (folded text). Bare "RN" or "CDL" in a title or a
# sentence about the team is not a requirement; "RN licence", "active NP license", "CDL Class A"
# and "Führerschein Klasse B" are.
_LICENCE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:np|aprn|nurse practitioner)\s+(?:licen[cs]e|licensure|certification)"
                r"|\b(?:licen[cs]ed|certified|board[\s-]certified)\s+(?:family\s+)?"
                r"nurse practitioner\b|\baprn\b"), "NP"),
    (re.compile(r"\b(?:rn|registered nurse)\s+(?:licen[cs]e|licensure)"
                r"|\b(?:licen[cs]ed|active|current)\s+(?:rn|registered nurse)\b"
                r"|\bexaminierte?r?\s+pflegefach(?:kraft|frau|mann)\b"
                r"|\babgeschlossene\s+ausbildung\s+(?:als|zur|zum)\s+pflegefach"), "RN"),
    (re.compile(r"\b(?:cdl\s*[-(]?\s*(?:class\s+)?a\b|class\s+a\s+cdl\b)"), "CDL-A"),
    (re.compile(r"\b(?:cdl\s*[-(]?\s*(?:class\s+)?b\b|class\s+b\s+cdl\b)"), "CDL-B"),
    (re.compile(r"\bfuhrerschein(?:klasse)?\s*(?:der\s+)?(?:klasse\s+)?c\s*(?:/|\+|\s)?\s*e\b"
                r"|\bcarnet\s+(?:de\s+conducir\s+)?(?:tipo\s+)?c\s*\+?\s*e\b"
                r"|\bhgv\s+class\s+1\b"), "DL-CE"),
    (re.compile(r"\bfuhrerschein(?:klasse)?\s*(?:der\s+)?(?:klasse\s+)?b\b"
                r"|\b(?:carnet|permiso)\s+de\s+conducir(?:\s+(?:tipo|clase))?\s+b\b"
                r"|\b(?:full\s+|valid\s+)?driv(?:ing|er'?s?)\s+licen[cs]e\b"), "DL-B"),
)  # fmt: skip


def required_licences(posting: JobPosting) -> tuple[str, ...]:
    """Canonical licences the posting requires outside its nice-to-have text, in table order;
    a licence included in another one it requires is dropped (NP already means RN)."""
    return _required_licences(posting.title, posting.description_md)


@lru_cache(maxsize=_JOBS_REMEMBERED)
def _required_licences(title: str, description: str) -> tuple[str, ...]:
    other_text, _ = nice_to_have_text(description)
    text = _fold_plain(f"{title}\n{other_text}")
    found = [name for pattern, name in _LICENCE_PHRASES if pattern.search(text)]
    included = set().union(*(LICENCE_INCLUDES.get(name, frozenset()) for name in found))
    return tuple(name for name in found if name not in included)
