"""Server-rendered pages on GOV.UK Frontend, in one room per audience.

- ``hub.web.carer``: the enquiry form a prospective carer fills in, its confirmation and the
  privacy notice.
- ``hub.web.staff``: staff sign-in (an e-mailed link or OpenID Connect), sessions, the staff
  chrome and the ``hub users`` command; what council and operator pages stand on.
- ``hub.web.council``: a council recruitment team's pages (``/council/``).
- ``hub.web.ops``: the hub operators' pages (``/ops/``).
- ``hub.web.shared``: what they all share (templates, assets, error pages, security headers).

The audiences import ``shared`` and their domain rooms; council and ops also import
``staff``; no audience imports another (import contracts in ``pyproject.toml``).
``register_web`` is the one call the app factory makes.
"""

from __future__ import annotations

from flask import Flask
from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, PrefixLoader

from config.settings import Settings
from hub.web.carer.own_enquiry_pages import bp as own_enquiry_bp
from hub.web.carer.pages import bp as carer_bp
from hub.web.council.bookings import bp as council_booking_bp
from hub.web.council.case_system import bp as council_case_system_bp
from hub.web.council.casework import bp as council_casework_bp
from hub.web.council.follow_ups import bp as council_more_bp
from hub.web.council.ofsted_return import bp as council_ofsted_bp
from hub.web.council.referrals import bp as council_pages_bp
from hub.web.council.subscriptions import bp as council_subscriptions_bp
from hub.web.council.tasks import bp as council_tasks_bp
from hub.web.council.team import bp as council_team_bp
from hub.web.ops import register_ops_pages
from hub.web.shared import web_shared
from hub.web.shared.api_docs import swagger_ui
from hub.web.shared.brand import register_brand
from hub.web.shared.error_pages import register_error_pages
from hub.web.shared.form_encoding import register_form_encoding_guard
from hub.web.shared.security import register_security
from hub.web.staff.error_pages import register_staff_error_pages
from hub.web.staff.oidc_sign_in import register_oidc
from hub.web.staff.session import register_staff_session
from hub.web.staff.sign_in import bp as sign_in_bp


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
    app.register_blueprint(web_shared)
    register_brand(app, settings)  # GOV.UK Frontend's assets, the brand in every template
    app.register_blueprint(swagger_ui)
    app.register_blueprint(carer_bp)
    app.register_blueprint(own_enquiry_bp)  # the enquirer's link from the confirmation e-mail
    register_ops_pages(app, settings)  # hub operators' pages (/ops/)
    # Staff sign-in and sessions, then the council pages that need them.
    register_staff_session(app)
    register_staff_error_pages(app)  # after the shared error pages, which it wraps
    app.register_blueprint(sign_in_bp)
    app.register_blueprint(council_pages_bp)
    app.register_blueprint(council_more_bp)
    app.register_blueprint(council_casework_bp)
    app.register_blueprint(council_case_system_bp)
    app.register_blueprint(council_booking_bp)
    app.register_blueprint(council_tasks_bp)
    app.register_blueprint(council_ofsted_bp)
    app.register_blueprint(council_team_bp)
    app.register_blueprint(council_subscriptions_bp)
    register_oidc(app, settings)
