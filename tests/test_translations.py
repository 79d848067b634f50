"""The interface in Swedish and English: complete catalogues, matching placeholders, pages that speak Swedish.

The completeness test extracts the strings from the sources afresh, as README.md ("Translations") says, so a
string added to the code without a Swedish translation fails the suite, named in the failure.
"""

import re
from pathlib import Path

import flask_babel
import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "helpdesk" / "translations"
LANGUAGES = ("en", "sv")
# A printf placeholder as Python's % operator reads it: %(name)s, %(n)d, %s, %%.
_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def _po(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _key(message) -> str:
    singular = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"[{message.context}] {singular!r}" if message.context else repr(singular)


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _placeholders(text: str) -> set[str]:
    """The placeholders of ``text`` (``%%`` is a literal percent sign, not one)."""
    return {m.group() for m in _PLACEHOLDER.finditer(text or "") if m.group() != "%%"}


def _stray_percent(text: str) -> bool:
    """True when a % in ``text`` is neither a placeholder nor %%: formatting it would raise."""
    return "%" in _PLACEHOLDER.sub("", text or "")


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """The strings in the sources now, extracted with the project's babel.cfg into a temporary .pot."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "-o", str(pot), str(ROOT)]
    )  # fmt: skip
    return _read(pot)


@pytest.fixture(scope="module")
def swedish():
    return _read(_po("sv"))


def test_extraction_finds_every_kind_of_marked_string(fresh_template):
    """Guards the guard: a broken babel.cfg that extracts nothing would make the completeness test pass."""
    found = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in fresh_template if m.id}
    expected = {
        (None, "Something went wrong."),  # gettext in Python
        (None, "Keep me signed in"),  # lazy_gettext (_l) in a form
        (None, "Skip to content"),  # _() in a template
        (None, "%(num)d answer"),  # ngettext in a template
        ("kind of change in a diff", "Change"),  # pgettext in a template
        (None, "Change"),
    }
    assert expected <= found, expected - found
    assert len(found) > 300


def test_every_string_in_the_sources_has_a_swedish_translation(fresh_template, swedish):
    untranslated = []
    for message in fresh_template:
        if not message.id:
            continue
        translated = swedish.get(message.id, message.context)
        if (
            translated is None
            or translated.fuzzy
            or len(_forms(translated.string)) != (swedish.num_plurals if message.pluralizable else 1)
            or not all(form.strip() for form in _forms(translated.string))
        ):
            untranslated.append(_key(message))
    assert not untranslated, (
        f"{len(untranslated)} string(s) have no Swedish translation "
        "(README.md, 'Translations', says how to add them):\n  " + "\n  ".join(untranslated)
    )


def test_swedish_keeps_the_placeholders_of_the_english(swedish):
    wrong = []
    for message in swedish:
        if not message.id or not any(_forms(message.string)):
            continue
        source = set().union(*(_placeholders(text) for text in _forms(message.id)))
        forms = [_placeholders(text) for text in _forms(message.string)]
        if message.pluralizable:
            # A singular may say "one answer" rather than "%(num)d answer"; together the forms use them all.
            ok = all(form <= source for form in forms) and set().union(*forms) == source
        else:
            ok = forms[0] == source
        if not ok or any(_stray_percent(text) for text in _forms(message.string)):
            wrong.append(f"{_key(message)}: {sorted(source)} -> {[sorted(form) for form in forms]}")
    assert not wrong, "Placeholders differ between English and Swedish:\n  " + "\n  ".join(wrong)


def test_swedish_plural_rule_is_swedish(swedish):
    assert swedish.num_plurals == 2
    assert swedish.plural_expr.replace(" ", "") == "(n!=1)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_compiles_without_fuzzy_entries(lang, tmp_path):
    catalog = _read(_po(lang))
    assert str(catalog.locale) == lang
    assert not [_key(m) for m in catalog if m.id and m.fuzzy]
    assert not [(m.lineno, e) for m, errors in catalog.check() for e in errors]
    mo = tmp_path / "messages.mo"
    with mo.open("wb") as f:
        write_mo(f, catalog)
    with mo.open("rb") as f:
        compiled = Translations(f)
    if lang == "sv":
        assert compiled.gettext("Sign in") == "Logga in"
        assert compiled.pgettext("kind of change in a diff", "Change") == "Ändring"
        assert compiled.ngettext("%(num)d vote", "%(num)d votes", 1) % {"num": 1} == "1 röst"
        assert compiled.ngettext("%(num)d vote", "%(num)d votes", 5) % {"num": 5} == "5 röster"
    else:  # English is the source language: msgids are shown as they are
        assert compiled.gettext("Sign in") == "Sign in"
        assert compiled.ngettext("%(num)d vote", "%(num)d votes", 5) == "%(num)d votes"


def test_both_catalogues_hold_the_same_strings():
    english, swedish = (_read(_po(lang)) for lang in LANGUAGES)
    assert {_key(m) for m in english if m.id} == {_key(m) for m in swedish if m.id}


# Pages in Swedish. The app reads the compiled catalogues (.mo) that `make install` builds from the .po files.


@pytest.fixture
def compiled_catalogues():
    stale = [
        str(mo.relative_to(ROOT))
        for mo, po in ((_po(lang).with_suffix(".mo"), _po(lang)) for lang in LANGUAGES)
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        pytest.fail(
            f"Compiled catalogues missing or older than their .po: {', '.join(stale)}. "
            "Run `make translations` (or .venv/bin/pybabel compile --use-fuzzy -d helpdesk/translations)."
        )


def send(client, method: str, url: str, lang: str, **kwargs):
    """A request from a browser that asks for ``lang`` (an Accept-Language value)."""
    # Flask-Babel caches the locale in the app context, which a test's requests may share: choose afresh.
    flask_babel.refresh()
    headers = {"Accept-Language": lang, **kwargs.pop("headers", {})}
    return client.open(url, method=method, headers=headers, **kwargs)


def page(client, url: str, lang: str) -> str:
    return send(client, "GET", url, lang).get_data(as_text=True)


@pytest.mark.usefixtures("compiled_catalogues")
def test_question_list_in_swedish(client, make_question, make_answer):
    make_answer(question=make_question(title="Skrivaren på plan 3 skriver inte ut"))
    swedish = page(client, "/", "sv-SE,sv;q=0.9,en;q=0.5")
    assert '<html lang="sv">' in swedish
    for text in [
        "Ställ en fråga",
        "Obesvarade",
        "Taggar",
        "Logga in",
        "Hoppa till innehållet",
        "1 svar",
        "0 röster",
    ]:
        assert text in swedish, text
    assert "Ask a question" not in swedish and "Sign in" not in swedish

    english = page(client, "/", "en")
    assert "Ask a question" in english and "1 answer" in english and "Ställ en fråga" not in english


@pytest.mark.usefixtures("compiled_catalogues")
def test_ask_form_in_swedish(client, make_user, login):
    login(make_user())
    form = page(client, "/questions/ask", "sv")
    expected = [
        "Ställ en fråga",
        "Rubrik",
        "Din fråga",
        "Publicera frågan",
        "Avbryt",
        "Så får du ett bra svar",
        "Publicera aldrig lösenord, kunduppgifter eller kontonummer.",
    ]
    for text in expected:
        assert text in form, text
    assert "Post your question" not in form

    response = send(
        client, "POST", "/questions/ask", "sv", data={"title": "", "body": "", "tags": "", "lang": "sv"}
    )
    assert response.status_code in (400, 422)
    assert "Ange en rubrik: beskriv med några ord vad problemet är." in response.get_data(as_text=True)


@pytest.mark.usefixtures("compiled_catalogues")
def test_login_page_and_its_messages_in_swedish(client, make_user):
    form = page(client, "/login", "sv")
    for text in ["Logga in", "E-post", "Lösenord", "Håll mig inloggad"]:
        assert text in form, text
    assert "Keep me signed in" not in form
    assert "Keep me signed in" in page(client, "/login", "en")  # lazy labels are translated per request

    empty = send(client, "POST", "/login", "sv", data={"email": "", "password": ""})
    assert "Det här fältet är obligatoriskt." in empty.get_data(as_text=True)  # WTForms' own Swedish
    user = make_user(name="Karin Berg")
    wrong = send(client, "POST", "/login", "sv", data={"email": user.email, "password": "not the password"})
    assert "E-postadressen och lösenordet matchar inget konto." in wrong.get_data(as_text=True)

    send(client, "POST", "/login", "sv", data={"email": user.email, "password": PASSWORD})
    assert "Välkommen, Karin Berg." in page(client, "/", "sv")


@pytest.mark.usefixtures("compiled_catalogues")
def test_wiki_page_in_swedish(client, make_page):
    make_page(title="VPN från hemmet", path="natverk/vpn", body="Se [[Skrivare]].")
    wiki_page = page(client, "/wiki/natverk/vpn", "sv")
    for text in ["Version 1, senast redigerad av", "Historik", "Sidor som länkar hit", "Alla wikisidor"]:
        assert text in wiki_page, text
    assert "Pages that link here" not in wiki_page

    history = page(client, "/wiki/natverk/vpn/-/history", "sv")
    assert "Historik för ”VPN från hemmet”" in history and "Jämför de valda versionerna" in history


@pytest.mark.usefixtures("compiled_catalogues")
def test_error_answers_in_swedish(client, make_user, make_question, login):
    author = make_user()
    question = make_question(author=author)
    login(author)
    # A vote sent by fetch() gets its refusal as JSON, in the reader's language.
    vote = send(
        client, "POST", f"/questions/{question.id}/vote", "sv",
        data={"value": "up"}, headers={"Accept": "application/json"},
    )  # fmt: skip
    assert vote.status_code == 403
    assert vote.json["error"] == "Du kan inte rösta på ditt eget inlägg"

    missing = send(client, "GET", "/no/such/page", "sv")
    assert missing.status_code == 404
    assert "Det finns inget på den här adressen." in missing.get_data(as_text=True)


@pytest.mark.usefixtures("compiled_catalogues")
def test_language_switch_changes_the_interface(client):
    assert "Ask a question" in page(client, "/", "en")

    response = send(client, "POST", "/language", "en", data={"lang": "sv", "next": "/"})
    assert response.status_code == 302
    swedish = page(client, "/", "en")  # the choice outranks the browser's language
    assert '<html lang="sv">' in swedish and "Ställ en fråga" in swedish

    send(client, "POST", "/language", "en", data={"lang": "en", "next": "/"})
    assert "Ask a question" in page(client, "/", "sv")

    send(
        client, "POST", "/language", "en", data={"lang": "xx", "next": "/"}
    )  # an unknown language changes nothing
    assert "Ask a question" in page(client, "/", "sv")


@pytest.mark.usefixtures("compiled_catalogues")
def test_search_page_in_swedish(client, make_question):
    make_question(title="Skrivaren på plan 3 skriver inte ut", body="Den tar emot jobb men inget kommer ut.")
    found = page(client, "/search?q=skrivaren", "sv")
    for text in ["Sök bland frågor och wikisidor", "Sortera efter:", "Relevans", "Så söker du", "1 träff"]:
        assert text in found, text

    nothing = page(client, "/search?q=zzzqqq", "sv")
    assert "Inget matchar ”zzzqqq”." in nothing and "Ställ en fråga" in nothing

    wrong = send(client, "GET", "/search?q=is:maybe", "sv")
    assert "Efter ”is:” kan du skriva solved (löst) eller unsolved (olöst)." in wrong.get_data(as_text=True)
