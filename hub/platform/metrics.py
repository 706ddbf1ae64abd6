"""Prometheus metrics. Labels are codes only: never personal data."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

ENQUIRIES_ACCEPTED = Counter("hub_enquiries_accepted_total", "Enquiries stored (202).")
ENQUIRIES_REPLAYED = Counter(
    "hub_enquiries_replayed_total", "Idempotent retries answered from the stored response."
)
ENQUIRIES_REJECTED = Counter(
    "hub_enquiries_rejected_total", "Intake requests refused, by problem code.", ["code"]
)
OUTBOX_PUBLISH_DEFERRED = Counter(
    "hub_outbox_publish_deferred_total", "Publishes left for the sweeper (broker down)."
)
REQUEST_SECONDS = Histogram(
    "hub_request_seconds", "API request latency by endpoint.", ["endpoint", "method"]
)
