"""Wiki services: revisions, edit conflicts, reverts, links between pages, path rules, renames and deletes."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.wiki.models import Page, PageLink, PageRevision
from helpdesk.wiki.paths import normalize_path, slugify
from helpdesk.wiki.queries import linking_pages, page_by_path
from helpdesk.wiki.services import (
    EditConflict,
    PageFieldError,
    create_page,
    delete_page,
    edit_page,
    revert_page,
)


@pytest.fixture
def staff(make_user):
    return make_user(role="staff", name="Stina Staff")


def _edit(page, editor, **changes):
    """edit_page with the page's current values, except ``changes``."""
    values = {
        "title": page.title,
        "path": page.path,
        "body": page.body,
        "tags": [t.name for t in page.tags],
        "summary": "",
        "base_version": page.version,
    }
    values.update(changes)
    return edit_page(page, editor, **values)


def _revision_count(page) -> int:
    return len(db.session.scalars(select(PageRevision).where(PageRevision.page_id == page.id)).all())


# --- creating -------------------------------------------------------------------------------------------


def test_create_page_saves_revision_one_and_renders_the_body(staff):
    page = create_page(
        staff, "VPN from home", "network/vpn", "Start **Cisco** first.", "vpn, remote", "First"
    )
    db.session.commit()

    assert page.version == 1
    assert page.path == "network/vpn"
    assert page.title_key == "vpn from home"
    assert "<strong>Cisco</strong>" in page.body_html
    assert [t.name for t in page.tags] == ["remote", "vpn"]
    (revision,) = page.revisions
    assert (revision.number, revision.title, revision.path, revision.body) == (
        1,
        "VPN from home",
        "network/vpn",
        "Start **Cisco** first.",
    )
    assert revision.tags == "remote vpn"
    assert revision.summary == "First"
    assert revision.author == staff


@pytest.mark.parametrize(
    ("title", "path"),
    [
        ("Skrivare på plan 3", "skrivare-pa-plan-3"),
        ("Åtkomst över VPN: hur?", "atkomst-over-vpn-hur"),
        ("Network / VPN setup", "network-vpn-setup"),
        ("New", "new-page"),
        ("???", "page"),
    ],
)
def test_an_empty_path_is_derived_from_the_title(staff, title, path):
    page = create_page(staff, title, None, "Text.", [])
    assert page.path == path


def test_typed_paths_are_cleaned_the_same_way(staff):
    page = create_page(staff, "Skrivare", " /Nätverk/Skrivare/ ", "Text.", [])
    assert page.path == "natverk/skrivare"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("network/vpn/setup", "network/vpn/setup"),
        ("/Network/VPN/", "network/vpn"),
        ("how_to/reset-password-2", "how_to/reset-password-2"),
        ("Göteborg/kontoret", "goteborg/kontoret"),
        ("tools/edit", "tools/edit"),
    ],
)
def test_normalize_path_accepts_nested_lower_case_paths(raw, expected):
    assert normalize_path(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("../etc/passwd", "“.” or “..”"),
        ("network/../../secrets", "“.” or “..”"),
        ("a/./b", "“.” or “..”"),
        ("a//b", "empty segment"),
        ("vpn setup", "cannot be part of a path"),
        ("a\\b", "cannot be part of a path"),
        ("%2e%2e/x", "cannot be part of a path"),
        ("docs/-/edit", "“-” cannot be part of a path"),
        ("new", "cannot start with “new”"),
        ("go/somewhere", "cannot start with “go”"),
        ("x" * 201, "at most 200 characters"),
        ("  / ", "A path is required"),
    ],
)
def test_normalize_path_refuses_bad_paths_with_a_clear_message(raw, message):
    with pytest.raises(PageFieldError) as caught:
        normalize_path(raw)
    assert caught.value.field == "path"
    assert message in caught.value.message


def test_a_path_escaping_the_wiki_is_refused_and_nothing_is_saved(staff):
    with pytest.raises(PageFieldError, match="“.” or “..”"):
        create_page(staff, "Passwords", "../etc/passwd", "Text.", [])
    assert db.session.scalar(select(Page)) is None


def test_a_duplicate_path_is_a_409_naming_the_page_there(staff, make_page):
    make_page(title="VPN", path="network/vpn")
    with pytest.raises(PageFieldError) as caught:
        create_page(staff, "VPN again", "Network/VPN", "Text.", [])
    assert caught.value.status_code == 409
    assert "There is already a page at “network/vpn” (“VPN”)" in caught.value.message


