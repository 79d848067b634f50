from flask import Blueprint, render_template

bp = Blueprint("forum", __name__)


@bp.get("/")
def index():
    """Newest questions (placeholder until the forum views land)."""
    return render_template("forum/index.html")
