"""Intake counts what it accepts and what it refuses (by problem code) for /metrics."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.intake.factories import enquiry_body


def _sample(client, name: str, **labels: str) -> float:
    """The value /metrics shows for one sample; 0 while the labelled child does not exist."""
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def test_accepted_enquiries_are_counted(client) -> None:
    before = _sample(client, "hub_enquiries_accepted_total")
    assert client.post("/v1/enquiries", json=enquiry_body()).status_code == 202
    assert _sample(client, "hub_enquiries_accepted_total") == before + 1


def test_rejected_requests_are_counted_by_problem_code(client) -> None:
    name, malformed = "hub_enquiries_rejected_total", {"code": "malformed_request"}
    before = _sample(client, name, **malformed)
    other_before = _sample(client, name, code="validation_failed")
    response = client.post("/v1/enquiries", data="{", content_type="application/json")
    assert response.get_json()["code"] == "malformed_request"
    assert _sample(client, name, **malformed) == before + 1
    assert _sample(client, name, code="validation_failed") == other_before
