"""Every request is timed into hub_request_seconds, by endpoint name and method, never by path."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def _count(metrics: str, endpoint: str, method: str) -> float:
    labels = f'endpoint="{re.escape(endpoint)}",method="{method}"'
    found = re.search(rf"^hub_request_seconds_count\{{{labels}\}} (\S+)$", metrics, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _metrics(client: FlaskClient) -> str:
    return client.get("/metrics").get_data(as_text=True)


def test_a_request_shows_up_in_metrics_by_endpoint_and_method(client: FlaskClient) -> None:
    before = _count(_metrics(client), "health.healthz", "GET")
    assert client.get("/healthz").status_code == 200
    assert _count(_metrics(client), "health.healthz", "GET") == before + 1


def test_a_path_with_a_reference_is_labelled_by_its_endpoint_only(client: FlaskClient) -> None:
    reference = "FE-7K3M9Q2D"
    client.get(f"/v1/enquiries/{reference}")
    client.get(f"/no-such-page/{reference}")
    client.open("/healthz", method="BREW")
    metrics = _metrics(client)
    assert reference not in metrics
    assert _count(metrics, "intake.get_enquiry_status", "GET") >= 1
    assert _count(metrics, "unmatched", "GET") >= 1
    assert "BREW" not in metrics
