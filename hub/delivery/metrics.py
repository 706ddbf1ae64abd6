"""Delivery metrics. Labels are kinds and outcomes only: never a council's URL or address.

Counters and the latency histogram are kept by the process that makes the attempt (a worker;
run workers with ``PROMETHEUS_MULTIPROC_DIR`` to aggregate them). The backlog (deliveries by
status and the age of the oldest pending one) is read from the database at scrape time, so
the API's ``/metrics`` shows it whatever process did the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hub.delivery.models import DeliveryStatus
from hub.delivery.queries import count_deliveries_by_status, oldest_pending_created_at
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
    """Deliveries by status and the age of the oldest pending one, read at scrape time."""

    def __init__(self) -> None:
        self.db: Database | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.db is None:
            return
        with self.db.sessions() as session:
            counts = count_deliveries_by_status(session)
            oldest: datetime | None = oldest_pending_created_at(session)
        by_status = GaugeMetricFamily(
            "hub_deliveries",
            "Deliveries by status (pending, delivered, failed, dead).",
            labels=["status"],
        )
        for status in DeliveryStatus:
            by_status.add_metric([str(status)], counts.get(status, 0))
        yield by_status
        age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "hub_delivery_oldest_pending_seconds",
            "Age of the oldest delivery not yet delivered, failed or dead.",
            value=max(age, 0.0),
        )


_BACKLOG = DeliveryBacklogCollector()
register_scrape_time_collector(_BACKLOG)


def watch_backlog(db: Database) -> None:
    """Read the backlog from this database at each scrape (the app calls it once built)."""
    _BACKLOG.db = db
