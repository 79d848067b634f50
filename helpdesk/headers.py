"""Security headers sent with every response: a strict Content-Security-Policy and its companions.

The policy allows scripts, styles, fonts and fetch() only from this site, and nothing inline: templates carry
no <script> blocks, no on* attributes and no style="" attributes (JS lives in helpdesk/static/js/). Images may
also come from any HTTPS address, because posts may show pictures from intranet and public sites; plain-http
images are left out (a browser on an HTTPS site would upgrade or block them anyway).
"""

from flask import Flask, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # same-origin: links to other sites carry no Referer at all, so neither a question's address nor a search
    # typed into this site (which may name a colleague or a system) leaves the bank's network in a header.
    # Requests to this site keep it, which Flask-WTF's CSRF check needs over HTTPS (WTF_CSRF_SSL_STRICT).
    "Referrer-Policy": "same-origin",
    # For browsers without frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# One year; sent only when the site is served over HTTPS.
HSTS = "max-age=31536000; includeSubDomains"


def _served_over_https() -> bool:
    return request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if _served_over_https():
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
