"""Liveness, readiness and metrics for operators and orchestrators."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST

from hub.enquiries.queries import RoutingBacklog, read_routing_backlog
from hub.platform.errors import problem_response
from hub.platform.extensions import app_settings, get_db
from hub.platform.heartbeat import (
    Consumption,
    any_worker_alive,
    quick_client,
    read_consumption,
    stalled_words,
)
from hub.platform.metrics import exposition
from hub.platform.models import utcnow

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@bp.get("/livez")
def healthz() -> Response:
    """The process is alive (``/livez``, the name Kubernetes uses, is the same check)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """The database and Redis answer, a worker is alive and taking work, and routing keeps
    up; 503 with the reason when not.

    Redis is asked whether a worker's heartbeat key exists (which also proves Redis answers)
    and, when one does, whether work waits that no worker has taken for longer than
    ``HUB_WORKER_STALL_SECONDS`` (``hub.platform.heartbeat``: a worker can beat and not consume).
    The database is asked how many enquiries have waited to be routed for longer than
    ``HUB_ROUTING_LAG_SECONDS``: routing that falls behind is a fault even while every part
    answers (a worker pool busy with something else).
    """
    problems: list[dict[str, str]] = []
    settings = app_settings()
    consumption: Consumption | None = None
    try:
        now = utcnow()
        with get_db().sessions() as session:
            backlog = read_routing_backlog(
                session, now, timedelta(seconds=settings.routing_lag_seconds)
            )
    except Exception as exc:
        problems.append({"field": "database", "message": type(exc).__name__})
    else:
        if backlog.late:
            problems.append({"field": "routing", "message": routing_behind_words(backlog, now)})
    try:
        with quick_client(settings.redis_url, settings.redis_sentinel_master) as client:
            worker_alive = any_worker_alive(client)
            if worker_alive:
                consumption = read_consumption(client, time.time())
    except Exception as exc:
        problems.append({"field": "redis", "message": type(exc).__name__})
    else:
        if not worker_alive:
            problems.append({"field": "worker", "message": "no worker: no live worker heartbeat"})
        elif consumption is not None and consumption.stalled(settings.worker_stall_seconds):
            problems.append({"field": "worker", "message": stalled_words(consumption)})
    if problems:
        return problem_response(
            503,
            "not_ready",
            "The service is not ready",
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            errors=problems,
        )
    return jsonify(status="ready", database="ok", redis="ok", worker="ok", routing="ok")


def routing_behind_words(backlog: RoutingBacklog, now: datetime) -> str:
    """What /readyz says of routing that falls behind (counts and ages only)."""
    return (
        f"behind: {backlog.late} enquiries waiting to be routed longer than the limit, the "
        f"oldest for {int(backlog.oldest_seconds(now))} s"
    )


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus metrics (all the API's worker processes' under gunicorn)."""
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)
