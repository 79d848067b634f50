"""The wiki over HTTP: reading, writing, history, diffs, reverts, missing pages and who may do what."""

import pytest

from helpdesk.extensions import db
from helpdesk.wiki.queries import page_by_path
from helpdesk.wiki.services import edit_page

READERS = ["anonymous", "employee", "staff", "lead", "admin"]
EDITORS = {"staff", "lead", "admin"}


@pytest.fixture
def staff(make_user, login):
    user = make_user(role="staff", name="Stina Staff")
    login(user)
    return user


@pytest.fixture
def as_role(make_user, login):
    """``as_role("employee")`` signs in a new user with that role; "anonymous" stays signed out."""

    def sign_in(role: str):
        if role == "anonymous":
            return None
        user = make_user(role=role)
        login(user)
        return user

    return sign_in


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(page, **changes) -> dict:
    data = {
        "title": page.title,
        "path": page.path,
        "body": page.body,
        "tags": " ".join(t.name for t in page.tags),
        "lang": page.lang,
        "summary": "",
        "base_version": str(page.version),
    }
    data.update(changes)
    return data


# --- reading --------------------------------------------------------------------------------------------


def test_a_page_shows_title_tags_text_author_breadcrumbs_and_backlinks(client, make_user, make_page):
    author = make_user(role="staff", name="Wiki Writer")
    make_page(title="Network", path="network", body="All about the network.")
    page = make_page(
        title="VPN from home", path="network/vpn", body="Start **Cisco**.", tags=["vpn"], author=author
    )
    make_page(title="Remote work", body="First read [[VPN from home]].")

    html = _text(client.get("/wiki/network/vpn"))

    assert "<h1" in html and "VPN from home</h1>" in html
    assert "<strong>Cisco</strong>" in html
    assert 'href="/wiki/?tag=vpn"' in html
    assert "last edited by Wiki Writer" in html
    assert 'href="/wiki/network">Network</a>' in html  # breadcrumb to the section page
    assert 'href="/wiki/"' in html
    assert "Pages that link here" in html and "Remote work</a>" in html
    assert f'href="/wiki/{page.path}/-/history"' in html


def test_an_unknown_path_is_404(client):
    response = client.get("/wiki/no/such/page")
    assert response.status_code == 404
    assert "There is no wiki page here" in _text(response)


def test_paths_typed_in_capitals_redirect_to_the_page(client, make_page):
    make_page(path="network/vpn")
    response = client.get("/wiki/Network/VPN")
    assert response.status_code == 301 and response.headers["Location"].endswith("/wiki/network/vpn")


def test_a_moved_page_is_found_at_its_old_address(client, staff, make_page):
    page = make_page(path="vpn")
    client.post("/wiki/vpn/-/edit", data=_form(page, path="network/vpn"))
    response = client.get("/wiki/vpn", follow_redirects=True)
    assert response.request.path == "/wiki/network/vpn"
    assert "This page has moved" in _text(response)


def test_pages_whose_path_ends_like_an_action_still_work(client, staff, make_page):
    page = make_page(title="The edit tool", path="tools/edit", body="Edit tool page.")
    make_page(title="Our history", path="history", body="Since 1850.")

    assert "Edit tool page." in _text(client.get("/wiki/tools/edit"))
    assert "Since 1850." in _text(client.get("/wiki/history"))
    form = _text(client.get("/wiki/tools/edit/-/edit"))
    assert 'name="body"' in form and "Edit tool page." in form
    assert "Revision" in _text(client.get("/wiki/tools/edit/-/history"))
    assert page.version == 1


