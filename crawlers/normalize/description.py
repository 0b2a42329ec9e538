"""Descriptions: HTML or text as tidy Markdown of bounded length, and its plain text."""

from __future__ import annotations

import functools
import html
import re

from crawlers.markdown import html_to_markdown as _lxml_markdown
from crawlers.normalize.text import INVISIBLE

DESCRIPTION_LIMIT = 20_000  # characters of Markdown kept per posting
# HTML beyond this is never parsed: the Markdown would be cut at DESCRIPTION_LIMIT anyway.
_HTML_LIMIT = 400_000

_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)
_INNER_SPACES = re.compile(r"[ \t\u00a0]+")
_LINE_EDGES = re.compile(r"^ +| +$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|<(?:https?|mailto):[^>\s]*>|https?://\S+")


def description_markdown(description_html: str | None, description_text: str | None) -> str:
    """The description as Markdown of at most DESCRIPTION_LIMIT characters; "" if none."""
    if description_html and description_html.strip():
        markdown = html_to_markdown(description_html)
        if markdown:
            return markdown
    if description_text and description_text.strip():
        return text_to_markdown(description_text)
    return ""


def html_to_markdown(source: str) -> str:
    """HTML as tidy Markdown: dangerous or useless elements dropped, blank lines collapsed."""
    source = source[:_HTML_LIMIT]
    if "<" not in source and "&lt;" in source:
        source = html.unescape(source)  # escaped twice upstream
    if "<" not in source:
        return text_to_markdown(source)
    return _converted(source) if len(source) <= _CACHED_HTML_LIMIT else _convert(source)


# Crawls see the same postings again and again, and converting HTML is by far the costliest
# step of normalize, so recent results are kept: at most 1,024 descriptions of up to 64 kB.
_CACHED_HTML_LIMIT = 64_000


def _convert(source: str) -> str:
    return _tidy(_lxml_markdown(source))


_converted = functools.lru_cache(maxsize=1024)(_convert)


def text_to_markdown(text: str) -> str:
    """Plain text made tidy: spaces within lines collapsed, blank lines collapsed, capped."""
    if "&" in text:
        text = html.unescape(text)
    return _tidy(_LINE_EDGES.sub("", _INNER_SPACES.sub(" ", text)))


def _tidy(markdown: str) -> str:
    markdown = INVISIBLE.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"))
    markdown = _BLANK_LINES.sub("\n\n", _TRAILING_SPACES.sub("", markdown)).strip()
    return _cap(markdown)


def _cap(markdown: str) -> str:
    if len(markdown) <= DESCRIPTION_LIMIT:
        return markdown
    cut = markdown[: DESCRIPTION_LIMIT - 1]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary > DESCRIPTION_LIMIT * 0.9:
        cut = cut[:boundary]
    return cut.rstrip() + "…"


def plain_text(markdown: str) -> str:
    """Markdown without link targets or escapes: what skills and language are read from."""
    if not markdown:
        return ""
    return _LINK_TARGET.sub(" ", markdown).replace("\\_", "_").replace("\\*", "*")
