"""Skills taxonomy: canonical skill names, categories and aliases, matched in free text.

The data lives in ``core/data/skills.json``; its ``matching.rules`` list documents how aliases
match. Everything here is pure apart from reading that file once.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DATA_FILE = Path(__file__).parent / "data" / "skills.json"

# Inside an alias a space stands for any run of whitespace or hyphens, so "full stack" matches
# "Full-Stack" and a line-wrapped "machine\nlearning"; a slash may carry spaces ("CI / CD").
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011]+")
_SLASH = re.compile(r"\s*/\s*")
_SPACE_PATTERN = r"[\s\-\u2010\u2011]+"
_SLASH_PATTERN = r"\s*/\s*"

# Whole tokens only: not inside a word, an email address, a hashtag or a dotted name.
_CI_LEFT = r"(?<![\w@#+.&])"
_CI_RIGHT = r"(?![\w+#&]|\.\w)"
# Case-sensitive aliases are short or common words, so they also refuse hyphens, ampersands and
# apostrophes around them ("C-Level", "R&D", "Go-Live", "Rust's").
_CS_LEFT = r"(?<![\w@#+.&'’\-])"
_CS_RIGHT = r"(?![\w+#&'’\-]|\.\w)"

_NEXT_WORD = re.compile(r"[^\S\n]+([\w'’]+)")
_PREVIOUS_WORD = re.compile(r"([\w'’]+)[^\S\n]+$")
_LIST_SEPARATORS = re.compile(r"[,;\n|•·]+")
_CONJUNCTIONS = re.compile(r"\s*/\s*|\s+(?:and|und|&)\s+", re.IGNORECASE)
_LOWERCASE_IN_TITLES = frozenset(
    {"and", "und", "of", "for", "the", "in", "on", "der", "die", "das"}
)
# One line of a list splits at these, outside brackets ("Python (pandas, NumPy), SQL").
_ITEM_SEPARATORS = frozenset(",;|•·●▪◦\t")
_ITEM_LEFT = "•·●▪◦*>-–—:,;| \t"  # not a dot: ".NET"
_ITEM_RIGHT = _ITEM_LEFT + "."
# A level or duration after an item: "(advanced)", "- 5 years", ": fortgeschritten", "4/5".
_LEVEL_WORDS = (
    r"advanced|expert|expertise|intermediate|basic|basics|beginner|proficient|fluent|native|"
    r"good|very\s+good|excellent|strong|solid|working\s+knowledge|familiar|"
    r"fortgeschritten|experte|grundkenntnisse|gute?\s+kenntnisse|sehr\s+gute?(?:\s+kenntnisse)?|"
    r"gute?|vertieft|vertiefte\s+kenntnisse|básico|basico|intermedio|avanzado|experto|alto|medio|"
    r"[abc][12]|\d+\s*/\s*\d+|\d{1,3}\s*%|[★☆●○]+"
)
_DURATION = (
    r"\d+(?:[.,]\d+)?\+?\s*(?:years?|yrs?|y|jahre?n?|j\.|años|anos)"
    r"(?:\s+(?:of\s+)?experience)?"
)
_TRAILING_LEVEL = re.compile(
    rf"\s*(?:\(\s*(?:{_LEVEL_WORDS}|{_DURATION})\s*\)|[-–—:,]\s*(?:{_LEVEL_WORDS}|{_DURATION})"
    rf"|\s(?:{_DURATION}|\d+\s*/\s*\d+|\d{{1,3}}\s*%|[★☆●○]+))\s*$",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<inner>[^()]+)\)$")
_NOT_AN_ITEM = re.compile(r"@|https?:|www\.|\b(?:19|20)\d{2}\b|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_ITEM_WORD = re.compile(r"[\w+#./&'’-]+")
MAX_ITEM_WORDS = 4  # "Infection prevention and control"; five words and more read as a sentence
_MAX_ITEM_CHARS = 50


@dataclass(frozen=True, slots=True)
class SkillEntry:
    name: str
    category: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """One taxonomy alias found in a text: where, which skill, and the alias as matched."""

    start: int
    end: int
    name: str
    alias: str


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Extra conditions for one case-sensitive alias; words compare in lower case."""

    not_followed_by: frozenset[str] = frozenset()
    not_preceded_by: frozenset[str] = frozenset()
    not_on_line_with: tuple[str, ...] = ()