def test_a_title_with_a_taken_derived_path_is_refused_too(staff, make_page):
    make_page(title="Printers", path="printers")
    with pytest.raises(PageFieldError, match="There is already a page") as caught:
        create_page(staff, "Printers", "", "Text.", [])
    assert caught.value.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "A title is required."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"body": " \n "}, "body", "Write the text of the page."),
        ({"tags": "a b c d e f g h i"}, "tags", "at most 8 tags"),
        ({"lang": "xx"}, "lang", "Choose one of the languages"),
        ({"summary": "s" * 301}, "summary", "at most 300 characters"),
    ],
)
def test_bad_input_is_refused_with_the_field_it_concerns(staff, changes, field, message):
    values = {"title": "Title", "path": None, "body": "Body", "tags": [], "summary": "", "lang": "en"}
    values.update(changes)
    with pytest.raises(PageFieldError) as caught:
        create_page(staff, **values)
    assert caught.value.field == field
    assert message in caught.value.message


# --- editing --------------------------------------------------------------------------------------------


def test_edit_writes_the_next_revision(staff, make_user, make_page):
    page = make_page(title="VPN", path="vpn", body="Old text.", tags=["vpn"])
    editor = make_user(role="lead")
    revision = _edit(page, editor, title="VPN at home", body="New text.", tags="vpn home", summary="Clearer")
    db.session.commit()

    assert revision.number == page.version == 2
    assert (revision.title, revision.body, revision.tags, revision.summary) == (
        "VPN at home",
        "New text.",
        "home vpn",
        "Clearer",
    )
    assert revision.author == editor
    assert page.title == "VPN at home" and page.body_html == "<p>New text.</p>"
    assert [r.number for r in page.revisions] == [1, 2]


def test_the_second_of_two_edits_from_the_same_revision_is_refused(make_user, make_page):
    page = make_page(body="Version one.")
    first, second = make_user(role="staff", name="First Editor"), make_user(role="staff")
    started_from = page.version

    edit_page(
        page,
        first,
        title=page.title,
        path=page.path,
        body="First's text.",
        tags=[],
        summary="",
        base_version=started_from,
    )
    db.session.commit()
    with pytest.raises(EditConflict) as caught:
        edit_page(
            page,
            second,
            title=page.title,
            path=page.path,
            body="Second's text.",
            tags=[],
            summary="",
            base_version=started_from,
        )

    assert isinstance(caught.value, Conflict) and caught.value.status_code == 409
    assert caught.value.current_revision.number == 2
    assert caught.value.current_revision.author == first
    assert "First Editor" in caught.value.message
    db.session.rollback()
    assert page.body == "First's text." and _revision_count(page) == 2


def test_a_save_racing_another_is_refused_even_when_the_page_was_read_before_it(staff, make_page):
    page = make_page(body="One.")
    _edit(page, staff, body="Two.")
    db.session.commit()
    # As if this request had read the page just before the other save committed.
    set_committed_value(page, "version", 1)

    with pytest.raises(EditConflict) as caught:
        _edit(page, staff, body="Three.", base_version=1)
    assert caught.value.current_revision.number == 2
    assert page.version == 2


def test_an_edit_that_changes_nothing_writes_no_revision(staff, make_page):
    page = make_page(body="Same text.", tags=["b", "a"])
    revision = _edit(page, staff, body="Same text.\r\n", tags="a, b", summary="Nothing really")
    assert revision.number == 1
    assert page.version == 1 and _revision_count(page) == 1


def test_an_empty_path_on_edit_keeps_the_current_one(staff, make_page):
    page = make_page(path="network/vpn")
    _edit(page, staff, path="", body="Changed.")
    assert page.path == "network/vpn"


def test_revert_restores_title_path_body_and_tags_as_a_new_revision(staff, make_user, make_page):
    page = make_page(title="VPN", path="vpn", body="Original.", tags=["vpn"])
    _edit(page, staff, title="VPN (old)", path="archive/vpn", body="Vandalised.", tags="junk")
    reverter = make_user(role="admin")

    revision = revert_page(page, page.revisions[0], reverter)
    db.session.commit()

    assert revision.number == 3 and revision.summary == "Reverted to revision 1"
    assert revision.author == reverter
    assert (page.title, page.path, page.body, [t.name for t in page.tags]) == (
        "VPN",
        "vpn",
        "Original.",
        ["vpn"],
    )
    assert page.body_html == "<p>Original.</p>"


def test_revert_to_the_current_text_writes_nothing(staff, make_page):
    page = make_page()
    revision = revert_page(page, page.revisions[0], staff)
    assert revision.number == 1 and _revision_count(page) == 1


def test_revert_to_a_path_another_page_took_since_is_refused(staff, make_page):
    page = make_page(path="vpn")
    _edit(page, staff, path="network/vpn")
    make_page(title="Someone else's VPN page", path="vpn")
    with pytest.raises(PageFieldError) as caught:
        revert_page(page, page.revisions[0], staff)
    assert caught.value.status_code == 409 and "Someone else's VPN page" in caught.value.message


# --- links between pages --------------------------------------------------------------------------------


def _links(page) -> set[str]:
    return {
        link.target_title
        for link in db.session.scalars(select(PageLink).where(PageLink.source_id == page.id))
    }


