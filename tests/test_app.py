"""The app as a whole: configuration, the secret key, errors and languages."""

from helpdesk import create_app


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    settings = {"SECRET_KEY": None, "INSTANCE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(settings)
    second = create_app(settings)
    assert first.config["SECRET_KEY"] and len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text().strip() == first.config["SECRET_KEY"]


def test_unknown_address_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json["error"]


def test_request_over_the_size_limit_gets_413_with_a_message(client):
    response = client.post("/login", data={"email": "a@b.c", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_swedish_browser_gets_swedish_interface(client):
    response = client.get("/login", headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    assert '<html lang="sv">' in response.get_data(as_text=True)


def test_language_switch_overrides_the_browser(client):
    response = client.post("/language", data={"lang": "sv", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="sv">' in page


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert "evil.example" not in response.headers["Location"]


def test_readme_lists_every_setting_the_code_reads():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = [root / "config.py", *sorted((root / "helpdesk").rglob("*.py"))]
    used = {name for path in sources for name in re.findall(r"HELPDESK_[A-Z_]+", path.read_text())}
    readme = (root / "README.md").read_text()
    assert used, "no settings found"
    assert sorted(name for name in used if f"`{name}`" not in readme) == []


def test_every_page_names_an_icon_the_app_serves(client):
    import re

    href = re.search(
        r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', client.get("/").get_data(as_text=True)
    )
    with client.get(href.group(1)) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
