"""Sanitising and linking the HTML Markdown made: one html5lib pass of bleach's Cleaner with a linkify filter.

The allowlists of tags, attributes and URL schemes live here, and the fixes that keep html5lib linear on what
writers can make it read (see clean and the tree walker).
"""

import html
import re
from collections.abc import Iterator
from functools import partial
from urllib.parse import urlsplit

import bleach
from bleach import html5lib_shim, linkifier
from bleach.linkifier import LinkifyFilter

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


# What browsers skip or ignore when they read a URL's scheme: controls, spaces and invisible characters.
_URL_NOISE = re.compile(
    r"[\x00-\x20\x7f-\xa0\xad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_URL_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def has_allowed_scheme(url: str) -> bool:
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
    if name in ("href", "src") and not has_allowed_scheme(value):
        return False
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


_ATTRIBUTE_FILTERS = {tag: _filter_attribute for tag in ALLOWED_ATTRIBUTES}


# Browsers drop these from URLs before reading them, and read "\\" as "/" in web addresses.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")


def _is_external(href: str) -> bool:
    """True for links that leave the site: any http(s) URL and the "//host" and "\\\\host" forms."""
    url = _URL_IGNORED.sub("", href).replace("\\", "/")
    return urlsplit(url).scheme.lower() in {"http", "https"} or url.startswith("//")


def _link_rel(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if new and not has_allowed_scheme(href):
        # Autolinked "ftp://host" or "data://host": the sanitizer never sees links made after it, so the
        # allowlist is applied here; the address stays as text.
        return None
    if _is_external(href):
        attrs[(None, "rel")] = "nofollow noopener"
    else:
        attrs.pop((None, "rel"), None)
    attrs.pop((None, "target"), None)
    return attrs


# bleach's URL pattern, without two quadratic retries:
# - it starts with "\(*", tried again from every "(" of a run ("(" * 30,000 took 16 s); matching only from the
#   first "(" of a run, without backtracking into it, finds the same URLs;
# - a domain label "[\w-]+" is tried from every word boundary of "a-a-a-..." to its end (100,000 characters
#   took 46 s); DNS labels have at most 63 characters.
_URL_PATTERN_FIXES = {
    r"\(*  # Match any opening parentheses.": r"(?<!\()\(*+",
    r"([\w-]+\.)+": r"([\w-]{1,63}\.)+",
}
_URL_PATTERN = linkifier.URL_RE.pattern
for _old, _new in _URL_PATTERN_FIXES.items():
    if _old not in _URL_PATTERN:
        raise RuntimeError(
            f"bleach's URL pattern changed ({_old} is gone): see helpdesk.markup.sanitize._URL_RE"
        )
    _URL_PATTERN = _URL_PATTERN.replace(_old, _new, 1)
_URL_RE = re.compile(_URL_PATTERN, linkifier.URL_RE.flags)


def _text_as_reparsed(source: Iterator[dict]) -> Iterator[dict]:
    """The sanitizer's tokens with each run of text merged into one token, in its serialized form."""
    text: list[str] = []
    for token in source:
        kind = token["type"]
        if kind in ("Characters", "SpaceCharacters"):
            text.append(html.escape(token["data"], quote=False))
        elif kind == "Entity":
            text.append(f"&{token['name']};")
        else:
            if text:
                yield {"type": "Characters", "data": "".join(text)}
                text = []
            yield token
    if text:
        yield {"type": "Characters", "data": "".join(text)}


class _LinkifyFilter(LinkifyFilter):
    """bleach's LinkifyFilter, run on the sanitizer's output within the same html5lib pass.

    It reads text as it would after the sanitizer's output was serialized and parsed again (the two passes
    this replaces): entities in their "&name;" form, so "?a=1&amp;b=2" stays inside a URL. Text inside skipped
    tags (code) keeps its entities: bleach would escape it a second time, so ``a < b`` read ``a &lt; b``.
    """

    def __init__(self, source, **kwargs):
        super().__init__(source=_text_as_reparsed(source), **kwargs)

    def __iter__(self) -> Iterator[dict]:
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


class _TreeWalker(html5lib_shim.getTreeWalker("etree")):
    """html5lib's etree walker, remembering each element's place among its siblings.

    The original finds it again with ``list.index`` on the way up, quadratic in the number of siblings: a
    body of 25,000 short blocks spent seconds there.
    """

    def __init__(self, tree):
        super().__init__(tree)
        self._keys: dict[int, int] = {}

    def getFirstChild(self, node):  # noqa: N802 (html5lib's API)
        if isinstance(node, tuple) and node[3] is None:
            self._keys[id(node[0])] = node[1]
        return super().getFirstChild(node)

    def getNextSibling(self, node):  # noqa: N802
        if isinstance(node, tuple) and node[3] == "text":
            self._keys[id(node[0])] = node[1]
        return super().getNextSibling(node)

    def getParentNode(self, node):  # noqa: N802
        if not isinstance(node, tuple) or node[3] == "text":
            return super().getParentNode(node)
        parents = node[2]
        parent = parents.pop()
        return (parent, self._keys[id(parent)], parents, None) if parents else parent


# Links made by the linkify filter come after the sanitizer: _link_rel applies the scheme allowlist to them.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_ATTRIBUTE_FILTERS,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    filters=[
        partial(
            _LinkifyFilter,
            callbacks=[_link_rel],
            skip_tags={"pre", "code"},
            parse_email=False,
            url_re=_URL_RE,
        )
    ],
)
_cleaner.walker = _TreeWalker


# html5lib spends a token on each entity: these stand in for the ones Markdown writes while html5lib reads the
# HTML (see clean). Private-use characters: never markup, never part of a URL scheme, like the characters the
# entities stand for.
_ENTITY_STAND_INS = {"&lt;": "\ue000", "&gt;": "\ue001", "&amp;": "\ue002", "&quot;": "\ue003"}
_ENTITY = re.compile("|".join(_ENTITY_STAND_INS))
_TAG_OR_TEXT = re.compile(r"(<[^>]*>?)|[^<]+")
_STAND_IN = re.compile("[" + "".join(_ENTITY_STAND_INS.values()) + "]")
_ENTITY_OF = {stand_in: entity for entity, stand_in in _ENTITY_STAND_INS.items()}


def clean(html_text: str) -> str:
    """Sanitise and linkify ``html_text`` in one html5lib pass, reading entities in text as single characters.

    "<" * 100,000 became 100,000 "&lt;" and two tokens each; with a stand-in character each, the text is one
    token. An entity in text is character data, never markup, so the tree html5lib builds is the same.
    """
    if _STAND_IN.search(html_text):
        return _cleaner.clean(html_text)  # the text has the stand-ins already: the slow way

    def stand_in(match: re.Match) -> str:
        if match.group(1):
            return match.group()  # a tag: attribute values keep their entities, as bleach checks them
        return _ENTITY.sub(lambda m: _ENTITY_STAND_INS[m.group()], match.group())

    cleaned = _cleaner.clean(_TAG_OR_TEXT.sub(stand_in, html_text))
    return _STAND_IN.sub(lambda m: _ENTITY_OF[m.group()], cleaned)
