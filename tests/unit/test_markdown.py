"""HTML to Markdown as a table: what a description's HTML was, what its Markdown must say."""

from __future__ import annotations

import pytest

from crawlers.markdown import html_to_markdown


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # nothing to say
        ("", ""),
        ("   \n\t ", ""),
        ("<p></p><div> </div>", ""),
        ("&nbsp;", ""),
        ("<!-- only a comment -->", ""),
        # paragraphs, line breaks, whitespace
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<p>  lots\n of\t\t space  </p>", "lots of space"),
        ("<p>first<br>second<br/>third</p>", "first\nsecond\nthird"),
        ("<p>A</p><p></p><p></p><br><br><br><p>B</p>", "A\n\nB"),
        ("<div>Hello<p>World</p>tail</div>", "Hello\n\nWorld\n\ntail"),
        ("plain text, no tags", "plain text, no tags"),
        # headings
        ("<h1>Title</h1><h3>Sub  title</h3>", "# Title\n\n### Sub title"),
        ("<h2><strong>About the role</strong></h2>", "## **About the role**"),
        ("<h2></h2><p>x</p>", "x"),
        # bold and italic
        (
            "<p>We build <b>things</b> with <strong>care</strong></p>",
            "We build **things** with **care**",
        ),
        ("<p><em>Hallo</em> <i>Welt</i></p>", "*Hallo* *Welt*"),
        ("<p>a<b> bold </b>b</p>", "a **bold** b"),
        ("<p><b>outer <b>inner</b></b></p>", "**outer inner**"),
        ("<p>x<b></b>y<em> </em>z</p>", "xy z"),
        # links
        ('<a href="https://example.com/apply">Apply</a>', "[Apply](https://example.com/apply)"),
        ('<a href="mailto:jobs@example.com">Write us</a>', "[Write us](mailto:jobs@example.com)"),
        ('<a href="https://example.com">https://example.com</a>', "<https://example.com>"),
        ('<a href="https://x.example/a b(c)">odd</a>', "[odd](https://x.example/a%20b%28c%29)"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ('<a href=" JaVaScRiPt:alert(1)">click</a>', "click"),
        ('<a href="/jobs">see all</a>', "see all"),
        ('<a href="data:text/html,x">data</a>', "data"),
        ('<a href="https://example.com"><img src="x.png"></a>', ""),
        (
            '<a href="https://example.com/job"><div>Card title</div><div>Card text</div></a>',
            "[Card title Card text](https://example.com/job)",
        ),
        # lists, nested, ordered
        ("<ul><li>One</li><li>Two</li></ul>", "- One\n- Two"),
        ("<ul><li>a<li>b</ul>", "- a\n- b"),
        ("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second"),
        ('<ol start="3"><li>three</li><li>four</li></ol>', "3. three\n4. four"),
        (
            "<ul><li>One<ul><li>a</li><li>b<ol><li>x</li></ol></li></ul></li><li>Two</li></ul>",
            "- One\n  - a\n  - b\n    1. x\n- Two",
        ),
        ("<ol><li><p>Para</p><p>More</p></li><li>Next</li></ol>", "1. Para\n   More\n2. Next"),
        ("<ul><li></li><li>kept</li></ul>", "- kept"),
        ("<p>Intro</p><ul><li>x</li></ul><p>Outro</p>", "Intro\n\n- x\n\nOutro"),
        # blockquotes, code, rules
        ("<blockquote><p>Quote</p><p>two</p></blockquote>", "> Quote\n>\n> two"),
        ("<p>Run <code>pip install jobscout</code></p>", "Run `pip install jobscout`"),
        ("<p><code>a`b</code></p>", "``a`b``"),
        (
            "<pre><code>def f():\n    return 1 * 2</code></pre>",
            "```\ndef f():\n    return 1 * 2\n```",
        ),
        ("<p>above</p><hr><p>below</p>", "above\n\n---\n\nbelow"),
        # tables
        (
            "<table><thead><tr><th>Plan</th><th>Days</th></tr></thead>"
            "<tbody><tr><td>A|B</td><td><b>30</b></td></tr><tr><td>C</td></tr></tbody></table>",
            "| Plan | Days |\n| --- | --- |\n| A\\|B | **30** |\n| C |  |",
        ),
        ("<table><tr><td>Only</td></tr><tr><td>column</td></tr></table>", "Only\n\ncolumn"),
        (
            "<table><tr><td><p>Layout</p><ul><li>item</li></ul></td><td>side</td></tr>"
            "<tr><td>x</td><td>y</td></tr></table>",
            "Layout\n\n- item\n\nside\n\nx\n\ny",
        ),
        # dropped elements and attributes
        ("<p>a<script>alert('x')</script>b</p>", "ab"),
        ("<style>p { color: red }</style><p>styled</p>", "styled"),
        ('<iframe src="https://evil.example"></iframe><p>after</p>', "after"),
        ("<form><input value='secret'><button>Send</button></form>ok", "ok"),
        ('<img src="https://tracker.example/p.gif" onerror="x()" alt="pixel">ok', "ok"),
        ("<svg><text>drawn</text></svg><noscript>enable js</noscript>ok", "ok"),
        ("<template><p>later</p></template>ok", "ok"),
        ("<html><head><title>T</title></head><body><p>body</p></body></html>", "body"),
        ("<p>x<!-- hidden -->y</p>", "xy"),
        ('<div onclick="steal()"><p onmouseover="x()">safe</p></div>', "safe"),
        # entities and languages
        ("<p>Tom &amp; Jerry &lt;3 &euro; &quot;q&quot;</p>", 'Tom & Jerry <3 € "q"'),
        (
            "<p>Gr&ouml;&szlig;e: &Uuml;berstunden, M&uuml;nchen &ndash; B&uuml;ro</p>",
            "Größe: Überstunden, München – Büro",
        ),
        (
            "<p>Wir suchen eine Fachkraft für Übersetzungen in Köln.</p>",
            "Wir suchen eine Fachkraft für Übersetzungen in Köln.",
        ),
        (
            "<p>Espa&ntilde;a: se&ntilde;ales, a&ntilde;o, ni&ntilde;o, ¿Qué más?</p>",
            "España: señales, año, niño, ¿Qué más?",
        ),
        ("<p>Ünïcödé — 日本語 ✓</p>", "Ünïcödé — 日本語 ✓"),
        # escaping: only what Markdown would misread
        (
            "<p>Hello, world! (Remote) 50% - 60%; Q&amp;A: yes. #1 team + C++ / C#</p>",
            "Hello, world! (Remote) 50% - 60%; Q&A: yes. #1 team + C++ / C#",
        ),
        ("<p>Mitarbeiter*innen und Kolleg*innen</p>", "Mitarbeiter\\*innen und Kolleg\\*innen"),
        ("<p>snake_case and _under_</p>", "snake_case and \\_under\\_"),
        ("<p>[Remote](Berlin)</p>", "[Remote\\](Berlin)"),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "\\<script>alert(1)\\</script>"),
        ("<p># not a heading</p><p>&gt; not a quote</p>", "\\# not a heading\n\n\\> not a quote"),
        ("<p>use `backticks`</p>", "use \\`backticks\\`"),
        # broken HTML
        ("<div><p>unclosed <b>bold</div></div></div><p>next", "unclosed **bold**\n\nnext"),
        ("</div></p>stray closers<p>x", "stray closers\n\nx"),
        ("<p>a < b and c > d</p>", "a < b and c > d"),
        ('<?xml version="1.0" encoding="utf-8"?><p>declared</p>', "declared"),
    ],
)
def test_html_to_markdown(html: str, expected: str) -> None:
    assert html_to_markdown(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<script>var secret = 'token';</script><p>visible</p>",
        "<p>visible<script type='text/javascript'>document.cookie</script></p>",
        "<ul><li>visible<script>secret()</script></li></ul>",
        "<table><tr><td>visible</td><td><script>secret()</script></td></tr></table>",
        "<p>visible</p><script>unclosed secret",
    ],
)
def test_script_content_never_appears(html: str) -> None:
    markdown = html_to_markdown(html)
    assert "visible" in markdown
    assert "secret" not in markdown
    assert "cookie" not in markdown


def test_no_dangerous_urls_or_handlers() -> None:
    markdown = html_to_markdown(
        '<p onclick="steal()"><a href="javascript:alert(1)" onmouseover="x()">a</a>'
        '<a href="vbscript:x">b</a><a href="data:text/html;base64,xx">c</a>'
        '<img src="javascript:alert(2)" onerror="alert(3)"><a href="https://ok.example">d</a></p>'
    )
    assert markdown == "abc[d](https://ok.example)"
    for bad in ("javascript", "vbscript", "data:", "onclick", "onerror", "onmouseover", "alert"):
        assert bad not in markdown.lower()


def test_deeply_nested_html_does_not_crash() -> None:
    assert html_to_markdown("<div>" * 5_000 + "deep" + "</div>" * 5_000) in ("", "deep")
    assert "x" in html_to_markdown("<ul><li>" * 100 + "x" + "</li></ul>" * 100)
