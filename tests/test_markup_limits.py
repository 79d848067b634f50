"""helpdesk.markup under pathological input: every body up to the size limit renders, stays safe, and keeps
what the writer typed visible (as formatting or as typed text).

Timings are not asserted here (machines are noisy); bench/markup_bench.py measures them.
"""

import re
from html.parser import HTMLParser

import pytest
from test_markup import assert_safe

from config import Config
from helpdesk.markup import extract_wikilinks, limits, render

LIMIT = Config.MAX_BODY_LENGTH


def repeat(unit: str, size: int = LIMIT) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def numbered(template: str, size: int = LIMIT) -> str:
    out, total, number = [], 0, 1
    while total + len(template.format(n=number)) <= size:
        out.append(template.format(n=number))
        total += len(out[-1])
        number += 1
    return "".join(out)


def stairs(line, size: int = LIMIT) -> str:
    out, total, number = [], 0, 1
    while total + len(line(number)) + 1 <= size:
        out.append(line(number))
        total += len(out[-1]) + 1
        number += 1
    return "\n".join(out)


class _Page(HTMLParser):
    """What a reader sees: the text, with character references decoded, and which elements there are."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self.feed(html)
        self.close()
        self.text = "".join(self.parts)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)


def count(text: str, piece: str) -> int:
    return text.count(piece)


# name -> (text at the size limit, check(page, text) that what was typed is still there)
CASES = {
    "nested brackets": (
        "[" * (LIMIT // 2) + "]" * (LIMIT // 2),
        lambda page, text: count(page.text, "[") == count(page.text, "]") == LIMIT // 2,
    ),
    "open brackets": ("[" * LIMIT, lambda page, text: count(page.text, "[") == LIMIT),
    "image brackets": (
        repeat("!["),
        lambda page, text: count(page.text, "!") == count(page.text, "[") == LIMIT // 2,
    ),
    "cdata openers": (
        repeat("<![CDATA["),
        lambda page, text: count(page.text, "<![CDATA[") == count(text, "<!["),
    ),
    "open links": (
        repeat("[a]("),
        lambda page, text: (
            count(page.text, "[") == count(page.text, "a") == count(page.text, "(") == LIMIT // 4
        ),
    ),
    "unclosed link titles": (
        repeat("[a](u 'x)"),
        # Python-Markdown reads "[a](u 'x)" as a link to "u 'x": the text "a" is what shows.
        lambda page, text: count(page.text, "a") == count(text, "a"),
    ),
    "open parentheses": ("(" * LIMIT, lambda page, text: count(page.text, "(") == LIMIT),
    "quotes on one line": (
        repeat("> ", LIMIT - 1) + "x",
        lambda page, text: (
            page.text.rstrip().endswith("x")
            and count(page.text, ">") >= count(text, ">") - limits.MAX_NESTING
        ),
    ),
    "quote stairs": (
        stairs(lambda i: "> " * i + "x"),
        lambda page, text: count(page.text, "x") == count(text, "x"),
    ),
    "lists on one line": (
        repeat("- ", LIMIT - 1) + "x",
        lambda page, text: (
            "x" in page.text and count(page.text, "-") >= count(text, "-") - limits.MAX_NESTING
        ),
    ),
    "list stairs": (
        stairs(lambda i: "  " * i + "- item"),
        lambda page, text: count(page.text, "item") == count(text, "item"),
    ),
    "quoted lists": (repeat("> - ", LIMIT - 1) + "x", lambda page, text: "x" in page.text),
    "emphasis stars": (repeat("*a"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "emphasis underscores": (repeat("_a"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "strong": (repeat("**a"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "backticks": ("`" * LIMIT, lambda page, text: count(page.text, "`") == LIMIT),
    "code spans": (repeat("`a"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "less-than signs": ("<" * LIMIT, lambda page, text: count(page.text, "<") == LIMIT),
    "tag starts": (repeat("<a"), lambda page, text: count(page.text, "<a") == count(text, "<a")),
    "autolink starts": (
        repeat("<http://"),
        lambda page, text: count(page.text, "http://") == count(text, "http"),
    ),
    "nested divs": (
        repeat("<div>"),
        lambda page, text: (
            count(page.text, "<div>") + page.tags.count("div") == count(text, "<div>")
            and page.tags.count("div") <= limits.MAX_HTML_DEPTH
        ),
    ),
    "nested bold": (
        repeat("<b>"),
        lambda page, text: (
            count(page.text, "<b>") + page.tags.count("b") >= count(text, "<b>")
            and page.tags.count("b") <= limits.MAX_HTML_DEPTH
        ),
    ),
    "one long word": ("a" * LIMIT, lambda page, text: count(page.text, "a") == LIMIT),
    "ampersands": ("&" * LIMIT, lambda page, text: count(page.text, "&") == LIMIT),
    "entities": (
        repeat("&eacute;&#228;&#x2014;&amp;"),
        # Rendered, "&eacute;" shows as "é"; in a part shown as typed, as "&eacute;".
        lambda page, text: count(page.text, "é") + count(page.text, "&eacute;") == count(text, "&eacute;"),
    ),
    "line breaks": (repeat("a\n"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "setext headings": (repeat("a\n=\n"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "rules": (
        repeat("- - -\n"),
        lambda page, text: page.tags.count("hr") + count(page.text, "- - -") == count(text, "- - -"),
    ),
    "headings": (repeat("# a\n"), lambda page, text: count(page.text, "a") == count(text, "a")),
    "fences": (
        repeat("```\n"),
        lambda page, text: 2 * page.tags.count("pre") + count(page.text, "```") == count(text, "```"),
    ),
    "one wide table row": (
        repeat("a|", LIMIT // 2) + "\n" + repeat("-|", LIMIT // 2 - 1),
        lambda page, text: count(page.text, "a") == count(text, "a"),
    ),
    "bare URLs": (
        numbered("https://example.com/p/{n} "),
        lambda page, text: count(page.text, "example.com/p/") == count(text, "example.com/p/"),
    ),
    "Markdown links": (
        numbered("[link {n}](https://example.com/{n}) "),
        lambda page, text: set(re.findall(r"link \d+", page.text)) == set(re.findall(r"link \d+", text)),
    ),
    "wiki links": (
        numbered("[[Page {n}]] "),
        lambda page, text: set(re.findall(r"Page \d+", page.text)) == set(re.findall(r"Page \d+", text)),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_pathological_body_at_the_limit_renders_safely_and_keeps_its_text(name):
    text, keeps_what_was_typed = CASES[name]
    assert len(text) <= LIMIT

    html = str(render(text, wikilinks=lambda title: (f"/wiki/{title}", True)))

    assert_safe(html, name)
    page = _Page(html)
    assert keeps_what_was_typed(page, text), f"{name}: text went missing\n{html[:2000]}"


def test_extract_wikilinks_copes_with_pathological_text():
    assert extract_wikilinks("[" * LIMIT) == []
    assert extract_wikilinks(repeat("- ", LIMIT - 1) + "[[x]]") == ["x"]


# --- what the limits keep and what they change ----------------------------------------------------------


def wiki_page(size: int = LIMIT) -> str:
    """An ordinary long wiki page: sections with prose, steps, a table, code and links."""
    sections, number = [], 1
    while sum(map(len, sections)) < size - 1_500:
        sections.append(
            f"## Printer queue {number}\n\n"
            f"Printers on floor {number} take badges (*tap and release*) and print **double-sided**. See "
            f"[[Printing from a laptop]] or the [manual](https://docs.vendor.example/m{number}.pdf).\n\n"
            f"1. Open **Settings → Printers** and choose *Add device*.\n"
            f"2. Type `\\\\print{number}.bank.example\\Floor{number}` and print a test page.\n"
            f"   - On a Mac, use *System Settings → Printers*.\n\n"
            f"| Setting | Default |\n|:--|:--:|\n| Duplex | on |\n| Colour < 50 pages | off & asked |\n\n"
            f"```powershell\nGet-Printer -ComputerName print{number} | Where-Object {{ $_.Name -eq 'F' }}\n"
            "```\n\n"
            f"> If the queue shows *Offline*, wait 15 minutes.\n\n"
        )
        number += 1
    return "".join(sections)


def test_an_ordinary_page_at_the_limit_renders_whole():
    text = wiki_page()
    sections = text.count("## Printer queue")

    html = str(render(text))

    assert html.count("<h2 ") == html.count("<table>") == html.count("<pre>") == sections
    assert html.count("<blockquote>") == html.count("<ol>") == sections
    assert html.count('class="wikilink"') == html.count("<em>tap and release</em>") == sections
    assert f'<h2 id="h-printer-queue-{sections}">' in html


def test_past_the_markup_budget_the_rest_is_shown_as_typed():
    lines = [f"Line {n} with *emphasis*" for n in range(1, 6_001)]

    html = str(render("\n".join(lines)))

    assert "Line 1 with <em>emphasis</em><br>" in html
    assert "<p>Line 6000 with *emphasis*</p>" in html or "Line 6000 with *emphasis*</p>" in html
    page = _Page(html)
    assert all(f"Line {n} with " in page.text for n in range(1, 6_001))


def test_wiki_links_are_looked_up_once_per_target_and_at_most_fifty():
    calls = []

    def resolve(title):
        calls.append(title)
        return f"/wiki/page/{title}", False

    targets = [f"Page {n}" for n in range(1, 61)]
    text = " ".join(f"[[{t}]] [[{t.upper()}]] [[{t}|again]]" for t in targets)

    html = str(render(text, wikilinks=resolve))

    assert calls == targets[: limits.MAX_CHECKED_WIKILINKS]
    assert html.count('href="/wiki/page/Page 50"') == 3
    # Past the limit, a link is made without asking whether the page exists.
    assert '<a class="wikilink" href="/wiki/go/Page%2051">Page 51</a>' in html
    assert html.count('class="wikilink missing"') == 3 * limits.MAX_CHECKED_WIKILINKS


def test_nesting_past_the_limit_is_shown_as_typed():
    html = str(render("- " * (limits.MAX_NESTING + 6) + "x"))

    assert html.count("<ul>") == limits.MAX_NESTING
    assert "- - - - - - x" in html


def test_quotes_nest_up_to_the_limit():
    html = str(render("> " * (limits.MAX_NESTING + 2) + "x"))

    assert html.count("<blockquote>") == limits.MAX_NESTING
    assert "&gt; &gt; x" in html


def test_link_text_with_a_few_nested_brackets_is_still_a_link():
    html = str(render("[see [the [notes]]](https://example.com/n)"))

    assert '<a href="https://example.com/n" rel="nofollow noopener">see [the [notes]]</a>' in html


def test_link_text_nested_past_the_limit_is_shown_as_typed():
    depth = limits.MAX_BRACKET_DEPTH + 3
    html = str(render("[a " * depth + "x" + "]" * depth + "(https://example.com/)"))

    assert html.startswith("<p>" + "[a " * depth + "x" + "]" * depth + "(<a ")


def test_many_headings_and_rules_without_blank_lines_still_render():
    text = "".join(f"# Heading {n}\ntext {n}\n* * *\nsub {n}\n---\n" for n in range(1, 201))

    html = str(render(text))

    assert html.count("<h1 ") == html.count("<h2 ") == html.count("<hr>") == 200
    assert '<p>text 200</p>\n<hr>\n<h2 id="h-sub-200">sub 200</h2>' in html


def test_a_long_dense_paragraph_keeps_its_formatting():
    text = "*a* lorem ipsum dolor sit amet " * 2_500

    html = str(render(text))

    assert html.count("<em>a</em>") == 2_500


def test_html_nested_past_the_limit_is_shown_as_text():
    depth = limits.MAX_HTML_DEPTH + 20
    html = str(render("<div>" * depth + "x" + "</div>" * depth))

    assert html.count("<div>") == limits.MAX_HTML_DEPTH
    assert html.count("&lt;div&gt;") == 20


def test_a_tag_with_too_many_attributes_is_shown_as_text():
    html = str(render("<span " + "a " * limits.MAX_TAG_LENGTH + ">x</span>"))

    assert html.startswith("<p>&lt;span a a a")
    assert str(render("<span " + "a " * 50 + ">x</span>")) == "<p><span>x</span></p>"


@pytest.mark.parametrize(
    ("text", "link"),
    [
        (
            "see https://example.com/?a=1&b=2 today",
            '<a href="https://example.com/?a=1&amp;b=2" rel="nofollow noopener">https://example.com/?a=1&amp;b=2</a>',
        ),
        (
            "(https://en.wikipedia.org/wiki/Foo_(bar))",
            '<a href="https://en.wikipedia.org/wiki/Foo_(bar)" rel="nofollow noopener">'
            "https://en.wikipedia.org/wiki/Foo_(bar)</a>)",
        ),
        ("(" * 5_000 + "www.example.com", '<a href="http://www.example.com" rel="nofollow noopener">'),
        ("on-call-rota.example.com", '<a href="http://on-call-rota.example.com" rel="nofollow noopener">'),
    ],
)
def test_addresses_in_text_are_linked(text, link):
    assert link in str(render(text))


def test_addresses_with_other_schemes_stay_text():
    html = str(render("ftp://files.example.com/x and data://example.com/x"))

    assert "<a" not in html
    assert "ftp://files.example.com/x and data://example.com/x" in html


def test_text_with_the_entity_stand_ins_renders_the_slow_way():
    html = str(render("\ue000 and 5 &lt; 6 and <b>bold</b> `a < b`"))

    assert html == "<p>\ue000 and 5 &lt; 6 and <b>bold</b> <code>a &lt; b</code></p>"
