"""Liveness, readiness and metrics for operators and orchestrators."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis import Redis
from sqlalchemy import text

from hub.platform.errors import problem_response
from hub.platform.extensions import app_settings, get_db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """The database and Redis answer; 503 with the reason when not."""
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
        client.ping()
        client.close()
    except Exception as exc:
        problems.append({"field": "redis", "message": type(exc).__name__})
    if problems:
        return problem_response(
            503,
            "not_ready",
            "The service is not ready",
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            errors=problems,
        )
    return jsonify(status="ready", database="ok", redis="ok")


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
