"""``/ops/``: queue health at a glance (the same figures as the gauges on /metrics)."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from hub.platform.extensions import app_settings, get_db
from hub.platform.models import utcnow
from hub.web.ops.blueprint import bp
from hub.web.ops.queue_health import read_queue_health
from hub.web.staff.session import operator_required


@bp.get("/")
@operator_required
def dashboard() -> str:
    """Queue depths, the oldest unrouted enquiry, outbox and delivery backlogs, breaches, triage."""
    settings = app_settings()
    health = read_queue_health(
        get_db(),
        settings.redis_url,
        stale_after=timedelta(seconds=settings.outbox_stale_seconds),
        now=utcnow(),
        routing_lag=timedelta(seconds=settings.routing_lag_seconds),
    )
    return render_template(
        "ops/dashboard.html",
        health=health,
        stale_seconds=settings.outbox_stale_seconds,
        lag_seconds=settings.routing_lag_seconds,
        nav="dashboard",
    )
