"""helpdesk.markup: Markdown renders as writers expect, and no XSS vector from a public corpus survives it.

Every payload in xss_payloads.txt is rendered on its own and inside Markdown constructs; the output is parsed
the way a browser parses it (html5lib, as vendored by bleach) and, as a second opinion, by the standard
library's html.parser, and every element, attribute and URL must be on the allowlist.
"""

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bleach._vendor import html5lib
from markupsafe import Markup

from helpdesk.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, extract_wikilinks, render, wiki_title_key

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")

# Elements that run script, load other documents, submit data, restyle the page or change how URLs resolve.
FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "form", "input",
        "button", "textarea", "select", "option", "isindex", "keygen", "svg", "math", "base", "meta", "link",
        "style", "template", "noscript", "noembed", "xmp", "listing", "plaintext", "title", "video", "audio",
        "source", "image", "bgsound", "marquee", "html", "head", "body",
    }
)  # fmt: skip
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "background", "data", "srcset"})
# What browsers ignore inside a URL (and then some): controls, format characters, every kind of space.
_URL_NOISE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CLASS = re.compile(r"^(wikilink|missing|language-[\w+#.-]+|codehilite|admonition)$")

# How a payload is placed into Markdown; "{p}" stands for the payload.
CONTEXTS = {
    "raw": "{p}",
    "paragraph": "Before {p} after",
    "link text": "[{p}](https://example.com/)",
    "link url": "[click]({p})",
    "image": "![{p}]({p})",
    "reference link": "[click][ref] and [ref]\n\n[ref]: {p}",
    "autolink": "<{p}>",
    "wiki link": "[[{p}]] and [[Page|{p}]]",
    "heading": "## {p}",
    "emphasis": "**{p}** _{p}_",
    "quoted list": "> - {p}\n> - second",
    "table cell": "| a | b |\n|:--|--:|\n| {p} | x |",
    "code span": "`{p}`",
    "fenced code": "```\n{p}\n```",
    "html block": "<div>\n{p}\n</div>",
}


# --- the corpus ---------------------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(?:(?P<char>[\\nrt])|x(?P<x>[0-9a-fA-F]{2})|u(?P<u>[0-9a-fA-F]{4})|(?P<bad>.?))")
_SIMPLE_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def decode_payload(line: str) -> str:
    """One line of xss_payloads.txt -> the payload it holds (see the file's header for the escapes)."""

    def replace(match: re.Match) -> str:
        if match["char"]:
            return _SIMPLE_ESCAPES[match["char"]]
        if match["x"] or match["u"]:
            return chr(int(match["x"] or match["u"], 16))
        raise ValueError(f"unknown escape \\{match['bad']} in {line!r}")

    return _ESCAPE.sub(replace, line)


