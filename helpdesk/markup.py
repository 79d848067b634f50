"""Markdown -> sanitised HTML. The only module that knows markdown and bleach.

``render(text)`` gives HTML that is safe to show: Markdown with fenced code, tables, heading anchors, sane lists
and ``[[Page title]]`` wiki links, then cleaned by bleach against an allowlist of tags, attributes and URL
schemes, so ``javascript:``, ``data:`` and event handlers never survive. External links get
``rel="nofollow noopener"``.
"""

import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import bleach
import markdown
from bleach.linkifier import Linker
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
    """The distinct targets of ``[[...]]`` links in ``text``, in order of first appearance."""
    seen: dict[str, str] = {}
    for match in _WIKILINK.finditer(text or ""):
        target = " ".join(match.group(1).split())
        if target:
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


def _filter_class(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(_ALLOWED_CLASS.match(c) for c in value.split())
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


_ATTRIBUTE_FILTERS = {tag: _filter_class for tag in ALLOWED_ATTRIBUTES}


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme in {"http", "https"} and parts.netloc) or href.startswith("//")


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
_linker = Linker(callbacks=[_link_rel], skip_tags={"pre", "code"}, parse_email=False)


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
