"""Behind a reverse proxy: trust its X-Forwarded-For/-Proto/-Host headers, so that the per-address sign-in
limit counts each person's address (not the proxy's), URLs are built with the outside host, and cookies
marked Secure work over the proxy's HTTPS.

``TRUSTED_PROXIES`` is how many proxies stand in front of the app (0, the default: none, and the headers are
ignored, as they must be when clients can reach the app directly: anyone could write them).
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
