"""Each subscriber's fair share of the delivery pool, and the mark of a slow subscriber.

A council's webhook that answers slowly (with 200, so it never counts as failing) would
otherwise hold every delivery worker for its whole timeout, and every other council would wait
behind it. So a subscriber may have only a few attempts in flight at once
(``HUB_DELIVERY_SUBSCRIBER_CONCURRENCY``, default 2), and the rest of its deliveries wait as
rows in the database (``published_at`` empty), not as messages in the broker or in worker
slots. When one of its attempts finishes, the next waiting delivery of the same subscriber is
published at once (``send_delivery``); beat's sweep offers what is still waiting, again within
each subscriber's share.

A subscriber is *slow* when the p90 of its last attempts' durations is over
``HUB_DELIVERY_SLOW_SECONDS``: like a failing one it then gets a single attempt at a time
(a failing one also waits for its probe interval; a slow one answers, so it does not), it is
marked ``slow_since`` for operators, and the mark clears when its answers are quick again.
The enquirers' confirmation e-mails all go through one subscription (the mail relay), so that
one gets half of the pool rather than a council's share.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import structlog
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from config.settings import Settings
from hub.delivery.models import Delivery, DeliveryStatus, SubscriberKind, Subscription

log = structlog.get_logger(__name__)

WINDOW = 20  # attempts whose durations judge a subscriber slow
MIN_SAMPLES = 5  # fewer than this: too few to call anyone slow


def share_of(sub: Subscription, settings: Settings) -> int:
    """How many attempts of this subscriber may be in flight (or queued to be) at once."""
    if sub.failing_since is not None or sub.slow_since is not None:
        return 1
    if sub.kind == SubscriberKind.ENQUIRER:
        return max(settings.delivery_subscriber_concurrency, settings.delivery_concurrency // 2)
    return settings.delivery_subscriber_concurrency


def occupying(now: datetime, lease: timedelta) -> ColumnElement[bool]:
    """A pending delivery holds a place in its subscriber's share: an attempt is in flight
    (its lease runs), or its send task was published within the lease."""
    return (Delivery.status == DeliveryStatus.PENDING) & or_(
        Delivery.locked_until > now, Delivery.published_at > now - lease
    )


def count_occupied(
    session: Session, subscription_ids: Iterable[int], now: datetime, lease: timedelta
) -> dict[int, int]:
    """Places taken in each subscriber's share (0 for a subscriber with none taken)."""
    ids = list(set(subscription_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Delivery.subscription_id, func.count())
        .where(Delivery.subscription_id.in_(ids), occupying(now, lease))
        .group_by(Delivery.subscription_id)
    ).all()
    found = {int(sid): int(n) for sid, n in rows}
    return {sid: found.get(sid, 0) for sid in ids}


def count_in_flight(session: Session, subscription_id: int, now: datetime, exclude: int) -> int:
    """Attempts of this subscriber being made now (leases running), other than ``exclude``."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.locked_until > now,
                Delivery.id != exclude,
            )
        )
        or 0
    )


def may_probe(sub: Subscription, now: datetime, probe_interval: timedelta) -> bool:
    """A failing subscriber gets one attempt per interval; a healthy one any number."""
    if sub.failing_since is None:
        return True
    return sub.last_probe_at is None or sub.last_probe_at <= now - probe_interval


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def record_duration(sub: Subscription, seconds: float, now: datetime, threshold: float) -> None:
    """Keep the attempt's duration; mark the subscriber slow, or clear the mark, by its p90."""
    recent = [*(sub.recent_attempt_seconds or []), round(seconds, 3)][-WINDOW:]
    sub.recent_attempt_seconds = recent
    if len(recent) < MIN_SAMPLES:
        return
    slow = p90(recent) > threshold
    if slow and sub.slow_since is None:
        sub.slow_since = now
        log.warning("delivery.subscriber_slow", subscription_id=sub.id, p90=p90(recent))
    elif not slow and sub.slow_since is not None:
        sub.slow_since = None
        log.info("delivery.subscriber_quick_again", subscription_id=sub.id)
