"""Spaces: public and restricted communities that every question and wiki page belongs to."""


def init_app(app) -> None:
    """Routes and commands for spaces, and the sign-in wall when anonymous visitors may not read."""
    from . import views
    from .cli import spaces_cli

    app.register_blueprint(views.bp)
    app.before_request(views.require_sign_in_when_closed)
    app.cli.add_command(spaces_cli)
