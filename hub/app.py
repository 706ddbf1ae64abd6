"""The foster-carer enquiry routing hub: create_app() builds the web app."""

from __future__ import annotations

import re
import uuid

import structlog
from flask import Flask, Response, g, request

from config.settings import Settings, get_settings
from hub.access.guard import register_bearer_scheme
from hub.case_system.api import IMPORT_ENDPOINTS
from hub.case_system.api import blp as case_system_blp
from hub.casework.api import blp as casework_blp
from hub.casework.bookings_api import blp as bookings_blp
from hub.delivery.api import council_blp as council_deliveries_blp
from hub.delivery.api import ops_blp as ops_deliveries_blp
from hub.delivery.metrics import watch_backlog
from hub.delivery.notify_callbacks_api import blp as notify_callbacks_blp
from hub.delivery.subscriptions_api import blp as council_subscriptions_blp
from hub.health.probes import bp as health_bp
from hub.intake.api import blp as intake_blp
from hub.people.api import council_blp as people_council_blp
from hub.people.api import ops_blp as people_ops_blp
from hub.platform.db import Database
from hub.platform.errors import register_error_handlers
from hub.platform.extensions import ProblemApi
from hub.platform.json_body import register_json_body_guard
from hub.platform.logging import configure_logging
from hub.platform.metrics import register_request_metrics
from hub.platform.outbox import publisher_for
from hub.platform.rate_limit import limiter, register_trusted_proxies
from hub.platform.redis_target import limiter_storage
from hub.platform.request_limits import register_request_limits
from hub.process_settings import use_settings
from hub.referrals.api import blp as council_blp
from hub.tracking.api import council_blp as tracking_council_blp
from hub.tracking.api import ops_blp as tracking_ops_blp
from hub.triage.api import blp as ops_blp
from hub.web import register_web
from hub.web.council.case_system import IMPORT_PAGES

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def create_app(settings: Settings | None = None, db: Database | None = None) -> Flask:
    """Build the hub's Flask app: only register_* calls.

    ``settings`` are the process's (read from the environment when none are given, as under
    gunicorn: a malformed one raises ``SettingsError`` naming its variable); the app keeps them
    (``app_settings()``) and installs their process-wide parts (``use_settings``).
    """
    settings = use_settings(settings or get_settings())
    app = Flask(__name__)
    register_request_metrics(app)  # first, so every other hook's time is counted
    register_config(app, settings)
    register_logging(app, settings)
    register_database(app, settings, db)
    register_extensions(app, settings)
    register_blueprints(app)
    register_web(app, settings)
    register_error_handlers(app)
    watch_backlog(app.extensions["hub_db"])  # delivery backlog on /metrics
    return app


# The routes that take a council's file of outcomes: HUB_MAX_IMPORT_BYTES, not HUB_MAX_BODY_BYTES.
LARGE_BODY_ENDPOINTS = (*IMPORT_ENDPOINTS, *IMPORT_PAGES)


def register_config(app: Flask, settings: Settings) -> None:
    # Through Redis Sentinel when HUB_REDIS_URL names sentinels (hub/platform/redis_target.py).
    limiter_uri, limiter_options = limiter_storage(
        settings.redis_url or "memory://", settings.redis_sentinel_master
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="Fostering enquiry hub",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        # /docs is served by hub.web.shared.api_docs from the swagger-ui-bundle package (no CDN).
        # X-RateLimit-* headers cost two Redis round trips a request; 429s still carry
        # Retry-After (hub.platform.errors computes it from the breached limit).
        RATELIMIT_HEADERS_ENABLED=False,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STORAGE_URI=limiter_uri,
        # Short timeouts: while Redis hangs, a request falls back to in-memory counting quickly.
        RATELIMIT_STORAGE_OPTIONS={
            **limiter_options,
            "socket_connect_timeout": 0.25,
            "socket_timeout": 0.25,
        },
        HUB_SETTINGS=settings,
    )


def register_logging(app: Flask, settings: Settings) -> None:
    configure_logging(json_logs=settings.log_json)

    @app.before_request
    def _bind_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response


def register_database(app: Flask, settings: Settings, db: Database | None) -> None:
    app.extensions["hub_db"] = db or Database(settings, publisher=publisher_for(settings))


def register_extensions(app: Flask, settings: Settings) -> None:
    # One Api per app: flask-smorest keeps the OpenAPI spec on the Api object.
    app.extensions["hub_api"] = ProblemApi(app)
    # Before every other before_request that may read the body (CSRF's, the JSON guard's):
    # the size checks buffer a streamed body for all of them.
    register_request_limits(
        app,
        settings.max_body_bytes,
        larger=dict.fromkeys(LARGE_BODY_ENDPOINTS, settings.max_import_bytes),
    )
    limiter.init_app(app)
    register_json_body_guard(app)
    register_trusted_proxies(app, settings.trusted_proxies)


def register_blueprints(app: Flask) -> None:
    api = app.extensions["hub_api"]
    register_bearer_scheme(api)
    api.register_blueprint(intake_blp)
    api.register_blueprint(council_blp)
    api.register_blueprint(ops_blp)
    api.register_blueprint(tracking_council_blp)
    api.register_blueprint(tracking_ops_blp)
    # Delivery (hub/delivery)
    api.register_blueprint(council_deliveries_blp)
    api.register_blueprint(council_subscriptions_blp)
    api.register_blueprint(ops_deliveries_blp)
    api.register_blueprint(notify_callbacks_blp)
    # People (hub/people): repeat enquiries and duplicate marks
    api.register_blueprint(people_council_blp)
    api.register_blueprint(people_ops_blp)
    api.register_blueprint(casework_blp)
    api.register_blueprint(case_system_blp)
    api.register_blueprint(bookings_blp)
    app.register_blueprint(health_bp)
