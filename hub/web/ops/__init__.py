"""The hub operators' pages (``/ops/``): queue health, triage, deliveries, reports, councils
and invitations of councils' managers.

Server-rendered on GOV.UK Frontend, working without JavaScript; every view needs a signed-in
hub operator (``hub.web.staff.session.operator_required``) and calls the rooms' own use
cases and queries. The dashboard's figures are also Prometheus gauges
(``hub.web.ops.metrics``).
"""

from __future__ import annotations

from flask import Flask

from config.settings import Settings
from hub.platform.extensions import get_db
from hub.web.ops import (
    councils_pages,
    dashboard,
    deliveries_pages,
    invitations_pages,
    ofsted_pages,
    reports_pages,
    triage_pages,
)
from hub.web.ops.blueprint import bp
from hub.web.ops.metrics import watch_queue_health

__all__ = [
    "councils_pages",
    "dashboard",
    "deliveries_pages",
    "invitations_pages",
    "ofsted_pages",
    "register_ops_pages",
    "reports_pages",
    "triage_pages",
]


def register_ops_pages(app: Flask, settings: Settings) -> None:
    """The pages, and the gauges that read the same figures at each scrape."""
    app.register_blueprint(bp)
    watch_queue_health(get_db(app), settings)
