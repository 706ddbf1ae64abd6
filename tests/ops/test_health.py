"""Liveness, readiness and the metrics endpoint."""

from __future__ import annotations

from config.settings import load_settings
from hub.app import create_app
from hub.embedded.redis_server import free_port


def test_healthz_says_the_process_is_alive(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_is_ready_when_database_and_redis_answer(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "ok"


def test_readyz_is_503_with_the_reason_when_redis_is_away(db, hub_env) -> None:  # type: ignore[no-untyped-def]
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(load_settings({**hub_env, "HUB_REDIS_URL": dead}), db=db)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["redis"]


def test_metrics_are_served_in_the_prometheus_text_format(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "# TYPE hub_enquiries_accepted_total counter" in response.get_data(as_text=True)
