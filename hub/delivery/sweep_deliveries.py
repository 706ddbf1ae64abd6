"""Offering due deliveries to the workers: beat's sweep, and the hand-on after an attempt.

Retries are rows with ``next_attempt_at``, never long Celery countdowns. A row is offered
(its send task published) only within its subscriber's share of the pool
(``hub.delivery.fair_share``): a subscriber whose places are taken keeps its backlog here, as
rows, and a deep backlog of one council never fills the broker or the workers. A row is
offered again only once its lease (an attempt in flight, or a task already published) has run
out; a failing subscriber is offered one delivery per probe interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import structlog
from sqlalchemy import func, or_, select, update

from config.settings import Settings
from hub.delivery.fair_share import count_occupied, may_probe, share_of
from hub.delivery.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from hub.platform import broker
from hub.platform.broker import PublishError
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.queues import TaskName

log = structlog.get_logger(__name__)

SendPublisher = Callable[[int], None]


def publish_send(settings: Settings, delivery_id: int) -> None:
    broker.publish(TaskName.SEND_DELIVERY, delivery_id, settings=settings)


def send_publisher(db: Database) -> SendPublisher:
    """Publish send tasks to the broker of ``db``'s settings."""
    return partial(publish_send, db.settings)


@dataclass(frozen=True, slots=True)
class DeliverySweep:
    published: int
    deferred: bool


def sweep_deliveries(
    db: Database,
    *,
    publisher: SendPublisher | None = None,
    now: datetime | None = None,
    limit: int = 1000,
) -> DeliverySweep:
    """Publish due deliveries (oldest first, within each subscriber's share); stop at once if
    the broker is down."""
    return offer_due(db, publisher=publisher, now=now, limit=limit)


def offer_due(
    db: Database,
    *,
    publisher: SendPublisher | None = None,
    now: datetime | None = None,
    limit: int = 1000,
    subscription_id: int | None = None,
) -> DeliverySweep:
    """Publish the due deliveries that fit in their subscribers' free places (of one
    subscriber only, with ``subscription_id``)."""
    settings = db.settings
    publisher = publisher or send_publisher(db)
    now = now or utcnow()
    chosen = _choose(db, settings, now, limit, subscription_id)
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


def _choose(
    db: Database, settings: Settings, now: datetime, limit: int, subscription_id: int | None
) -> list[int]:
    lease = timedelta(seconds=settings.delivery_lease_seconds)
    probe = timedelta(seconds=settings.delivery_probe_seconds)
    widest = max(settings.delivery_subscriber_concurrency, settings.delivery_concurrency)
    conditions = [
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.next_attempt_at <= now,
        or_(Delivery.locked_until.is_(None), Delivery.locked_until <= now),
        or_(Delivery.published_at.is_(None), Delivery.published_at <= now - lease),
    ]
    if subscription_id is not None:
        conditions.append(Delivery.subscription_id == subscription_id)
    # At most the widest share per subscriber, taken in turns, so one council's backlog of
    # thousands cannot fill the batch and keep every other council's due rows out of it.
    rank = (
        func.row_number()
        .over(
            partition_by=Delivery.subscription_id,
            order_by=(Delivery.next_attempt_at, Delivery.id),
        )
        .label("rank")
    )
    due = (
        select(Delivery.id, Delivery.subscription_id, Delivery.next_attempt_at, rank)
        .where(*conditions)
        .subquery()
    )
    with db.sessions() as session:
        rows = session.execute(
            select(due.c.id, Subscription)
            .join(Subscription, Subscription.id == due.c.subscription_id)
            .where(due.c.rank <= widest, Subscription.status == SubscriptionStatus.ACTIVE)
            # Round by round: every subscriber's oldest due row, then every second one, ...
            .order_by(due.c.rank, due.c.next_attempt_at, due.c.id)
            .limit(limit)
        ).all()
        occupied = count_occupied(session, (row[1].id for row in rows), now, lease)
    chosen: list[int] = []
    for delivery_id, sub in ((int(row[0]), row[1]) for row in rows):
        if occupied[sub.id] >= share_of(sub, settings):
            continue
        if sub.failing_since is not None and not may_probe(sub, now, probe):
            continue
        occupied[sub.id] += 1
        chosen.append(delivery_id)
    return chosen