def _key(alias: str) -> str:
    """An alias or a matched text with its separators normalised, case kept."""
    return _SLASH.sub("/", _SEPARATORS.sub(" ", alias.strip()))


def _alternation(keys: Iterable[str]) -> str:
    """One regex for many literals, factored as a trie so a match costs one walk, not one try
    per alias; greedy optional tails make the longest alias win at a position."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie) or r"(?!)"


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [_char_pattern(char) + _trie_pattern(child) for char, child in node.items() if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _char_pattern(char: str) -> str:
    if char == " ":
        return _SPACE_PATTERN
    if char == "/":
        return _SLASH_PATTERN
    return re.escape(char)


def _title_as_typed(name: str) -> str:
    """Capitalise all-lowercase words, keep words the user already cased ("iPhone", "SAP")."""
    words = name.split()
    out = []
    for index, word in enumerate(words):
        if word.islower() and not (index and word in _LOWERCASE_IN_TITLES):
            word = word[0].upper() + word[1:]
        out.append(word)
    return " ".join(out)


class SkillTaxonomy:
    """Canonical skills with their aliases; immutable once built."""

    def __init__(
        self,
        skills: Iterable[SkillEntry],
        case_sensitive_aliases: Iterable[str] = (),
        context_rules: Mapping[str, ContextRule] | None = None,
        evidence_aliases: Iterable[str] = (),
    ) -> None:
        entries = tuple(skills)
        case_sensitive = {_key(alias) for alias in case_sensitive_aliases}
        self._categories: dict[str, str] = {}
        self._ci: dict[str, str] = {}  # lowercased key -> canonical
        self._cs: dict[str, str] = {}  # exact key -> canonical
        owners: dict[str, str] = {}
        for entry in entries:
            if entry.name in self._categories:
                raise ValueError(f"skill {entry.name!r} is listed twice")
            self._categories[entry.name] = entry.category
            for alias in (entry.name, *entry.synonyms):
                key = _key(alias)
                owner = owners.setdefault(key.lower(), entry.name)
                if owner != entry.name:
                    raise ValueError(f"alias {alias!r} belongs to {owner!r} and {entry.name!r}")
                if key in case_sensitive:
                    self._cs[key] = entry.name
                else:
                    self._ci[key.lower()] = entry.name
        unknown = case_sensitive - self._cs.keys()
        if unknown:
            raise ValueError(f"case-sensitive aliases of no skill: {sorted(unknown)}")
        self._rules = {_key(alias): rule for alias, rule in (context_rules or {}).items()}
        if not self._rules.keys() <= self._cs.keys():
            raise ValueError("context rules must name case-sensitive aliases")
        self._any_case = {key.lower(): name for key, name in self._cs.items()} | self._ci
        self._evidence = {_key(alias).lower() for alias in evidence_aliases}
        if not self._evidence <= self._any_case.keys():
            unknown_evidence = sorted(self._evidence - self._any_case.keys())
            raise ValueError(f"evidence aliases of no skill: {unknown_evidence}")
        self._names = tuple(entry.name for entry in entries)
        self._ci_re = re.compile(_CI_LEFT + _alternation(self._ci) + _CI_RIGHT, re.IGNORECASE)
        self._cs_re = re.compile(_CS_LEFT + _alternation(self._cs) + _CS_RIGHT)

    @classmethod
    def load(cls) -> SkillTaxonomy:
        """The taxonomy packaged with JobScout, read and compiled once per process."""
        return _packaged_taxonomy()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkillTaxonomy:
        """Build from the structure of ``core/data/skills.json``."""
        matching = data.get("matching", {})
        rules = {
            alias: ContextRule(
                not_followed_by=frozenset(w.lower() for w in rule.get("not_followed_by", ())),
                not_preceded_by=frozenset(w.lower() for w in rule.get("not_preceded_by", ())),
                not_on_line_with=tuple(s.lower() for s in rule.get("not_on_line_with", ())),
            )
            for alias, rule in matching.get("context_rules", {}).items()
        }
        skills = (
            SkillEntry(str(s["name"]), str(s["category"]), tuple(map(str, s.get("synonyms", ()))))
            for s in data["skills"]
        )
        return cls(
            skills,
            matching.get("case_sensitive_aliases", ()),
            rules,
            matching.get("needs_evidence", ()),
        )

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def canonical(self, name: str) -> str | None:
        """The canonical skill for one user-typed name ("k8s" -> "Kubernetes"), else None."""
        key = _key(name.strip().strip("•·*,;:").strip())
        return self._any_case.get(key.lower()) if key else None

    def category(self, canonical: str) -> str | None:
        found = self._categories.get(canonical)
        if found is None and (name := self.canonical(canonical)) is not None:
            found = self._categories[name]
        return found

    def find_in_text(self, text: str) -> tuple[str, ...]:
        """Canonical skills mentioned in free text, in order of first appearance, no repeats."""
        return tuple(dict.fromkeys(mention.name for mention in self.mentions(text)))

    def mentions(self, text: str) -> tuple[Mention, ...]:
        """Every alias occurrence in the text, left to right, the longest at each position."""
        spans: list[Mention] = []
        for match in self._ci_re.finditer(text):
            alias = _key(match.group())
            name = self._ci.get(alias.lower())
            if name is not None:
                spans.append(Mention(match.start(), match.end(), name, alias))
        for match in self._cs_re.finditer(text):
            alias = _key(match.group())
            name = self._cs.get(alias)
            if name is not None and self._context_allows(text, match.start(), match.end(), alias):
                spans.append(Mention(match.start(), match.end(), name, alias))
        spans.sort(key=lambda span: (span.start, span.start - span.end))
        kept: list[Mention] = []
        covered_to = 0
        for mention in spans:
            if mention.start >= covered_to:
                kept.append(mention)
                covered_to = mention.end
        return tuple(kept)

    def needs_evidence(self, alias: str) -> bool:
        """Whether an alias is an everyday word ("contracts", "audit", "forecasting") that
        names a skill only when listed as one, not when a sentence merely uses it."""
        return _key(alias).lower() in self._evidence

    def find_with_evidence(self, text: str) -> tuple[str, ...]:
        """Skills in running text (experience, summary) under the evidence rule.

        A mention counts when its alias is specific ("Kubernetes", "Wundversorgung"). An
        everyday-word alias (``needs_evidence``) counts only as a whole list item: alone on a
        bullet line or between list separators ("• Budgeting", "Audit, Tax, Payroll"). Being
        said twice is not evidence: a sales manager who "negotiated contracts" in every job
        still lists no contract law. The Skills section is read by ``section_skills``.
        """
        found: dict[str, None] = {}
        for mention in self.mentions(text):
            if self.needs_evidence(mention.alias) and not _is_whole_item(text, mention):
                continue
            found.setdefault(mention.name)
        return tuple(found)

    def resolve_item(self, item: str) -> tuple[str, ...] | None:
        """Canonical names for one list item, when the item or every part of "A/B", "A and
        B" is a known skill; None when it is not."""
        known = self.canonical(item)
        if known is not None:
            return (known,)
        pieces = [p for p in _CONJUNCTIONS.split(item) if p.strip()]
        resolved = [self.canonical(p) for p in pieces]
        if len(pieces) > 1 and all(resolved):
            return tuple(dict.fromkeys(name for name in resolved if name is not None))
        return None

    def section_skills(self, line: str) -> tuple[str, ...]:
        """The skills one line of a Skills section lists, known or not (see ``section_item``
        for what an item is); a line of prose falls back to ``find_with_evidence``."""
        out: dict[str, str] = {}
        for raw in split_items(line):
            for name in self._item_skills(raw):
                out.setdefault(name.casefold(), name)
        return tuple(out.values())

    def _item_skills(self, raw: str) -> list[str]:
        words = len(_ITEM_WORD.findall(_strip_parentheses(raw)))
        if words > MAX_ITEM_WORDS:
            return list(self.find_with_evidence(raw))  # a sentence, read as running text
        out: list[str] = []
        for item in expand_item(raw):
            resolved = self.resolve_item(item)
            if resolved is not None:
                out.extend(resolved)
                continue
            mentions = self.mentions(item)
            specific = [m for m in mentions if not self.needs_evidence(m.alias)]
            covered = sum(len(_ITEM_WORD.findall(m.alias)) for m in specific)
            item_words = len(_ITEM_WORD.findall(item))
            # "Python scripting" is Python; "SQL query tuning" is its own skill, and uses SQL
            if 2 * covered < item_words:
                out.append(item)
            out.extend(m.name for m in specific)
        return out

    def normalize_list(self, names: Iterable[str]) -> tuple[str, ...]:
        """User-typed skills ("python, k8s, js") as canonical names; unknown ones are kept as
        typed with lowercase words capitalised; duplicates (ignoring case) dropped."""
        out: dict[str, str] = {}
        for raw in names:
            for part in _LIST_SEPARATORS.split(raw):
                for name in self._resolve(part):
                    out.setdefault(name.casefold(), name)
        return tuple(out.values())

    def _resolve(self, part: str) -> list[str]:
        cleaned = " ".join(part.strip().strip("•·*-–:").split())
        if not cleaned:
            return []
        known = self.canonical(cleaned)
        if known is not None:
            return [known]
        pieces = [p for p in _CONJUNCTIONS.split(cleaned) if p.strip()]
        resolved = [self.canonical(p) for p in pieces]
        if len(pieces) > 1 and all(resolved):
            return [name for name in resolved if name is not None]
        return [_title_as_typed(cleaned)]

    def _context_allows(self, text: str, start: int, end: int, alias: str) -> bool:
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if len(alias) == 1 and (after == "." or (before == "(" and after == ")")):
            return False  # an initial ("John R. Smith") or a sign ("(R)", "(C)")
        rule = self._rules.get(alias)
        if rule is None:
            return True
        following = _NEXT_WORD.match(text, end)
        if following is not None and following.group(1).lower() in rule.not_followed_by:
            return False
        preceding = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
        if preceding is not None and preceding.group(1).lower() in rule.not_preceded_by:
            return False
        if rule.not_on_line_with:
            line_end = text.find("\n", end)
            line = text[text.rfind("\n", 0, start) + 1 : line_end if line_end >= 0 else None]
            return not any(marker in line.lower() for marker in rule.not_on_line_with)
        return True