def load_payloads() -> list[tuple[int, str]]:
    payloads = []
    for number, line in enumerate(PAYLOAD_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        if line and not line.startswith("#"):
            payloads.append((number, decode_payload(line)))
    return payloads


PAYLOADS = load_payloads()


def test_payload_file_decodes_its_escapes():
    assert decode_payload(r"a\nb\tc\\d\x23\u2028") == "a\nb\tc\\d#\u2028"
    assert decode_payload(r"<a href=\\\\evil>") == "<a href=\\\\evil>"
    with pytest.raises(ValueError):
        decode_payload(r"\q")


def test_corpus_is_large_and_has_no_duplicates():
    texts = [payload for _, payload in PAYLOADS]
    assert len(texts) >= 150
    assert len(set(texts)) == len(texts)


def test_forbidden_tags_are_not_on_the_allowlist():
    assert not (ALLOWED_TAGS & FORBIDDEN_TAGS)
    assert not any(
        name.startswith("on") or name == "style" for names in ALLOWED_ATTRIBUTES.values() for name in names
    )


# --- the checks on rendered HTML ----------------------------------------------------------------------------


def url_problem(value: str) -> str | None:
    """Why a URL could run script or load something unexpected; None for http(s), mailto and relative URLs."""
    url = "".join(ch for ch in value if unicodedata.category(ch) not in _URL_NOISE_CATEGORIES).lower()
    match = _SCHEME.match(url)
    if match and match.group(1) not in SAFE_SCHEMES:
        return f"scheme {match.group(1)!r} in {value!r}"
    return None


def attribute_problems(tag: str, attrs: dict[str, str]) -> list[str]:
    problems = []
    allowed = set(ALLOWED_ATTRIBUTES.get(tag, ())) | ({"rel"} if tag == "a" else set())
    for name, value in attrs.items():
        if name.startswith("on"):
            problems.append(f"event handler {name}={value!r} on <{tag}>")
        elif name == "style":
            problems.append(f"style={value!r} on <{tag}>")
        elif name not in allowed:
            problems.append(f"attribute {name}={value!r} not allowed on <{tag}>")
        elif name == "class" and not all(_CLASS.match(c) for c in value.split()):
            problems.append(f"class={value!r} on <{tag}>")
        elif name == "id" and not value.startswith("h-"):
            problems.append(f"unprefixed id={value!r} on <{tag}>")
        elif name == "rel" and value != "nofollow noopener":
            problems.append(f"rel={value!r} on <{tag}>")
        if name in URL_ATTRIBUTES and (problem := url_problem(value)):
            problems.append(f"{name} on <{tag}>: {problem}")
    return problems


def element_problems(tag: str, attrs: dict[str, str]) -> list[str]:
    if tag in FORBIDDEN_TAGS:
        return [f"forbidden element <{tag}>"]
    if tag not in ALLOWED_TAGS:
        return [f"element <{tag}> not on the allowlist"]
    return attribute_problems(tag, attrs)


def html5lib_problems(html: str) -> list[str]:
    """Problems seen by a spec-compliant parser (what a browser builds from the HTML)."""
    problems = []
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str):
            problems.append("comment or processing instruction")
            continue
        if element is fragment:
            continue
        tag = element.tag.lower()
        if tag.startswith("{"):  # SVG or MathML namespace
            problems.append(f"foreign element {tag}")
            continue
        attrs = {name.rsplit("}", 1)[-1].lower(): value for name, value in element.attrib.items()}
        problems.extend(element_problems(tag, attrs))
    return problems


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.problems.extend(element_problems(tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")


def htmlparser_problems(html: str) -> list[str]:
    """Problems seen by a second, more lenient parser (parser differentials are how mXSS works)."""
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector.problems


def assert_safe(html: str, where: str) -> None:
    problems = html5lib_problems(html) + htmlparser_problems(html)
    assert not problems, f"{where}: {problems}\n--- output ---\n{html}"


def sloppy_resolver(title: str) -> tuple[str, bool]:
    """A resolver that forgets to quote the title: markup must stay safe even then."""
    return "/wiki/" + title, len(title) % 2 == 0


# --- the corpus, rendered -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "payload"), PAYLOADS, ids=[f"line{n}" for n, _ in PAYLOADS])
def test_payload_is_neutralised_in_every_context(line, payload):
    for context, template in CONTEXTS.items():
        text = template.replace("{p}", payload)
        resolver = sloppy_resolver if context == "wiki link" else None
        html = render(text, wikilinks=resolver)
        assert isinstance(html, Markup)
        assert_safe(str(html), f"line {line}, {context}")


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#x6a;avascript:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href=" \x01javascript:alert(1)">x</a>',
        '<a href="\u2028javascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<img src="vbscript:x">',
        '<p onclick="x">x</p>',
        '<p style="color:red">x</p>',
        "<script>alert(1)</script>",
        "<svg><g></g></svg>",
        "<math></math>",
        '<iframe src="https://example.com"></iframe>',
        "<form></form>",
        "<!-- comment -->",
        '<h2 id="main">x</h2>',
        '<a href="https://example.com" rel="opener">x</a>',
        '<span class="flash">x</span>',
    ],
)
def test_the_checker_catches_unsafe_html(html):
    """The checks above must be able to fail, or the corpus test proves nothing."""
    assert html5lib_problems(html) or htmlparser_problems(html)


