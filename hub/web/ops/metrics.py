"""The ops dashboard's figures as Prometheus gauges, read at scrape time.

The same read as the page (``read_queue_health``), so a gauge and the page never disagree.
Deliveries by status and the oldest pending delivery are already exported by
``hub.delivery.metrics`` (``hub_deliveries``, ``hub_delivery_oldest_pending_seconds``) and are
not repeated here. Labels are queue names only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from config.settings import Settings
from hub.platform.db import Database
from hub.platform.metrics import register_scrape_time_collector
from hub.platform.models import utcnow
from hub.web.ops.queue_health import QueueHealth, read_queue_health


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def health_gauges(health: QueueHealth) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
    """One gauge per figure of the ops dashboard (except the delivery room's own)."""
    broker = health.broker
    yield _gauge("hub_broker_up", "1 if Redis answered the queue-depth read.", broker.error is None)
    waiting = GaugeMetricFamily(
        "hub_queue_messages", "Messages waiting in each Celery queue (Redis).", labels=["queue"]
    )
    for queue, depth in sorted(broker.waiting.items()):
        waiting.add_metric([queue], depth)
    yield waiting
    yield _gauge(
        "hub_queue_unacked_messages",
        "Messages a worker has taken and not yet finished (all queues).",
        broker.in_flight,
    )
    yield _gauge(
        "hub_enquiries_received_waiting",
        "Enquiries still received (not yet routed).",
        health.received_count,
    )
    yield _gauge(
        "hub_enquiry_oldest_received_seconds",
        "Age of the oldest enquiry still received (0 when none).",
        health.oldest_received_seconds,
    )
    yield _gauge(
        "hub_enquiries_routing_late",
        "Enquiries waiting to be routed for longer than HUB_ROUTING_LAG_SECONDS.",
        health.routing_late,
    )
    yield _gauge(
        "hub_outbox_unpublished", "Outbox rows never published.", health.outbox_unpublished
    )
    republished = CounterMetricFamily(
        "hub_outbox_republished",
        "Outbox rows the sweeper published again (their message thought lost), by task.",
        labels=["task"],
    )
    for task, count in sorted(health.outbox_republished.items()):
        republished.add_metric([task], count)
    yield republished
    yield _gauge(
        "hub_outbox_stale",
        "Outbox rows unfinished past the stale time (the sweeper publishes them again).",
        health.outbox_stale,
    )
    yield _gauge("hub_outbox_dead", "Outbox rows given up after every attempt.", health.outbox_dead)
    yield _gauge(
        "hub_delivery_subscribers_failing",
        "Active subscribers marked failing (their deliveries queue behind a probe).",
        health.failing_subscribers,
    )
    yield _gauge(
        "hub_delivery_subscribers_slow",
        "Active subscribers marked slow (p90 of recent attempts over HUB_DELIVERY_SLOW_SECONDS).",
        health.slow_subscribers,
    )
    yield _gauge(
        "hub_clocks_breached_open",
        "Journey clocks past their due time and not met.",
        health.breached_clocks,
    )
    yield _gauge("hub_triage_enquiries", "Enquiries waiting in triage.", health.triage_count)
    yield _gauge(
        "hub_referrals_at_not_ready_councils",
        "Routed referrals, not acknowledged, held by councils with no live channel.",
        health.not_ready_referrals,
    )
    yield _gauge(
        "hub_referral_oldest_at_not_ready_council_seconds",
        "Age of the oldest referral held by a council with no live channel (0 when none).",
        health.oldest_not_ready_seconds,
    )


class QueueHealthCollector(Collector):
    """Reads queue health from Redis and the database at each scrape."""

    def __init__(self) -> None:
        self.db: Database | None = None
        self.settings: Settings | None = None

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        if self.db is None or self.settings is None:
            return
        health = read_queue_health(
            self.db,
            self.settings.redis_url,
            stale_after=timedelta(seconds=self.settings.outbox_stale_seconds),
            now=utcnow(),
            routing_lag=timedelta(seconds=self.settings.routing_lag_seconds),
        )
        yield from health_gauges(health)


_COLLECTOR = QueueHealthCollector()
register_scrape_time_collector(_COLLECTOR)


def watch_queue_health(db: Database, settings: Settings) -> None:
    """Read queue health from this database and Redis at each scrape."""
    _COLLECTOR.db = db
    _COLLECTOR.settings = settings
