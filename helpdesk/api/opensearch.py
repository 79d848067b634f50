"""``/opensearch.xml``: an OpenSearch 1.1 description, so browsers can add the helpdesk as a search engine.

The addresses in it are absolute, built from the request (the host people reached the site by).
"""

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _

bp = Blueprint("opensearch", __name__)

CONTENT_TYPE = "application/opensearchdescription+xml"
SHORT_NAME_CHARS = 16  # the specification's limit


@bp.get("/opensearch.xml")
def description():
    # url_for would percent-encode the braces of {searchTerms}, so the template parameter is appended here.
    body = render_template(
        "api/opensearch.xml",
        # Strings are translated here: babel.cfg extracts .html templates only.
        short_name=_("Helpdesk")[:SHORT_NAME_CHARS],
        description=_("Questions, answers and wiki pages of the IT helpdesk"),
        html_template=url_for("search.search", _external=True) + "?q={searchTerms}",
        json_template=url_for("api.search_endpoint", _external=True) + "?q={searchTerms}",
        self_url=url_for("opensearch.description", _external=True),
        search_page_url=url_for("search.search", _external=True),
    )
    return body, 200, {"Content-Type": f"{CONTENT_TYPE}; charset=utf-8"}