def test_the_checker_accepts_what_markup_produces():
    html = render(
        "# Title\n\n[ext](https://example.com/a?b=1&c=2) [int](/wiki/x) [mail](mailto:it@bank.example) "
        '![img](/static/a.png "t") `code` [[Page]]\n\n| a |\n|:-:|\n| 1 |\n\n```python\nx = 1\n```'
    )
    assert_safe(str(html), "ordinary Markdown")


# --- Markdown features -------------------------------------------------------------------------------------


def test_empty_text_renders_empty_markup():
    assert render("") == Markup("")
    assert isinstance(render("*x*"), Markup)


def test_html_a_writer_types_is_shown_as_text_not_dropped():
    html = render("Use <script> tags? Never: <script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html


def test_fenced_code_keeps_its_text_and_language():
    html = render("```python\nif a < b && c > d:\n    print('<b>')\n```")
    assert '<code class="language-python">' in html
    # Escaped exactly once: the reader sees "a < b && c > d".
    assert "if a &lt; b &amp;&amp; c &gt; d:" in html
    assert "print('&lt;b&gt;')" in html
    assert "&amp;lt;" not in html


def test_code_span_shows_html_as_text_once():
    html = render("Type `<br>` or `a & b` here")
    assert "<code>&lt;br&gt;</code>" in html
    assert "<code>a &amp; b</code>" in html


def test_urls_inside_code_are_not_linked():
    html = render("`http://example.com/x`\n\n```\nhttp://example.com/y\n```")
    assert "<a " not in html


def test_entities_a_writer_types_keep_their_meaning():
    html = render("5 &lt; 6 and &amp;lt; is how you write it")
    assert "5 &lt; 6 and &amp;lt; is how you write it" in html


def test_tables_render_with_alignment():
    html = render("| Name | Count |\n|:-----|------:|\n| VPN | 3 |")
    assert "<table>" in html
    assert '<th align="left">Name</th>' in html
    assert '<td align="right">3</td>' in html


def test_heading_ids_are_prefixed_and_unique():
    html = render("# Setting up VPN\n\n## Setting up VPN\n\n## Åtkomst för nya")
    assert '<h1 id="h-setting-up-vpn">' in html
    assert '<h2 id="h-setting-up-vpn_1">' in html
    assert 'id="h-åtkomst-för-nya"' in html


def test_typed_heading_ids_without_the_prefix_are_dropped():
    html = render('<h2 id="main">Clobber</h2>\n\n<h3 id="h-fine">Fine</h3>')
    assert 'id="main"' not in html
    assert "<h2>Clobber</h2>" in html
    assert '<h3 id="h-fine">' in html


def test_sane_lists_start_a_new_list_when_the_type_changes():
    html = render("3. three\n4. four\n\n* star\n* other")
    assert '<ol start="3">' in html
    assert html.count("<li>") == 4
    assert "<ul>" in html


def test_single_newlines_are_line_breaks():
    assert "<br>" in render("first line\nsecond line")


def test_wikilinks_show_existing_and_missing_pages_differently():
    pages = {"vpn setup": "/wiki/network/vpn"}

    def resolve(title):
        key = wiki_title_key(title)
        return (pages[key], True) if key in pages else (f"/wiki/go/{title}", False)

    html = render("See [[VPN  Setup]] and [[Printer drivers|the printer page]].", wikilinks=resolve)
    assert '<a class="wikilink" href="/wiki/network/vpn">VPN Setup</a>' in html
    assert 'class="wikilink missing"' in html
    assert ">the printer page</a>" in html
    assert "title=" not in html  # stored HTML carries no interface language; the page adds the tooltip
    assert "rel=" not in html


def test_default_wikilink_resolver_points_at_the_go_address():
    html = render("[[Lösenord & konto]]")
    assert 'href="/wiki/go/L%C3%B6senord%20%26%20konto"' in html


def test_wikilink_inside_code_is_not_a_link():
    html = render("Write `[[Page]]` to link")
    assert "<code>[[Page]]</code>" in html
    assert "wikilink" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](https://example.com/)",
        "[x](http://example.com/)",
        "<https://example.com/>",
        "see www.example.com today",
        "see https://example.com/path?q=1 today",
        "[x](//example.com/)",
        "[x](http:example.com)",
        '<a href="\\\\example.com/">x</a>',
        '<a href="/\\example.com/">x</a>',
        '<a href="HTTPS://example.com/" rel="opener" target="_blank">x</a>',
    ],
)
def test_external_links_get_nofollow_noopener(text):
    html = render(text)
    assert 'rel="nofollow noopener"' in html
    assert "target=" not in html
    assert 'rel="opener"' not in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](/wiki/network/vpn)",
        "[x](#h-setup)",
        "[x](page?x=1)",
        "[[Some page]]",
        "[x](mailto:it@bank.example)",
    ],
)
def test_internal_links_get_no_rel(text):
    html = render(text)
    assert "<a " in html
    assert "rel=" not in html


