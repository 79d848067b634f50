from flask import Blueprint, render_template

bp = Blueprint("wiki", __name__)


@bp.get("/")
def index():
    """All pages (placeholder until the wiki views land)."""
    return render_template("wiki/index.html")