def split_items(line: str) -> list[str]:
    """A list line's top-level items: separators inside brackets do not split, so
    "Python (pandas, NumPy); SQL" is two items."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in line:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        if depth == 0 and char in _ITEM_SEPARATORS:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return [item for item in items if item.strip()]


def section_item(raw: str) -> str | None:
    """One list item normalised (trimmed, spaces collapsed, a trailing level or duration
    dropped), or None when it is not an item: empty, a sentence (more than
    ``MAX_ITEM_WORDS`` words), a date, an email or a link, or too long."""
    text = " ".join(raw.split()).lstrip(_ITEM_LEFT).rstrip(_ITEM_RIGHT)
    while (stripped := _TRAILING_LEVEL.sub("", text).rstrip(_ITEM_RIGHT)) != text:
        text = stripped
    if not text or len(text) > _MAX_ITEM_CHARS or not any(c.isalpha() for c in text):
        return None
    if _NOT_AN_ITEM.search(text):
        return None
    if len(_ITEM_WORD.findall(_strip_parentheses(text))) > MAX_ITEM_WORDS:
        return None
    return text


def expand_item(raw: str) -> list[str]:
    """An item with what its brackets list: "Python (pandas, NumPy)" is three items, while
    an acronym of the head ("Basic Life Support (BLS)") or a level adds nothing."""
    item = section_item(raw)
    if item is None:
        return []
    match = _PARENTHESES.match(item)
    if match is None:
        return [item]
    head, inner = match["head"].strip(), match["inner"].strip()
    if _is_acronym_of(inner, head):
        return [head]
    inner_items = [found for part in split_items(inner) if (found := section_item(part))]
    return [head, *inner_items] if inner_items else [head]


def _is_acronym_of(inner: str, head: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", inner)
    if not letters.isupper() and not letters[:-1].isupper():
        return False
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", head)).upper()
    return letters.upper().rstrip("S") == initials.rstrip("S") or letters.upper() == initials


def _strip_parentheses(text: str) -> str:
    return re.sub(r"\([^()]*\)", " ", text)


def _is_whole_item(text: str, mention: Mention) -> bool:
    """Whether a mention is all of its list item: the text between the separators (or line
    ends) around it is the alias and nothing more."""
    start = mention.start
    while start > 0 and text[start - 1] != "\n" and text[start - 1] not in _ITEM_SEPARATORS:
        start -= 1
    end = mention.end
    while end < len(text) and text[end] != "\n" and text[end] not in _ITEM_SEPARATORS:
        end += 1
    item = section_item(text[start:end])
    return item is not None and _key(item).lower() == mention.alias.lower()


@functools.cache
def _packaged_taxonomy() -> SkillTaxonomy:
    data = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return SkillTaxonomy.from_dict(data)
