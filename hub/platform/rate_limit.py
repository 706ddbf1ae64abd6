"""The rate limiter (Flask-Limiter), bound to the app in create_app(), and who a client is.

Enquiry intake has ONE bucket per client address, whichever door the enquiry comes through:
``intake_limit`` decorates both the API's ``POST /v1/enquiries`` and the form's POST, so the
documented ``HUB_INTAKE_RATE_LIMIT`` is the limit, not half of it. Saving a page of the form
(which writes a draft) has its own, looser bucket, ``form_page_limit`` (``HUB_FORM_RATE_LIMIT``):
a person makes about eight saves per enquiry, and many people can share one address.

The client address is the connection's, unless ``HUB_TRUSTED_PROXIES`` says how many proxies
in front of the hub append to X-Forwarded-For (Werkzeug's ProxyFix then takes the address that
many hops back). With 0, the default, X-Forwarded-For is ignored: anyone can write it.

The limiter's keys live in Redis (and its append-only file), so a key never holds the address
itself: it holds a keyed hash of it (HMAC-SHA256 under the app's secret key, truncated to 128
bits), which still gives each address its own bucket but cannot be reversed by reading Redis.
A new secret key starts every bucket afresh, which is harmless.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import Settings

# Keeps these keys apart from anything else the secret key is used for (the staff index).
_KEY_CONTEXT = b"hub.rate-limit.client\x00"


def client_key() -> str:
    """This client's bucket: a keyed hash of its address, never the address itself."""
    settings = current_app.config["HUB_SETTINGS"]
    assert isinstance(settings, Settings)
    message = _KEY_CONTEXT + get_remote_address().encode()
    digest = hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()
    return digest[:32]


limiter = Limiter(key_func=client_key, default_limits=[])

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
