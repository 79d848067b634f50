"""Markdown -> sanitised HTML. The only module that knows markdown and bleach.

``render(text)`` gives HTML that is safe to show: Markdown with fenced code, tables, heading anchors, sane
lists and ``[[Page title]]`` wiki links, then cleaned by bleach against an allowlist of tags, attributes and
URL schemes, so ``javascript:``, ``data:`` and event handlers never survive. External links get
``rel="nofollow noopener"``. tests/test_markup.py runs a public XSS corpus (xss_payloads.txt) through it.

Python-Markdown and html5lib are pure Python and some inputs made them quadratic or overflow the stack, so
rendering is guarded (limits.py, guards.py): a body at the size limit renders in well under a second whatever
it holds, and ordinary Markdown renders exactly as without the guards. bench/markup_bench.py measures both.
Sanitising and linking is in sanitize.py.
"""

import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable
from urllib.parse import quote

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup

from .guards import Limits, LimitsExtension
from .limits import MAX_CHECKED_WIKILINKS, cap_html_depth, plain_html, split_at_markup_budget
from .sanitize import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS, clean

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "WikiLinkResolver",
    "extract_wikilinks",
    "render",
    "wiki_title_key",
]

# A resolver maps a wiki link's target title to (url, exists).
WikiLinkResolver = Callable[[str], tuple[str, bool]]

WIKILINK_RE = r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]"
_WIKILINK = re.compile(WIKILINK_RE)


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

    text, _ = split_at_markup_budget(text)
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
        # No tooltip text here: the HTML is stored, so words in it could not follow the reader's language.
        # The page adds a translated title to a.wikilink.missing when it is shown (static/js/app.js).
        el.set("class", "wikilink" if exists else "wikilink missing")
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


def _markdown(resolver: WikiLinkResolver) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "sane_lists",
            "nl2br",
            "toc",
            _WikiLinkExtension(resolver),
            LimitsExtension(Limits()),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"slugify": _heading_slug, "permalink": False},
        },
        output_format="html",
    )


def _checked_wikilinks(resolver: WikiLinkResolver, limit: int = MAX_CHECKED_WIKILINKS) -> WikiLinkResolver:
    """``resolver`` called once per distinct target (by wiki_title_key), for at most ``limit`` targets; past
    that a link is made without asking whether the page exists (/wiki/go/ finds it or says it is missing).
    """
    answers: dict[str, tuple[str, bool]] = {}

    def resolve(title: str) -> tuple[str, bool]:
        key = wiki_title_key(title)
        if key not in answers:
            if len(answers) >= limit:
                return _default_resolver(title)
            answers[key] = resolver(title)
        return answers[key]

    return resolve


def render(text: str, *, wikilinks: WikiLinkResolver | None = None) -> Markup:
    """Turn Markdown ``text`` into HTML that is safe to show.

    ``wikilinks`` maps a ``[[Title]]`` target to its URL and whether the page exists; it is called once per
    distinct target, for at most MAX_CHECKED_WIKILINKS of them. Without it (and past that limit) a wiki link
    points at ``/wiki/go/<title>``, which finds the page or says it is missing.
    """
    if not text:
        return Markup("")
    resolver = _checked_wikilinks(wikilinks) if wikilinks else _default_resolver
    text, as_typed = split_at_markup_budget(text)
    html_text = clean(cap_html_depth(_markdown(resolver).convert(text))) if text.strip() else ""
    if as_typed:
        html_text += ("\n" if html_text else "") + plain_html(as_typed)
    return Markup(html_text)
