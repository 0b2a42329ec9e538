"""HTML to Markdown for job descriptions: a small walk over an lxml tree.

Only what descriptions use is kept: paragraphs and line breaks, headings, bold and italic, links
(http(s) and mailto only), nested lists, blockquotes, code, tables and rules. Scripts, styles,
frames, forms, images, comments and every attribute but a safe ``href`` are dropped, so neither
script text, event handlers nor ``javascript:`` URLs can reach the Markdown. Whitespace collapses
as a browser would; only characters Markdown would misread are escaped.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

# Never fetches a DTD or an entity; mends unclosed tags; comments and PIs are not even kept.
_PARSER = etree.HTMLParser(
    recover=True,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    default_doctype=False,
)

_DROPPED = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "form", "img", "svg", "math",
        "noscript", "template", "head", "title", "meta", "link", "base", "object", "embed",
        "canvas", "button", "input", "select", "option", "textarea", "video", "audio",
        "picture", "source", "track", "map", "area", "dialog",
    }
)  # fmt: skip
_BLOCKS = frozenset(
    {
        "html", "body", "p", "div", "section", "article", "header", "footer", "main", "aside",
        "nav", "address", "figure", "figcaption", "fieldset", "legend", "details", "summary",
        "center", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "menu",
        "li", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "caption", "hr",
    }
)  # fmt: skip
# Cells holding these make a table a layout table, not a data table.
_RICH = _BLOCKS - {"p", "div", "center"}
_HEADINGS = {f"h{level}": "#" * level for level in range(1, 7)}
_LISTS = frozenset({"ul", "ol", "menu"})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em", "cite", "dfn"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})
# Below this depth elements are read as plain text: no recursion limit for hostile nesting.
_MAX_DEPTH = 120

_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")
_LINE_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACES = re.compile(r"[ \t]+$", re.MULTILINE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
# "*" and "`" always; "_" unless inside a word (snake_case stays); a backslash only before
# punctuation; "](" that would close a link; "<" that would open a tag; "&" of an entity.
_ESCAPED = re.compile(
    r"[*`]|_(?![^\W_])|(?<![^\W_])_|\\(?=[!-/:-@\[-`{-~])|\](?=\()|<(?=[A-Za-z/!?])|&(?=#?\w+;)"
)
_LINE_START = re.compile(r"^(?:#{1,6}(?= |$)|>)", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")


def html_to_markdown(html: str) -> str:
    """``html`` (a fragment or a document, however broken) as Markdown; "" if it says nothing."""
    if not html or not html.strip():
        return ""
    html = _XML_DECLARATION.sub("", html.replace("\x00", ""))
    try:
        root = etree.fromstring(html, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    markdown = _Renderer().blocks(root, "\n\n", 0)
    markdown = _TRAILING_SPACES.sub("", markdown)
    return _BLANK_LINES.sub("\n\n", markdown).strip("\n")


def _text(text: str) -> str:
    """A text node as Markdown: whitespace runs made one space, Markdown characters escaped.

    Called for every text node, so the regexes run only when ``in`` says they have work.
    """
    if "  " in text or not text.isprintable():  # newlines, tabs, no-break spaces
        text = _SPACES.sub(" ", text)
    if (
        "*" in text
        or "_" in text
        or "`" in text
        or "\\" in text
        or "](" in text
        or "<" in text
        or "&" in text
    ):
        text = _ESCAPED.sub(r"\\\g<0>", text)
    return text


def _tag(element: Any) -> str | None:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else None  # None: a comment or an entity


class _Renderer:
    """Block methods return Markdown blocks; inline methods return one paragraph's text, with
    "\\n" for line breaks, to be tidied by ``_paragraph``."""

    def __init__(self) -> None:
        self.bold = False
        self.italic = False
        self.link = False

    # --- blocks ---------------------------------------------------------------------------

    def blocks(self, element: Any, separator: str, depth: int) -> str:
        """``element``'s content as blocks joined by ``separator``."""
        parts: list[str] = []
        inline: list[str] = []

        def flush() -> None:
            if inline:
                paragraph = _paragraph("".join(inline))
                inline.clear()
                if paragraph:
                    parts.append(paragraph)

        if element.text:
            inline.append(_text(element.text))
        for child in element:
            tag = _tag(child)
            if tag is not None and tag not in _DROPPED:
                if tag in _BLOCKS:
                    flush()
                    block = self.block(child, tag, depth + 1)
                    if block:
                        parts.append(block)
                else:
                    inline.append(self.inline(child, tag, depth + 1))
            if child.tail:
                inline.append(_text(child.tail))
        flush()
        return separator.join(parts)

    def block(self, element: Any, tag: str, depth: int) -> str:
        if depth > _MAX_DEPTH:
            return _paragraph(_text("".join(element.itertext())))
        if tag in _HEADINGS:
            text = _paragraph(self.children_inline(element, depth)).replace("\n", " ")
            return f"{_HEADINGS[tag]} {text}" if text else ""
        if tag in _LISTS:
            return self.list(element, tag, depth)
        if tag == "blockquote":
            inner = self.blocks(element, "\n\n", depth)
            return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
        if tag == "pre":
            return _fenced("".join(element.itertext()))
        if tag == "table":
            return self.table(element, depth)
        if tag == "hr":
            return "---"
        if tag == "li":  # an item outside any list
            return _item("-", self.blocks(element, "\n", depth))
        return self.blocks(element, "\n\n", depth)

    def list(self, element: Any, tag: str, depth: int) -> str:
        ordered = tag == "ol"
        number = _start(element) if ordered else 1
        items: list[str] = []
        for child in element:
            child_tag = _tag(child)
            if child_tag == "li":
                content = self.blocks(child, "\n", depth + 1)
                if content:
                    items.append(_item(f"{number}." if ordered else "-", content))
                number += 1
            elif child_tag is not None and child_tag not in _DROPPED:
                # Stray content: a nested list straight in a list, a <p> between items.
                content = (
                    self.block(child, child_tag, depth + 1)
                    if child_tag in _BLOCKS
                    else _paragraph(self.inline(child, child_tag, depth + 1))
                )
                if content:
                    items.append(_indent(content, "  ") if child_tag in _LISTS else content)
            if child.tail and child.tail.strip():
                items.append(_paragraph(_text(child.tail)))
        if element.text and element.text.strip():
            items.insert(0, _paragraph(_text(element.text)))
        return "\n".join(items)

    def table(self, element: Any, depth: int) -> str:
        rows = [[cell for cell in row if _tag(cell) in ("td", "th")] for row in _rows(element)]
        rows = [row for row in rows if row]
        if not rows:
            return self.blocks(element, "\n\n", depth)
        simple = len(rows) > 1 and max(len(row) for row in rows) > 1
        if simple:
            for row in rows:
                for cell in row:
                    if any(_tag(node) in _RICH for node in cell.iterdescendants()):
                        simple = False
                        break
        if not simple:  # a layout table: its cells as blocks, one after another
            cells = (self.blocks(cell, "\n\n", depth + 2) for row in rows for cell in row)
            return "\n\n".join(cell for cell in cells if cell)
        lines = [
            [
                _paragraph(self.children_inline(cell, depth + 2))
                .replace("\n", " ")
                .replace("|", "\\|")
                for cell in row
            ]
            for row in rows
        ]
        width = max(len(line) for line in lines)
        lines = [line + [""] * (width - len(line)) for line in lines]
        lines.insert(1, ["---"] * width)
        return "\n".join("| " + " | ".join(line) + " |" for line in lines)

    # --- inline ---------------------------------------------------------------------------

    def children_inline(self, element: Any, depth: int) -> str:
        parts: list[str] = []
        if element.text:
            parts.append(_text(element.text))
        for child in element:
            tag = _tag(child)
            if tag is not None and tag not in _DROPPED:
                if depth > _MAX_DEPTH:
                    parts.append(_text("".join(child.itertext())))
                else:
                    parts.append(self.inline(child, tag, depth + 1))
            if child.tail:
                parts.append(_text(child.tail))
        return "".join(parts)

    def inline(self, element: Any, tag: str, depth: int) -> str:
        if tag == "br":
            return "\n"
        if tag in _BLOCKS:  # a block inside inline content: its own line(s)
            if tag == "hr":
                return "\n"
            return "\n" + self.children_inline(element, depth) + "\n"
        if tag in _BOLD and not self.bold:
            self.bold = True
            try:
                return _wrap("**", self.children_inline(element, depth))
            finally:
                self.bold = False
        if tag in _ITALIC and not self.italic:
            self.italic = True
            try:
                return _wrap("*", self.children_inline(element, depth))
            finally:
                self.italic = False
        if tag in _CODE:
            return _code_span(_SPACES.sub(" ", "".join(element.itertext())))
        if tag == "a" and not self.link:
            self.link = True
            try:
                return _link(element.get("href"), self.children_inline(element, depth))
            finally:
                self.link = False
        return self.children_inline(element, depth)