def test_index_lists_pages_by_section_title_or_recent_change(client, make_page):
    make_page(title="Zeta", path="a-section")
    make_page(title="Alpha", path="a-section/child")
    make_page(title="Middle", path="a-section-2")

    by_path = _text(client.get("/wiki/"))
    assert by_path.index("Zeta") < by_path.index("Alpha") < by_path.index("Middle")
    assert 'class="wiki-depth-1"' in by_path  # the child is indented under its section
    by_title = _text(client.get("/wiki/?sort=title"))
    assert by_title.index("Alpha") < by_title.index("Middle") < by_title.index("Zeta")
    recent = _text(client.get("/wiki/?sort=recent"))
    assert recent.index("Middle") < recent.index("Alpha") < recent.index("Zeta")


def test_index_is_paginated_and_filters_by_tag(app, client, make_page):
    app.config["ITEMS_PER_PAGE"] = 2
    for n in range(3):
        make_page(title=f"Page {n}", path=f"p{n}", tags=["printer"] if n == 1 else ["other"])

    first = _text(client.get("/wiki/?sort=title"))
    assert "Page 0" in first and "Page 2" not in first and "Page 1 of 2" in first
    assert "Page 2" in _text(client.get("/wiki/?sort=title&page=2"))
    tagged = _text(client.get("/wiki/?tag=Printer"))
    assert "Page 1" in tagged and "Page 0" not in tagged and "Page 2" not in tagged


@pytest.mark.parametrize("role", READERS)
def test_new_page_button_only_for_those_who_may_write(client, as_role, role):
    as_role(role)
    assert ('href="/wiki/new"' in _text(client.get("/wiki/"))) == (role in EDITORS)


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    "url",
    [
        "/wiki/",
        "/wiki/net/vpn",
        "/wiki/net/vpn/-/history",
        "/wiki/net/vpn/-/diff?from=1&to=2",
        "/wiki/net/vpn/-/revisions/1",
    ],
)
def test_everybody_may_read(client, make_user, make_page, as_role, role, url):
    page = make_page(title="VPN", path="net/vpn", body="Version one.")
    edit_page(
        page,
        make_user(role="staff"),
        title="VPN",
        path="net/vpn",
        body="Version two.",
        tags=[],
        summary="",
        base_version=1,
    )
    db.session.commit()
    as_role(role)
    response = client.get(url)
    assert response.status_code == 200


# --- writing --------------------------------------------------------------------------------------------


