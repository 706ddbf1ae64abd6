"""Liveness, readiness and metrics."""

from __future__ import annotations

import os

from config.settings import load_settings
from hub.app import create_app
from hub.embedded.redis_server import free_port


def test_healthz_says_the_process_is_alive(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_is_ready_when_database_and_redis_answer(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "ok"


def test_readyz_is_503_with_the_reason_when_redis_is_away(db) -> None:  # type: ignore[no-untyped-def]
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(load_settings({**os.environ, "HUB_REDIS_URL": dead}), db=db)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["redis"]


def _accepted(client) -> float:  # type: ignore[no-untyped-def]
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith("hub_enquiries_accepted_total "):
            return float(line.split()[1])
    raise AssertionError("hub_enquiries_accepted_total missing")


def test_metrics_count_accepted_enquiries(client) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import enquiry_body

    before = _accepted(client)
    client.post("/v1/enquiries", json=enquiry_body())
    assert _accepted(client) == before + 1


def test_rejected_requests_are_counted_by_problem_code(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/v1/enquiries", data="{", content_type="application/json")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'hub_enquiries_rejected_total{code="malformed_request"}' in text