def _paragraph(text: str) -> str:
    """Inline text tidied: spaces collapsed, line edges trimmed, line-start markers escaped."""
    if "\n" in text:
        text = "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")
    else:
        text = text.strip(" ")
    if "  " in text:
        text = _LINE_SPACES.sub(" ", text)
    if "#" in text or ">" in text:
        text = _LINE_START.sub(r"\\\g<0>", text)
    return text


def _wrap(marker: str, text: str) -> str:
    """``text`` emphasised, the spaces at its edges kept outside the markers."""
    inner = text.strip(" \n")
    if not inner:
        return " " if text else ""
    prefix = text[: len(text) - len(text.lstrip(" \n"))]
    suffix = text[len(text.rstrip(" \n")) :]
    return f"{prefix}{marker}{inner}{marker}{suffix}"


def _link(href: str | None, text: str) -> str:
    label = _LINE_SPACES.sub(" ", text.replace("\n", " "))
    inner = label.strip()
    if not inner:
        return " " if label else ""
    href = (href or "").strip()
    if not _SAFE_HREF.match(href):
        return label
    target = "".join(_HREF_ESCAPES.get(char, char) for char in href)
    prefix = " " if label[:1] == " " else ""
    suffix = " " if label[-1:] == " " else ""
    if inner.replace("\\_", "_") == href:
        return f"{prefix}<{target}>{suffix}"
    return f"{prefix}[{inner}]({target}){suffix}"


_HREF_ESCAPES = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": "", "\t": ""}


def _code_span(text: str) -> str:
    if not text.strip():
        return text
    ticks = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fenced(text: str) -> str:
    text = text.strip("\n")
    if not text.strip():
        return ""
    fence = "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    return f"{fence}\n{text}\n{fence}"


def _item(marker: str, content: str) -> str:
    """A list item: the marker before the first line, the others indented under it."""
    first, _, rest = content.partition("\n")
    if not rest:
        return f"{marker} {first}"
    return f"{marker} {first}\n{_indent(rest, ' ' * (len(marker) + 1))}"


def _indent(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def _start(element: Any) -> int:
    try:
        return max(0, int(str(element.get("start", "1")).strip()))
    except ValueError:
        return 1


def _rows(table: Any) -> list[Any]:
    """The table's own rows (not those of tables nested in its cells), in order."""
    rows: list[Any] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if _tag(row) == "tr")
    return rows