def test_each_save_rewrites_the_pages_links(staff, make_page):
    page = make_page(body="See [[VPN]], [[Printers]] and [[vpn]] again.")
    assert _links(page) == {"VPN", "Printers"}

    _edit(page, staff, body="Only [[Printers|the printer page]] and [[Passwords]] now.")
    db.session.commit()
    assert _links(page) == {"Printers", "Passwords"}


def test_backlinks_are_the_pages_linking_to_a_title(make_page, make_user):
    vpn = make_page(title="VPN", body="Self link [[VPN]].")
    a = make_page(title="Alpha", body="Read [[vpn]].")
    make_page(title="Beta", body="Nothing here.")
    assert linking_pages(vpn.title_key, make_user(), exclude=vpn) == [a]


def test_creating_a_page_turns_links_to_it_from_missing_to_existing(make_page):
    linking = make_page(title="Index", body="See [[Printers]].")
    assert 'class="wikilink missing"' in linking.body_html

    printers = make_page(title="Printers", path="hardware/printers")
    db.session.refresh(linking)
    assert 'class="wikilink missing"' not in linking.body_html
    assert 'href="/wiki/hardware/printers"' in linking.body_html
    assert printers.title == "Printers"


def test_renaming_a_page_updates_links_to_its_old_and_new_title(staff, make_page):
    old_name = make_page(title="Index A", body="See [[Printers]].")
    new_name = make_page(title="Index B", body="See [[Printing]].")
    printers = make_page(title="Printers", path="printers")
    assert 'class="wikilink missing"' in new_name.body_html

    _edit(printers, staff, title="Printing")
    db.session.commit()
    db.session.refresh(old_name)
    db.session.refresh(new_name)
    assert 'class="wikilink missing"' in old_name.body_html
    assert 'class="wikilink"' in new_name.body_html and 'href="/wiki/printers"' in new_name.body_html


def test_moving_a_page_updates_the_addresses_in_links_to_it(staff, make_page):
    linking = make_page(title="Index", body="See [[Printers]].")
    printers = make_page(title="Printers", path="printers")
    _edit(printers, staff, path="hardware/printers")
    db.session.commit()
    db.session.refresh(linking)
    assert 'href="/wiki/hardware/printers"' in linking.body_html


def test_deleting_a_page_removes_its_history_and_marks_links_to_it_missing(make_page):
    printers = make_page(title="Printers", body="Links to [[Index]].")
    linking = make_page(title="Index", body="See [[Printers]].")
    assert 'class="wikilink missing"' not in linking.body_html
    delete_page(printers)
    db.session.commit()

    db.session.refresh(linking)
    assert 'class="wikilink missing"' in linking.body_html
    assert page_by_path(printers.path) is None
    assert db.session.scalars(select(PageRevision).where(PageRevision.page_id == printers.id)).all() == []
    assert db.session.scalars(select(PageLink).where(PageLink.target_key == "index")).all() == []


def test_stored_links_never_hold_a_host_even_without_a_server_name(app, staff):
    app.config["SERVER_NAME"] = None  # as in `flask import` on a server
    create_page(staff, "Printers", "printers", "Text.", [])
    page = create_page(staff, "Index", "index", "See [[Printers]] and [[Nowhere]].", [])
    assert 'href="/wiki/printers"' in page.body_html
    assert 'href="/wiki/go/Nowhere"' in page.body_html


def test_slugify_keeps_long_titles_within_the_path_limit():
    slug = slugify("Word " * 100)
    assert len(slug) <= 200 and not slug.endswith("-")


def test_links_resolve_in_their_own_space_then_in_public_spaces_only(make_user, make_page):
    from helpdesk.spaces.services import create_space
    from helpdesk.wiki.services import create_page

    staff = make_user(role="staff")
    team_a = create_space("Team A", None, restricted=True)
    team_b = create_space("Team B", None, restricted=True)
    public_calendar = make_page(title="Calendar", path="calendar", body="Public dates.")
    a_calendar = create_page(staff, "Calendar", "calendar", "Team A dates.", [], space=team_a)
    a_secret = create_page(staff, "Secret plan", "plan", "Team A only.", [], space=team_a)
    in_a = create_page(staff, "A notes", "notes", "See [[Calendar]] and [[Secret plan]].", [], space=team_a)
    in_b = create_page(staff, "B notes", "notes", "See [[Calendar]] and [[Secret plan]].", [], space=team_b)
    public = make_page(title="Public notes", body="See [[Calendar]] and [[Secret plan]].")
    db.session.commit()

    assert f'href="/wiki/{a_calendar.path}"' in in_a.body_html  # its own space first
    assert f'href="/wiki/{a_secret.path}"' in in_a.body_html
    for other in (in_b, public):  # never into another restricted space
        assert f'href="/wiki/{public_calendar.path}"' in other.body_html
        assert "spaces/team-a" not in other.body_html
        assert 'href="/wiki/go/Secret%20plan"' in other.body_html
