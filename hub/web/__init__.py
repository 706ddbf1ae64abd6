"""Server-rendered pages on GOV.UK Frontend for carers, council staff and hub operators.

The carer's enquiry form and its privacy notice; staff sign-in (an e-mailed link or OpenID
Connect) and staff sessions; the council pages (referrals, follow-ups); the operators' pages
under ``/ops/``; ``/docs``; HTML error pages.

``register_web`` is the one call the app factory makes: templates (with the
govuk-frontend-jinja macros), the vendored GOV.UK Frontend assets at ``/assets/``, the pages,
``/docs``, error pages, CSRF and security headers.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, PrefixLoader

from config.settings import Settings
from hub.web.carer_form import bp as carer_bp
from hub.web.council_follow_ups import bp as council_more_bp
from hub.web.council_referrals import bp as council_pages_bp
from hub.web.docs import swagger_ui
from hub.web.error_pages import register_error_pages
from hub.web.form_encoding import register_form_encoding_guard
from hub.web.oidc_sign_in import register_oidc
from hub.web.ops import register_ops_pages
from hub.web.security import register_security
from hub.web.sign_in import bp as sign_in_bp
from hub.web.staff_session import register_staff_session

# GOV.UK Frontend's built CSS, JS, fonts and images (scripts/update_govuk_frontend.sh), at the
# /assets/ path its CSS expects.
govuk_assets = Blueprint(
    "govuk_assets", __name__, static_folder="static/govuk", static_url_path="/assets"
)


def register_web(app: Flask, settings: Settings) -> None:
    """Everything the pages need, on one app."""
    loaders: list[BaseLoader] = [
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ]
    if app.jinja_loader is not None:
        loaders.insert(0, app.jinja_loader)
    app.jinja_loader = ChoiceLoader(loaders)
    register_form_encoding_guard(app)  # before CSRF, which reads the form
    register_security(app, settings)
    register_error_pages(app)
    app.register_blueprint(govuk_assets)
    app.register_blueprint(carer_bp)
    app.register_blueprint(swagger_ui)
    register_ops_pages(app, settings)  # hub operators' pages (/ops/)
    # Staff sign-in and sessions, then the council pages that need them.
    register_staff_session(app)
    app.register_blueprint(sign_in_bp)
    app.register_blueprint(council_pages_bp)
    app.register_blueprint(council_more_bp)
    register_oidc(app, settings)