def test_writer_rel_on_internal_link_is_removed():
    assert "rel=" not in render('<a href="/wiki/x" rel="nofollow">x</a>')


def test_email_addresses_in_text_are_not_linked():
    assert "<a" not in render("Mail it-support@bank.example for help")


def test_classes_typed_by_writers_are_dropped():
    html = render('<span class="flash flash-error">x</span> <div class="admonition">y</div>')
    assert "flash" not in html
    assert '<div class="admonition">y</div>' in html


def test_comments_and_images_attributes():
    html = render('<!-- hidden --><img src="/a.png" alt="A" width="20" onerror="x" style="x">')
    assert "hidden" not in html
    assert '<img src="/a.png" alt="A" width="20">' in html


# --- wiki link helpers -------------------------------------------------------------------------------------


def test_extract_wikilinks_distinct_in_order_of_appearance():
    text = "[[VPN setup]] then [[Printers|the printers]] and [[vpn   SETUP]] again, [[Åtkomst]]"
    assert extract_wikilinks(text) == ["VPN setup", "Printers", "Åtkomst"]


def test_extract_wikilinks_ignores_code_and_nonsense():
    text = "`[[In code]]`\n\n```\n[[In a fence]]\n```\n\n    [[Indented code]]\n\n[[ ]] [[Real]] [[a[b]]"
    assert extract_wikilinks(text) == ["Real"]


def test_extract_wikilinks_finds_links_in_tables_and_headings():
    text = "| page |\n|---|\n| [[In table]] |\n\n# [[In heading]]"
    assert extract_wikilinks(text) == ["In table", "In heading"]


def test_extract_wikilinks_of_nothing():
    assert extract_wikilinks("") == []
    assert extract_wikilinks("no links here") == []


def test_wiki_title_key_folds_case_space_and_unicode_forms():
    assert wiki_title_key("  VPN   Setup ") == "vpn setup"
    assert wiki_title_key("A\u030angström") == wiki_title_key("Ångström") == "ångström"
    assert wiki_title_key("STRASSE") == wiki_title_key("straße")


@pytest.mark.parametrize(
    "href",
    [
        "javascript:123",
        "JavaScript:0",
        "\x02javascript:alert(1)",
        "&#x01;javascript:alert(1)",
        "page:2",
        "feed:x",
    ],
)
def test_urls_bleach_alone_would_keep_are_dropped(href):
    """bleach's URL parser reads "javascript:123" as host:port and skips schemes behind control characters."""
    html = render(f'<a href="{href}">x</a> <img src="{href}">')
    assert "href" not in html and "src" not in html
