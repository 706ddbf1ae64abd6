"""Beat's sweep: publish a send task for every delivery whose next attempt is due.

Retries are rows with ``next_attempt_at``, never long Celery countdowns. A row is offered
again only once its lease (an attempt in flight, or a task already published) has run out,
so a deep queue is not flooded with copies; a failing subscriber is offered one delivery per
probe interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, select, update

from config.settings import get_settings
from hub.delivery.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from hub.delivery.subscriber_health import may_probe
from hub.platform import broker
from hub.platform.broker import PublishError
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.queues import TaskName

log = structlog.get_logger(__name__)

SendPublisher = Callable[[int], None]


def publish_send(delivery_id: int) -> None:
    broker.publish(TaskName.SEND_DELIVERY, delivery_id)


@dataclass(frozen=True, slots=True)
class DeliverySweep:
    published: int
    deferred: bool


def sweep_deliveries(
    db: Database,
    *,
    publisher: SendPublisher = publish_send,
    now: datetime | None = None,
    limit: int = 1000,
) -> DeliverySweep:
    """Publish due deliveries (oldest first); stop at once if the broker is down."""
    settings = get_settings()
    now = now or utcnow()
    lease = timedelta(seconds=settings.delivery_lease_seconds)
    probe = timedelta(seconds=settings.delivery_probe_seconds)
    with db.sessions() as session:
        rows = (
            session.execute(
                select(Delivery.id, Subscription)
                .join(Subscription, Subscription.id == Delivery.subscription_id)
                .where(
                    Delivery.status == str(DeliveryStatus.PENDING),
                    Subscription.status == str(SubscriptionStatus.ACTIVE),
                    Delivery.next_attempt_at <= now,
                    or_(Delivery.locked_until.is_(None), Delivery.locked_until <= now),
                    or_(Delivery.published_at.is_(None), Delivery.published_at <= now - lease),
                )
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(limit)
            )
        ).all()
    chosen: list[int] = []
    probed: set[int] = set()
    for delivery_id, sub in ((row[0], row[1]) for row in rows):
        if sub.failing_since is not None:
            if sub.id in probed or not may_probe(sub, now, probe):
                continue
            probed.add(sub.id)
        chosen.append(delivery_id)
    published: list[int] = []
    deferred = False
    for delivery_id in chosen:
        try:
            publisher(delivery_id)
        except PublishError as exc:
            log.warning("delivery.sweep_deferred", reason=str(exc))
            deferred = True
            break  # the broker is down: the next sweep tries again
        published.append(delivery_id)
    if published:
        with db.transaction() as session:
            session.execute(
                update(Delivery).where(Delivery.id.in_(published)).values(published_at=now)
            )
    return DeliverySweep(len(published), deferred)
