"""Delivery metrics. Labels are kinds and outcomes only: never a council's URL or address.

Attempts are made in the delivery worker, not in the API that answers ``/metrics``. What the
database stores anyway is read from it at scrape time, so the API's ``/metrics`` shows it
whatever process did the work, and in every deployment (``hub run``, compose, a worker on
another machine): the backlog (deliveries by status, the age of the oldest pending one) and
the deliveries, their attempts and their retries by subscriber kind and status (delivered is
a success, failed a refusal, dead a dead letter). These are gauges over the stored rows.
The counter and the latency histogram below stay in the process that made the attempt (a
worker serves no ``/metrics``; prometheus-client's multiprocess mode cannot add up processes
in other containers, whose process ids collide); the numbers an operator scrapes from the
API are the database's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hub.delivery.models import DeliveryStatus
from hub.delivery.queries import (
    count_attempts_by_kind,
    count_deliveries_by_status,
    oldest_pending_created_at,
)
from hub.platform.db import Database
from hub.platform.metrics import register_scrape_time_collector
from hub.platform.models import utcnow

DELIVERY_ATTEMPTS = Counter(
    "hub_delivery_attempts_total",
    "Delivery attempts by subscriber kind and outcome.",
    ["kind", "outcome"],
)
DELIVERY_ATTEMPT_SECONDS = Histogram(
    "hub_delivery_attempt_seconds",
    "Time one delivery attempt took, by subscriber kind.",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15),
)


class DeliveryBacklogCollector(Collector):
    """Deliveries by status (and by kind, with their attempts and retries) and the age of the
    oldest pending one, read at scrape time."""

    def __init__(self) -> None:
        self.db: Database | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.db is None:
            return
        with self.db.sessions() as session:
            counts = count_deliveries_by_status(session)
            oldest: datetime | None = oldest_pending_created_at(session)
            by_kind = count_attempts_by_kind(session)
        by_status = GaugeMetricFamily(
            "hub_deliveries",
            "Deliveries by status (pending, delivered, failed, dead).",
            labels=["status"],
        )
        for status in DeliveryStatus:
            by_status.add_metric([str(status)], counts.get(status, 0))
        yield by_status
        yield from attempt_families(by_kind)
        age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "hub_delivery_oldest_pending_seconds",
            "Age of the oldest delivery not yet delivered, failed or dead.",
            value=max(age, 0.0),
        )


def attempt_families(
    rows: list[tuple[str, str, int, int, int]],
) -> Iterator[GaugeMetricFamily]:
    """Deliveries, attempts and retries by subscriber kind and status, from the stored rows."""
    labels = ["kind", "status"]
    deliveries = GaugeMetricFamily(
        "hub_delivery_rows",
        "Stored deliveries by subscriber kind and status (delivered, failed, dead, pending).",
        labels=labels,
    )
    attempts = GaugeMetricFamily(
        "hub_delivery_attempts_stored",
        "Attempts made for the stored deliveries, by subscriber kind and delivery status.",
        labels=labels,
    )
    retries = GaugeMetricFamily(
        "hub_delivery_retries_stored",
        "Attempts after the first for the stored deliveries, by subscriber kind and status.",
        labels=labels,
    )
    for kind, status, count, made, again in rows:
        deliveries.add_metric([kind, status], count)
        attempts.add_metric([kind, status], made)
        retries.add_metric([kind, status], again)
    yield from (deliveries, attempts, retries)


_BACKLOG = DeliveryBacklogCollector()
register_scrape_time_collector(_BACKLOG)


def watch_backlog(db: Database) -> None:
    """Read the backlog from this database at each scrape (the app calls it once built)."""
    _BACKLOG.db = db
