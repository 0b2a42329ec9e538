"""Is this the job we already have? Canonical URLs, fingerprints, near-duplicate descriptions
and what changed between two versions of one posting. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
import struct
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core.domain import WorkMode
from core.jobs import JobPosting, Location
from core.text import fold, spell_out_umlauts
from crawlers.normalize import clean_title

# --- URLs --------------------------------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {
        "gh_src",
        "lever-source",
        "lever-origin",
        "lever-via",
        "ref",
        "referer",
        "referrer",
        "source",
        "src",
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "trk",
        "trackingid",
        "refid",
        "sourcetype",
        "ccuid",
        "campaignid",
        "share_id",
        "shared_from",
        "sc_cid",
    }
)
_TRACKING_PREFIXES = ("utm_", "_hs", "hsa_", "pk_", "mtm_", "matomo_", "piwik_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """One spelling per page, for comparing: https, lower-case host without "www.", no
    tracking parameters, the others sorted, no fragment, no trailing slash.

    A fragment that routes a single-page app ("#/jobs/42", "#!/jobs/42") is kept: there it is
    what tells one job from the next. Input that is not an http(s) URL comes back stripped.
    """
    text = url.strip()
    if not text:
        return ""
    if "://" not in text and re.match(r"^[\w.-]+\.[a-z]{2,}(?:[/:?#]|$)", text, re.I):
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname.rstrip(".").removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _is_tracking(key)
        )
    )
    fragment = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, query, fragment))


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


# --- fingerprints ------------------------------------------------------------------------------

_GENDER_SUFFIX = re.compile(r"(?<=[a-z])(?:[*:_]in(?:nen)?|/-?in(?:nen)?|\(in\)|\(innen\))(?!\w)")
_ABBREVIATIONS = {"sr": "senior", "snr": "senior", "jr": "junior"}
_NOT_WORD = re.compile(r"[^a-z0-9+#]+")
_LEGAL_FORMS = re.compile(
    r"\b(?:gmbh\s*&\s*co\.?\s*kg(?:aa)?|gmbh|ggmbh|mbh|ag|se|kg|kgaa|ohg|ug|e\.?\s?v|inc|llc|llp"
    r"|ltd|limited|plc|corp|corporation|co|company|s\.?\s?a\.?\s?u|s\.?\s?l\.?\s?u|s\.?\s?a"
    r"|s\.?\s?l|s\.?\s?a\.?\s?s|sarl|spa|s\.?\s?r\.?\s?l|b\.?\s?v|n\.?\s?v|ab|as|asa|oy|pty"
    r"|pte|bv|nv)\b\.?"
)


def _key_fold(text: str) -> str:
    """``core.text.fold`` with umlauts spelled out first, so "Müller AG" and "Mueller" are one
    company: the safe direction (see ``core.text``), and the one stored fingerprints and
    signatures were made with."""
    return fold(spell_out_umlauts(text))


def fingerprint(job: JobPosting) -> str:
    """The same job however a source spells it: a hash of company, title and primary place."""
    key = "\x1f".join(
        (_company_key(job.company), _title_key(job.title), _place_key(job.locations, job))
    )
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _company_key(company: str | None) -> str:
    if not company:
        return ""
    return _NOT_WORD.sub("", _LEGAL_FORMS.sub(" ", _key_fold(company)))


def _title_key(title: str) -> str:
    """Gender tags and forms, punctuation and case gone; "Sr." is "senior", and levels stay."""
    words = _NOT_WORD.sub(" ", _GENDER_SUFFIX.sub("", _key_fold(clean_title(title)))).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def _place_key(locations: tuple[Location, ...], job: JobPosting) -> str:
    """The first city in alphabetical order, else the first country, else "remote"; sorted so
    two sources listing the same places in another order agree."""
    cities = sorted(_key_fold(location.city) for location in locations if location.city)
    if cities:
        return cities[0]
    countries = sorted(location.country.lower() for location in locations if location.country)
    if countries:
        return countries[0]
    if job.work_mode is WorkMode.REMOTE or any("remot" in _key_fold(x.raw) for x in locations):
        return "remote"
    regions = sorted(_key_fold(location.region) for location in locations if location.region)
    return regions[0] if regions else ""


# --- near-duplicate descriptions ---------------------------------------------------------------

SHINGLE_WORDS = 5
PERMUTATIONS = 64
NEAR_DUPLICATE_THRESHOLD = 0.85
# 64 independent 32-bit hash functions: one SHAKE-128 output of 256 bytes per shingle, read as
# 64 big-endian words. Fixed for good: signatures are stored, and only signatures made by the
# same functions can be compared.
_HASHES = struct.Struct(f">{PERMUTATIONS}I")
_WORD = re.compile(r"\w+")


def text_signature(text: str) -> tuple[int, ...]:
    """A MinHash of the text's word 5-shingles (folded case, punctuation ignored): for each of
    64 hash functions, the least value over all shingles; () for text without words.

    ``similarity`` of two signatures estimates the Jaccard similarity J of the shingle sets
    with a standard error of sqrt(J(1 - J) / 64): at most 0.0625, about 0.045 near J = 0.85.
    So pairs whose true similarity is 0.75 or 0.95 land on the wrong side of a 0.85 threshold
    only about one time in a hundred; pairs within ~0.05 of it can go either way.
    """
    words = _WORD.findall(_key_fold(text))
    if not words:
        return ()
    width = min(SHINGLE_WORDS, len(words))
    shingles = {" ".join(words[i : i + width]) for i in range(len(words) - width + 1)}
    rows = [
        _HASHES.unpack(hashlib.shake_128(shingle.encode()).digest(_HASHES.size))
        for shingle in shingles
    ]
    return tuple(map(min, zip(*rows, strict=True)))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two signatures' texts, 0..1; 0.0 if either is empty.

    Signatures of different lengths were made differently and cannot be compared: ValueError.
    """
    if not a or not b:
        return 0.0
    if len(a) != len(b):
        raise ValueError(f"signatures of {len(a)} and {len(b)} values cannot be compared")
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def is_near_duplicate(
    a_sig: tuple[int, ...], b_sig: tuple[int, ...], threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> bool:
    """Whether two descriptions are the same text, give or take some rewording."""
    return similarity(a_sig, b_sig) >= threshold


# --- revisions ---------------------------------------------------------------------------------

REVISION_FIELDS = (
    "title",
    "locations",
    "work_mode",
    "salary",
    "employment_type",
    "seniority",
    "description_md",
    "valid_through",
)
_SPACES = re.compile(r"\s+")


def changed_fields(old: JobPosting, new: JobPosting) -> tuple[str, ...]:
    """Which fields a candidate would care about changed, in REVISION_FIELDS order.

    Locations compare as a set of (city, region, country), so a new order or a differently
    spelt raw string is no change; title and description ignore whitespace differences.
    """
    return tuple(
        name
        for name in REVISION_FIELDS
        if _comparable(name, getattr(old, name)) != _comparable(name, getattr(new, name))
    )


def _comparable(name: str, value: object) -> object:
    if name == "locations" and isinstance(value, tuple):
        return frozenset(
            (location.city, location.region, location.country)
            for location in value
            if isinstance(location, Location)
        )
    if name in ("title", "description_md") and isinstance(value, str):
        return _SPACES.sub(" ", value).strip()
    return value