def test_create_a_page_over_http(client, staff):
    form = _text(client.get("/wiki/new?title=Skrivare på plan 3"))
    assert 'value="Skrivare på plan 3"' in form
    assert "Leave empty to derive it from the title" in form

    response = client.post(
        "/wiki/new",
        data={
            "title": "Skrivare på plan 3",
            "path": "",
            "body": "Use **PRN-3**.",
            "tags": "printer",
            "lang": "sv",
            "summary": "New",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/wiki/skrivare-pa-plan-3")
    page = page_by_path("skrivare-pa-plan-3")
    assert page.lang == "sv" and page.created_by == staff
    html = _text(client.get("/wiki/skrivare-pa-plan-3"))
    assert "is created" in html and "<strong>PRN-3</strong>" in html and 'lang="sv"' in html


def test_a_refused_page_keeps_everything_typed(client, staff, make_page):
    make_page(title="VPN", path="vpn")
    response = client.post(
        "/wiki/new",
        data={
            "title": "VPN again",
            "path": "vpn",
            "body": "My long careful text.",
            "tags": "vpn",
            "lang": "en",
        },
    )
    html = _text(response)
    assert response.status_code == 409
    assert "There is already a page at “vpn”" in html
    assert "My long careful text." in html and 'value="VPN again"' in html


def test_a_path_escaping_the_wiki_is_refused_over_http(client, staff):
    response = client.post(
        "/wiki/new", data={"title": "Secrets", "path": "../etc/passwd", "body": "Text.", "lang": "en"}
    )
    assert response.status_code == 400
    assert "A path cannot contain “.” or “..”" in _text(response)


def test_preview_shows_the_rendered_text_and_saves_nothing(client, staff):
    response = client.post(
        "/wiki/new", data={"title": "Draft", "body": "Some *emphasis*.", "lang": "en", "preview": "1"}
    )
    html = _text(response)
    assert response.status_code == 200 and "<em>emphasis</em>" in html and "Preview" in html
    assert page_by_path("draft") is None


def test_edit_saves_a_new_revision(client, staff, make_page):
    page = make_page(title="VPN", path="vpn", body="Old text.")
    form = _text(client.get("/wiki/vpn/-/edit"))
    assert "Old text." in form and 'name="base_version" type="hidden" value="1"' in form

    response = client.post(
        "/wiki/vpn/-/edit", data=_form(page, body="New text.", summary="Fixed"), follow_redirects=True
    )
    assert "Saved as revision 2." in _text(response) and "New text." in _text(response)
    assert page.version == 2 and page.revisions[-1].summary == "Fixed"


def test_an_edit_changing_nothing_says_so(client, staff, make_page):
    page = make_page(path="vpn")
    response = client.post("/wiki/vpn/-/edit", data=_form(page), follow_redirects=True)
    assert "You changed nothing, so no new revision was saved." in _text(response)
    assert page.version == 1


def test_an_edit_conflict_keeps_the_typed_text_and_shows_both_diffs(client, login, make_user, make_page):
    page = make_page(title="VPN", path="vpn", body="Step one.\nStep two.\nStep three.")
    login(make_user(role="staff"))
    started = _form(page)  # the form as I opened it: version 1

    other = make_user(role="staff", name="Quick Colleague")
    edit_page(
        page,
        other,
        title="VPN",
        path="vpn",
        body="Step one.\nStep 2 (changed).\nStep three.",
        tags=[],
        summary="Renumbered",
        base_version=1,
    )
    db.session.commit()

    mine = dict(started, body="Step one.\nStep two.\nStep three.\nMy new step four.")
    response = client.post("/wiki/vpn/-/edit", data=mine)
    html = _text(response)
    assert response.status_code == 409
    assert "Someone else saved this page while you were editing it" in html and "Quick Colleague" in html
    assert "My new step four." in html  # nothing typed is lost
    assert "What changed since you started (revision 1 → revision 2)" in html
    assert "<del>two</del>" in html and "<ins>2 (changed)</ins>" in html  # their change, word by word
    assert "Your text compared with the current version" in html
    assert 'name="base_version" type="hidden" value="2"' in html  # re-submitting saves over revision 2
    assert page.version == 2

    resubmitted = client.post("/wiki/vpn/-/edit", data=dict(mine, base_version="2"), follow_redirects=True)
    assert "Saved as revision 3." in _text(resubmitted)
    db.session.refresh(page)
    assert page.body.endswith("My new step four.")


def test_history_lists_revisions_with_a_choice_of_two(client, staff, make_page):
    page = make_page(title="VPN", path="vpn", body="One.")
    client.post("/wiki/vpn/-/edit", data=_form(page, body="Two.", summary="Second go"))

    html = _text(client.get("/wiki/vpn/-/history"))
    assert "Second go" in html and "Stina Staff" in html
    assert 'name="from" value="1"' in html and 'name="to" value="2"' in html
    assert 'action="/wiki/vpn/-/diff"' in html


def test_diff_shows_changed_words_and_changed_title_path_and_tags(client, staff, make_page):
    page = make_page(
        title="VPN", path="vpn", body="Same line.\nConnect with the old client.\nLast line.", tags=["a"]
    )
    client.post(
        "/wiki/vpn/-/edit",
        data=_form(
            page,
            title="VPN at home",
            path="net/vpn",
            tags="b",
            body="Same line.\nConnect with the new client.\nLast line.",
        ),
    )

    response = client.get("/wiki/net/vpn/-/diff?from=1&to=2")
    html = _text(response)
    assert response.status_code == 200
    assert "<del>old</del>" in html and "<ins>new</ins>" in html
    assert "Connect with the " in html
    assert "<ins>at home</ins>" in html or "<ins> at home</ins>" in html  # the title change
    assert '<del class="tag"' in html and '<ins class="tag"' in html


def test_diff_of_unknown_revisions_is_404(client, make_page):
    make_page(path="vpn")
    assert client.get("/wiki/vpn/-/diff?from=1&to=7").status_code == 404
    assert client.get("/wiki/vpn/-/revisions/7").status_code == 404


def test_a_revision_shows_its_own_text(client, staff, make_page):
    page = make_page(path="vpn", body="The *first* words.")
    client.post("/wiki/vpn/-/edit", data=_form(page, body="Different now."))
    html = _text(client.get("/wiki/vpn/-/revisions/1"))
    assert "<em>first</em>" in html and "You are reading revision 1" in html
    assert "Revert to this revision" in html


def test_revert_over_http(client, staff, make_page):
    page = make_page(path="vpn", body="Good text.")
    client.post("/wiki/vpn/-/edit", data=_form(page, body="Spam spam spam."))

    response = client.post("/wiki/vpn/-/revert/1", follow_redirects=True)
    assert "Reverted to revision 1." in _text(response) and "Good text." in _text(response)
    assert page.version == 3 and page.revisions[-1].summary == "Reverted to revision 1"


def test_delete_over_http(client, staff, make_page):
    make_page(title="Old page", path="old")
    response = client.post("/wiki/old/-/delete", follow_redirects=True)
    assert "The page “Old page” is deleted." in _text(response)
    assert client.get("/wiki/old").status_code == 404


# --- links to pages that do not exist yet ---------------------------------------------------------------


def test_go_redirects_to_the_page_with_that_title(client, make_page):
    make_page(title="Printers", path="hardware/printers")
    response = client.get("/wiki/go/printers")
    assert response.status_code == 302 and response.headers["Location"].endswith("/wiki/hardware/printers")


@pytest.mark.parametrize("role", READERS)
def test_a_missing_page_offers_to_create_it_to_those_who_may(client, as_role, make_page, role):
    make_page(title="Index", body="See [[Printers on floor 3]].")
    as_role(role)
    response = client.get("/wiki/go/Printers on floor 3")
    html = _text(response)
    assert response.status_code == 404
    assert "This page does not exist yet" in html and "Index</a>" in html
    assert ('href="/wiki/new?title=Printers+on+floor+3"' in html) == (role in EDITORS)


def test_following_a_missing_link_ends_in_a_prefilled_form(client, staff, make_page):
    linking = make_page(title="Index", body="See [[Printers]].")
    assert 'href="/wiki/go/Printers"' in linking.body_html
    form = _text(client.get("/wiki/new?title=Printers"))
    assert 'value="Printers"' in form


# --- who may write --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/wiki/new"),
        ("post", "/wiki/new"),
        ("get", "/wiki/vpn/-/edit"),
        ("post", "/wiki/vpn/-/edit"),
        ("post", "/wiki/vpn/-/revert/1"),
        ("post", "/wiki/vpn/-/delete"),
    ],
)
def test_only_staff_leads_and_admins_write(client, make_page, as_role, role, method, url):
    page = make_page(title="VPN", path="vpn", body="Text.")
    data = (
        _form(page, body="Changed.")
        if url.endswith("edit")
        else {"title": "Another", "body": "Text.", "lang": "en"}
    )
    as_role(role)
    response = getattr(client, method)(url, data=data if method == "post" else None)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role == "employee":
        assert response.status_code == 403
    else:
        assert response.status_code in {200, 302}
    db.session.rollback()
    if role not in EDITORS:
        assert page_by_path("vpn").body == "Text." and page_by_path("another") is None


