"""One ``RawPosting`` in; the same job in our vocabulary (``JobPosting``) or ``Dropped`` out.

Everything here is pure. Tables (``core/data/cities.json``, the country names of
``core.countries``, US states and Canadian provinces) are read once per process on first use,
and every pattern is compiled at import. One module per concern — ``titles``, ``places``,
``work_mode``, ``employment``, ``seniority``, ``salary``, ``description``, ``dates``,
``language`` — each step a public function tests table on its own; ``pipeline.normalize``
strings them together. This package re-exports the names other modules import.
"""

from __future__ import annotations

from crawlers.normalize.dates import parse_date, resolve_date
from crawlers.normalize.description import (
    DESCRIPTION_LIMIT,
    _converted,
    description_markdown,
    html_to_markdown,
)
from crawlers.normalize.employment import parse_employment_type
from crawlers.normalize.language import guess_language, normalize_language
from crawlers.normalize.pipeline import Dropped, normalize
from crawlers.normalize.places import country_code, is_place, parse_locations
from crawlers.normalize.salary import parse_salary
from crawlers.normalize.seniority import detect_seniority
from crawlers.normalize.text import collapse_whitespace
from crawlers.normalize.titles import clean_title, strip_gender_tags
from crawlers.normalize.work_mode import detect_work_mode

__all__ = [
    "DESCRIPTION_LIMIT",
    "Dropped",
    "_converted",  # bench/ingest.py clears the HTML conversion cache between runs
    "clean_title",
    "collapse_whitespace",
    "country_code",
    "description_markdown",
    "detect_seniority",
    "detect_work_mode",
    "guess_language",
    "html_to_markdown",
    "is_place",
    "normalize",
    "normalize_language",
    "parse_date",
    "parse_employment_type",
    "parse_locations",
    "parse_salary",
    "resolve_date",
    "strip_gender_tags",
]
