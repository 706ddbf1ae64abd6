"""Prometheus metrics. Labels are codes only: never personal data."""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

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
# Any other method a client sends is counted as "other": a label must not grow with input.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A request that matched no route (404, or 405 for a method the route does not take).
UNMATCHED_ENDPOINT = "unmatched"


def register_request_metrics(app: Flask) -> None:
    """Time every request into ``hub_request_seconds``, by Flask endpoint name and method.

    The endpoint name (``intake.submit_enquiry``), never the path, which can hold an
    enquiry's reference. Registered before any other ``before_request``, so a request another
    hook refuses (too large, rate limited) is timed too.
    """

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe_duration(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            method = request.method if request.method in KNOWN_METHODS else "other"
            REQUEST_SECONDS.labels(
                endpoint=request.endpoint or UNMATCHED_ENDPOINT, method=method
            ).observe(time.perf_counter() - started)
        return response


# Collectors that read the database or Redis when scraped (backlogs, queue depths). They keep
# nothing in process memory, so under gunicorn one process's read is the answer: they are added
# to the multiprocess registry as they are, not summed across workers.
SCRAPE_TIME_COLLECTORS: list[Collector] = []


def register_scrape_time_collector(collector: Collector) -> None:
    """Export ``collector`` on /metrics, also when the numbers of many processes are summed."""
    REGISTRY.register(collector)
    SCRAPE_TIME_COLLECTORS.append(collector)


def exposition() -> bytes:
    """The metrics in Prometheus's text format: every process's, under gunicorn.

    With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn, see ``config/gunicorn.py``) the numbers
    of all the API's worker processes are read from their files and added up; otherwise this
    process's own registry answers.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        for collector in SCRAPE_TIME_COLLECTORS:
            registry.register(collector)
        return generate_latest(registry)
    return generate_latest()