# Restricted spaces -------------------------------------------------------------------------------------


@pytest.fixture
def team(make_user):
    """A restricted space "Payroll team" (address payroll-team) with an owner and a member (employees)."""
    from helpdesk.spaces.services import add_member, create_space

    owner, member = make_user(name="Owner"), make_user(name="Member")
    space = create_space("Payroll team", None, restricted=True, owners=[owner])
    add_member(space, member, owner)
    db.session.commit()
    return {"space": space, "owner": owner, "member": member}


def test_members_write_the_wiki_of_their_restricted_space(client, login, team):
    login(team["member"])
    form = _text(client.get("/wiki/new?space=payroll-team"))
    assert '<option selected value="payroll-team">Payroll team</option>' in form
    response = client.post(
        "/wiki/new",
        data={"title": "Acme payroll", "path": "clients/acme", "body": "Pay on the 25th.", "lang": "en",
              "space": "payroll-team"},
    )  # fmt: skip
    assert response.status_code == 302
    page = page_by_path("spaces/payroll-team/clients/acme")
    assert page.space_id == team["space"].id
    html = _text(client.get("/wiki/spaces/payroll-team/clients/acme"))
    assert 'href="/wiki/spaces/payroll-team/clients/acme/-/edit"' in html
    assert '<span class="badge badge-space" title="Space">Payroll team</span>' in html
    response = client.post(
        "/wiki/spaces/payroll-team/clients/acme/-/edit", data=_form(page, body="Pay on the 24th.")
    )
    assert response.status_code == 302 and page_by_path(page.path).body == "Pay on the 24th."
    # ... but not the public wiki, which staff curate.
    assert 'value="public"' not in _text(client.get("/wiki/new"))
    data = {"title": "Public", "body": "x", "lang": "en", "space": "public"}
    assert client.post("/wiki/new", data=data).status_code == 400
    assert page_by_path("public") is None


