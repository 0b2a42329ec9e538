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


@dataclass(frozen=True, slots=True)
class SkillEntry:
    name: str
    category: str
    synonyms: tuple[str, ...] = ()


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
        return cls(skills, matching.get("case_sensitive_aliases", ()), rules)

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
        spans: list[tuple[int, int, str]] = []
        for match in self._ci_re.finditer(text):
            name = self._ci.get(_key(match.group()).lower())
            if name is not None:
                spans.append((match.start(), match.end(), name))
        for match in self._cs_re.finditer(text):
            alias = _key(match.group())
            name = self._cs.get(alias)
            if name is not None and self._context_allows(text, match.start(), match.end(), alias):
                spans.append((match.start(), match.end(), name))
        spans.sort(key=lambda span: (span[0], span[0] - span[1]))
        found: dict[str, None] = {}
        covered_to = 0
        for start, end, name in spans:
            if start >= covered_to:
                found.setdefault(name)
                covered_to = end
        return tuple(found)

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


@functools.cache
def _packaged_taxonomy() -> SkillTaxonomy:
    data = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return SkillTaxonomy.from_dict(data)
