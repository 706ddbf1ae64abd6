"""Queue health for hub operators: what is waiting, where, and for how long.

One read of everything the ops dashboard shows, used by the page and by the Prometheus
collector (``hub.web.ops.metrics``), so the two always agree. Codes and counts only.

Celery's Redis transport (kombu) keeps each queue as a Redis list named after the queue, and
one more list per priority step (``<queue>\\x06\\x16<step>`` for steps 3, 6 and 9); a message a
worker has taken but not yet acknowledged sits in the ``unacked`` hash until it finishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hub.councils.read_not_ready import read_not_ready_backlog
from hub.delivery.models import Subscription, SubscriptionStatus
from hub.delivery.queries import count_deliveries_by_status, oldest_pending_created_at
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.queries import read_routing_backlog
from hub.platform.db import Database
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queued_marks import read_republished
from hub.platform.queues import KOMBU_PRIORITY_STEPS, Queue, queue_keys
from hub.platform.redis_target import redis_client
from hub.rules import get_active_rules
from hub.tracking.queries import count_breached_open

KOMBU_UNACKED = "unacked"


@dataclass(frozen=True, slots=True)
class BrokerDepths:
    """Messages waiting in each queue and taken by a worker but unfinished (None: no answer),
    and the outbox rows the sweeper has published again, by task."""

    waiting: dict[str, int]
    in_flight: int
    error: str | None = None
    republished: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QueueHealth:
    """Everything the ops dashboard shows, read at one moment."""

    at: datetime
    broker: BrokerDepths
    received_count: int
    oldest_received_at: datetime | None
    routing_late: int  # received longer ago than HUB_ROUTING_LAG_SECONDS
    outbox_unpublished: int
    outbox_stale: int
    outbox_dead: int
    deliveries: dict[str, int]
    oldest_pending_delivery_at: datetime | None
    failing_subscribers: int
    slow_subscribers: int
    outbox_republished: dict[str, int]
    breached_clocks: int
    triage_count: int
    # Routed, unacknowledged referrals held by councils with no live channel.
    not_ready_referrals: int = 0
    oldest_not_ready_at: datetime | None = None

    def age_seconds(self, then: datetime | None) -> float:
        return max((self.at - then).total_seconds(), 0.0) if then is not None else 0.0

    @property
    def oldest_received_seconds(self) -> float:
        return self.age_seconds(self.oldest_received_at)

    @property
    def oldest_not_ready_seconds(self) -> float:
        return self.age_seconds(self.oldest_not_ready_at)

    @property
    def pending_deliveries(self) -> int:
        return self.deliveries.get("pending", 0)

    @property
    def dead_deliveries(self) -> int:
        return self.deliveries.get("dead", 0)


def read_broker_depths(redis_url: str, sentinel_master: str = "") -> BrokerDepths:
    """LLEN of every queue's lists and HLEN of ``unacked``, in one round trip."""
    try:
        client = redis_client(
            redis_url, sentinel_master, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            pipe = client.pipeline(transaction=False)
            for queue in Queue:
                for key in queue_keys(str(queue)):
                    pipe.llen(key)
            pipe.hlen(KOMBU_UNACKED)
            *depths, republished = [*pipe.execute(), read_republished(client)]
            answers = [int(n) for n in depths]
        finally:
            client.close()
    except (RedisError, OSError, ValueError) as exc:
        return BrokerDepths({}, 0, error=type(exc).__name__)
    per_queue = len(KOMBU_PRIORITY_STEPS) + 1
    waiting = {
        str(queue): sum(answers[i * per_queue : (i + 1) * per_queue])
        for i, queue in enumerate(Queue)
    }
    return BrokerDepths(waiting, answers[-1], republished=republished)


def _count(session: Session, model: type[object], *conditions: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)


def read_queue_health(
    db: Database,
    redis_url: str,
    *,
    stale_after: timedelta,
    now: datetime,
    routing_lag: timedelta = timedelta(seconds=60),
) -> QueueHealth:
    """The broker's queues and the database's backlogs, read now."""
    broker = read_broker_depths(redis_url, db.settings.redis_sentinel_master)
    stale_before = now - stale_after
    open_rows = (OutboxMessage.completed_at.is_(None), OutboxMessage.dead_at.is_(None))
    with db.sessions() as session:
        backlog = read_routing_backlog(session, now, routing_lag)
        unpublished = _count(
            session, OutboxMessage, *open_rows, OutboxMessage.published_at.is_(None)
        )
        stale = _count(
            session,
            OutboxMessage,
            *open_rows,
            OutboxMessage.created_at <= stale_before,
            or_(
                OutboxMessage.published_at.is_(None),
                OutboxMessage.published_at <= stale_before,
            ),
        )
        dead = _count(session, OutboxMessage, OutboxMessage.dead_at.is_not(None))
        deliveries = count_deliveries_by_status(session)
        oldest_pending = oldest_pending_created_at(session)
        active = Subscription.status == SubscriptionStatus.ACTIVE
        failing = _count(session, Subscription, Subscription.failing_since.is_not(None), active)
        slow = _count(session, Subscription, Subscription.slow_since.is_not(None), active)
        breached = count_breached_open(session, now)
        triage = _count(session, Enquiry, Enquiry.status == EnquiryStatus.TRIAGE)
        not_ready = read_not_ready_backlog(session, get_active_rules(), now)
    return QueueHealth(
        at=now,
        broker=broker,
        received_count=backlog.waiting,
        oldest_received_at=backlog.oldest_at,
        routing_late=backlog.late,
        outbox_unpublished=unpublished,
        outbox_stale=stale,
        outbox_dead=dead,
        deliveries=deliveries,
        oldest_pending_delivery_at=oldest_pending,
        failing_subscribers=failing,
        slow_subscribers=slow,
        outbox_republished=broker.republished,
        breached_clocks=breached,
        triage_count=triage,
        not_ready_referrals=not_ready.count,
        oldest_not_ready_at=not_ready.oldest_at,
    )