@pytest.mark.parametrize("role", ["employee", "staff"])
def test_outsiders_cannot_write_or_read_a_restricted_space_s_wiki(client, as_role, team, role):
    from helpdesk.wiki.services import create_page

    as_role(role)
    hidden = create_page(team["owner"], "Acme calendar", "calendar", "Secret dates.", [], space=team["space"])
    db.session.commit()
    for suffix in ("", "/-/edit", "/-/history", "/-/diff", "/-/revisions/1"):
        assert client.get(f"/wiki/{hidden.path}{suffix}").status_code == 404
    assert client.post(f"/wiki/{hidden.path}/-/delete").status_code == 404
    assert client.post(f"/wiki/{hidden.path}/-/revert/1").status_code == 404
    not_found = _text(client.get(f"/wiki/{hidden.path}"))
    assert "Create a page here" not in not_found and "Secret" not in not_found
    assert "Payroll team" not in _text(client.get("/wiki/new?space=payroll-team"))
    assert page_by_path(hidden.path) is not None


def test_a_restricted_page_s_path_offers_creation_to_members_only(client, login, make_user, team):
    login(team["member"])
    html = _text(client.get("/wiki/spaces/payroll-team/notes"))
    assert 'href="/wiki/new?path=spaces/payroll-team/notes"' in html
    client.post("/logout")
    login(make_user(role="staff"))
    assert "Create a page here" not in _text(client.get("/wiki/spaces/payroll-team/notes"))
    assert "Create a page here" in _text(client.get("/wiki/notes"))


def test_a_space_s_pages_lead_back_to_the_space_and_carry_its_badge_in_lists(client, login, team):
    from helpdesk.wiki.services import create_page

    create_page(team["owner"], "Acme payroll", "clients/acme", "Pay on the 25th.", [], space=team["space"])
    db.session.commit()
    login(team["member"])
    html = _text(client.get("/wiki/spaces/payroll-team/clients/acme"))
    crumbs = html[html.index('class="breadcrumbs"') : html.index("</nav>", html.index('class="breadcrumbs"'))]
    assert '<a href="/spaces/payroll-team">Payroll team</a>' in crumbs
    assert 'href="/wiki/spaces"' not in crumbs
    assert 'href="/wiki/spaces/payroll-team/clients">clients<' in crumbs
    listing = _text(client.get("/wiki/"))
    assert 'Acme payroll</a> <span class="badge badge-space" title="Space">Payroll team</span>' in listing
