"""Wiki page paths: what a valid path looks like, and the path a title gives when none is typed.

A path is lower-case ASCII: segments of letters, digits, hyphens and underscores joined by "/", such as
``network/vpn/setup``. Letters with diacritics are transliterated, both when a path is derived from a title
and when one is typed (``Nätverk/Skrivare`` -> ``natverk/skrivare``), so a URL typed without Swedish keys
still reaches the page.
"""

import re
import unicodedata

from flask_babel import gettext as _

from .errors import PageFieldError

MAX_PATH_LENGTH = 200
# First segments the wiki's own routes use (or may use), so no page can hide them.
RESERVED_FIRST_SEGMENTS = frozenset(
    {"new", "go", "changes", "recent", "tags", "search", "feed", "promote", "spaces"}
)
# Pages of every space but the default one live under "spaces/<space slug>/" (see ``space_path``).
SPACES_SEGMENT = "spaces"

# Letters NFKD does not decompose into a base letter plus accents.
_SPECIAL_LETTERS = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "đ": "d"}
)
_SEGMENT = re.compile(r"^[a-z0-9_-]*[a-z0-9][a-z0-9_-]*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class PathError(PageFieldError):
    """A path that breaks the rules; the form shows the message next to the path field."""

    def __init__(self, message: str):
        super().__init__("path", message)


def transliterate(text: str) -> str:
    """Lower-case ``text`` with diacritics removed: ``"Åtkomst Överföring"`` -> ``"atkomst overforing"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(title: str) -> str:
    """The path a title gives: ``"Nätverk: VPN / Setup"`` -> ``"natverk-vpn-setup"`` (one segment)."""
    slug = _NOT_SLUG.sub("-", transliterate(title)).strip("-")
    if len(slug) > MAX_PATH_LENGTH:
        slug = slug[:MAX_PATH_LENGTH].rsplit("-", 1)[0] or slug[:MAX_PATH_LENGTH]
    return slug or "page"


def normalize_path(raw: str, *, in_space: bool = False) -> str:
    """The canonical form of a typed path, or PathError saying what is wrong with it.

    Surrounding blanks and slashes are dropped and letters lower-cased and transliterated; anything else that
    does not fit (``..``, empty segments, spaces, a reserved first segment, too long) is refused.
    ``in_space``: the path may start with "spaces/" (a stored path of a page in a space, as in an address).
    """
    path = transliterate((raw or "").strip()).strip("/")
    if not path:
        raise PathError(_("A path is required."))
    segments = path.split("/")
    if any(segment in {".", ".."} for segment in segments):
        raise PathError(
            _("A path cannot contain “.” or “..”: write it from the top of the wiki, e.g. network/vpn.")
        )
    if "" in segments:
        raise PathError(_("A path cannot contain an empty segment (“//”)."))
    bad = next((segment for segment in segments if not _SEGMENT.match(segment)), None)
    if bad is not None:
        raise PathError(
            _(
                "“%(segment)s” cannot be part of a path: use letters a–z, digits, hyphens and underscores, "
                "with slashes between sections (e.g. network/vpn-setup).",
                segment=bad[:60],
            )
        )
    if len(path) > MAX_PATH_LENGTH:
        raise PathError(_("A path may be at most %(n)d characters long.", n=MAX_PATH_LENGTH))
    if segments[0] in RESERVED_FIRST_SEGMENTS and not (in_space and segments[0] == SPACES_SEGMENT):
        raise PathError(
            _(
                "A path cannot start with “%(segment)s”: the wiki uses that address itself.",
                segment=segments[0],
            )
        )
    return path


def space_prefix(space) -> str:
    """``""`` for the default space, ``"spaces/<slug>/"`` for any other."""
    return "" if space.is_default else f"{SPACES_SEGMENT}/{space.slug}/"


def space_path(space, raw: str) -> str:
    """The stored path of a page in ``space`` typed as ``raw``, with or without the space's own prefix:
    ``"clients/acme"`` in the space "team-x" -> ``"spaces/team-x/clients/acme"``. PathError as for
    ``normalize_path``; a path may not start with another space's prefix."""
    prefix = space_prefix(space)
    path = transliterate((raw or "").strip()).strip("/")
    if prefix and (path + "/").startswith(prefix):
        path = path[len(prefix) :]
    path = prefix + normalize_path(path)
    if len(path) > MAX_PATH_LENGTH:
        raise PathError(_("A path may be at most %(n)d characters long.", n=MAX_PATH_LENGTH - len(prefix)))
    return path


def ancestors(path: str) -> list[str]:
    """The paths above ``path``: ``"a/b/c"`` -> ``["a", "a/b"]``."""
    segments = path.split("/")
    return ["/".join(segments[:i]) for i in range(1, len(segments))]
