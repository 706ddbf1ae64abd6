"""The rate limiter (Flask-Limiter), bound to the app in create_app(), and who a client is.

Enquiry intake has ONE bucket per client address, whichever door the enquiry comes through:
``intake_limit`` decorates both the API's ``POST /v1/enquiries`` and the form's POST, so the
documented ``HUB_INTAKE_RATE_LIMIT`` is the limit, not half of it. Saving a page of the form
(which writes a draft) has its own, looser bucket, ``form_page_limit`` (``HUB_FORM_RATE_LIMIT``):
a person makes about eight saves per enquiry, and many people can share one address.

The client address is the connection's, unless ``HUB_TRUSTED_PROXIES`` says how many proxies
in front of the hub append to X-Forwarded-For (Werkzeug's ProxyFix then takes the address that
many hops back). With 0, the default, X-Forwarded-For is ignored: anyone can write it.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import Settings

limiter = Limiter(key_func=get_remote_address, default_limits=[])

INTAKE_SCOPE = "intake"


def _intake_rate_limit() -> str:
    settings = current_app.config["HUB_SETTINGS"]
    assert isinstance(settings, Settings)
    return settings.intake_rate_limit


def _form_rate_limit() -> str:
    settings = current_app.config["HUB_SETTINGS"]
    assert isinstance(settings, Settings)
    return settings.form_rate_limit


# One shared bucket (scope "intake") for every route it decorates.
intake_limit = limiter.shared_limit(_intake_rate_limit, scope=INTAKE_SCOPE)
form_page_limit = limiter.shared_limit(_form_rate_limit, scope="form_pages")


def register_trusted_proxies(app: Flask, trusted_proxies: int) -> None:
    """Read the client's address (and scheme) from that many proxies' X-Forwarded-* headers."""
    if trusted_proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies
        )
