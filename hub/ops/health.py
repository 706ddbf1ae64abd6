"""Liveness, readiness and metrics for operators and orchestrators."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST
from redis import Redis
from sqlalchemy import text

from hub.platform.errors import problem_response
from hub.platform.extensions import app_settings, get_db
from hub.platform.heartbeat import any_worker_alive
from hub.platform.metrics import exposition

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """The database and Redis answer and a worker is alive; 503 with the reason when not.

    Redis is asked one question: whether a worker's heartbeat key exists (which also proves
    Redis answers).
    """
    problems: list[dict[str, str]] = []
    try:
        with get_db().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        problems.append({"field": "database", "message": type(exc).__name__})
    try:
        client = Redis.from_url(
            app_settings().redis_url, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            worker_alive = any_worker_alive(client)
        finally:
            client.close()
    except Exception as exc:
        problems.append({"field": "redis", "message": type(exc).__name__})
    else:
        if not worker_alive:
            problems.append({"field": "worker", "message": "no worker: no live worker heartbeat"})
    if problems:
        return problem_response(
            503,
            "not_ready",
            "The service is not ready",
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            errors=problems,
        )
    return jsonify(status="ready", database="ok", redis="ok", worker="ok")


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus metrics (all the API's worker processes' under gunicorn)."""
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)
