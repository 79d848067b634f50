"""Markdown -> sanitised HTML. The only module that knows markdown and bleach.

``render(text)`` gives HTML that is safe to show: Markdown with fenced code, tables, heading anchors, sane
lists and ``[[Page title]]`` wiki links, then cleaned by bleach against an allowlist of tags, attributes and
URL schemes, so ``javascript:``, ``data:`` and event handlers never survive. External links get
``rel="nofollow noopener"``. tests/test_markup.py runs a public XSS corpus (xss_payloads.txt) through it.
"""

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import bleach
import markdown
from bleach.linkifier import Linker, LinkifyFilter
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup

# A resolver maps a wiki link's target title to (url, exists).
WikiLinkResolver = Callable[[str], tuple[str, bool]]

WIKILINK_RE = r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]"
_WIKILINK = re.compile(WIKILINK_RE)

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp",
        "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "class"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "code": ["class"],
    "div": ["class"],
    "span": ["class"],
    "td": ["align"],
    "th": ["align"],
    "ol": ["start"],
    **{f"h{level}": ["id"] for level in range(1, 7)},
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Classes markup itself produces; any other class a writer types is dropped (no borrowing the app's styles).
_ALLOWED_CLASS = re.compile(r"^(wikilink|missing|language-[\w+#.-]{1,30}|codehilite|admonition)$")


def wiki_title_key(title: str) -> str:
    """The form a page title is matched by: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


def extract_wikilinks(text: str) -> list[str]:
    """The distinct targets of ``[[...]]`` links in ``text``, in order of first appearance.

    Only what ``render`` makes a link counts: ``[[...]]`` shown inside code is not one.
    """
    if not text:
        return []
    linked: set[str] = set()

    def record(title: str) -> tuple[str, bool]:
        linked.add(wiki_title_key(title))
        return "", True

    _markdown(record).convert(text)
    seen: dict[str, str] = {}
    for match in _WIKILINK.finditer(text):
        target = " ".join(match.group(1).split())
        if wiki_title_key(target) in linked:
            seen.setdefault(wiki_title_key(target), target)
    return list(seen.values())


def _default_resolver(title: str) -> tuple[str, bool]:
    return "/wiki/go/" + quote(title, safe=""), True


class _WikiLinkProcessor(InlineProcessor):
    def __init__(self, pattern: str, resolver: WikiLinkResolver):
        super().__init__(pattern)
        self.resolver = resolver

    def handleMatch(self, m, data):  # noqa: N802 (Markdown's API)
        target = " ".join(m.group(1).split())
        if not target:
            return None, None, None
        label = " ".join((m.group(2) or target).split())
        url, exists = self.resolver(target)
        el = etree.Element("a")
        el.set("href", url)
        el.set("class", "wikilink" if exists else "wikilink missing")
        if not exists:
            el.set("title", "This page does not exist yet")
        el.text = label
        return el, m.start(0), m.end(0)


class _WikiLinkExtension(Extension):
    def __init__(self, resolver: WikiLinkResolver):
        super().__init__()
        self.resolver = resolver

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # Above links (160) so "[[x]]" is not read as a reference link.
        md.inlinePatterns.register(_WikiLinkProcessor(WIKILINK_RE, self.resolver), "wikilink", 175)


def _heading_slug(value: str, separator: str) -> str:
    # A prefix keeps writers' heading ids from clobbering ids the app's own pages use.
    return "h-" + (slugify_unicode(value, separator) or "section")


# What browsers skip or ignore when they read a URL's scheme: controls, spaces and invisible characters.
_URL_NOISE = re.compile(
    r"[\x00-\x20\x7f-\xa0\xad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _has_allowed_scheme(url: str) -> bool:
    """True for relative URLs and allowed schemes, read the way a browser reads them.

    bleach alone lets through "javascript:123" (its URL parser takes it for host:port) and schemes behind a
    control character; this check does not.
    """
    match = _URL_SCHEME.match(_URL_NOISE.sub("", html.unescape(url)).lower())
    return match is None or match.group(1) in ALLOWED_PROTOCOLS


def _filter_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(_ALLOWED_CLASS.match(c) for c in value.split())
    if name == "id":
        # Only the prefixed ids markup makes; a typed <h2 id="main"> would clobber the page's own ids.
        return value.startswith("h-") and name in ALLOWED_ATTRIBUTES.get(tag, ())
    if name in ("href", "src") and not _has_allowed_scheme(value):
        return False
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


_ATTRIBUTE_FILTERS = {tag: _filter_attribute for tag in ALLOWED_ATTRIBUTES}


# Browsers drop these from URLs before reading them, and read "\\" as "/" in web addresses.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")


def _is_external(href: str) -> bool:
    """True for links that leave the site: any http(s) URL and the "//host" and "\\\\host" forms."""
    url = _URL_IGNORED.sub("", href).replace("\\", "/")
    return urlsplit(url).scheme.lower() in {"http", "https"} or url.startswith("//")


def _link_rel(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    if _is_external(href):
        attrs[(None, "rel")] = "nofollow noopener"
    else:
        attrs.pop((None, "rel"), None)
    attrs.pop((None, "target"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_ATTRIBUTE_FILTERS,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
)


class _CodeSafeLinkifyFilter(LinkifyFilter):
    """bleach's LinkifyFilter, but text inside skipped tags keeps its entities.

    bleach (6.x) passes the text of skipped tags through untouched, so the serializer escapes it a second
    time and a code block showing ``a < b`` would read ``a &lt; b``.
    """

    def __iter__(self):
        in_skip_tag = None
        for token in super().__iter__():
            kind = token["type"]
            if kind in ("StartTag", "EmptyTag") and token["name"] in self.skip_tags:
                in_skip_tag = token["name"]
            elif in_skip_tag and kind == "EndTag" and token["name"] == in_skip_tag:
                in_skip_tag = None
            elif in_skip_tag and kind == "Characters":
                yield from self.extract_entities(token)
                continue
            yield token


class _Linker(Linker):
    def linkify(self, text: str) -> str:
        dom = self.parser.parseFragment(text)
        filtered = _CodeSafeLinkifyFilter(
            source=self.walker(dom),
            callbacks=self.callbacks,
            skip_tags=self.skip_tags,
            parse_email=self.parse_email,
            url_re=self.url_re,
            email_re=self.email_re,
        )
        return self.serializer.render(filtered)


_linker = _Linker(callbacks=[_link_rel], skip_tags={"pre", "code"}, parse_email=False)


def _markdown(resolver: WikiLinkResolver) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "sane_lists",
            "nl2br",
            "toc",
            _WikiLinkExtension(resolver),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"slugify": _heading_slug, "permalink": False},
        },
        output_format="html",
    )


def render(text: str, *, wikilinks: WikiLinkResolver | None = None) -> Markup:
    """Turn Markdown ``text`` into HTML that is safe to show.

    ``wikilinks`` maps a ``[[Title]]`` target to its URL and whether the page exists; without it every wiki
    link points at ``/wiki/go/<title>``, which finds the page or says it is missing.
    """
    if not text:
        return Markup("")
    html = _markdown(wikilinks or _default_resolver).convert(text)
    return Markup(_linker.linkify(_cleaner.clean(html)))
