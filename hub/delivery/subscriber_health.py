"""A subscriber that keeps failing: marked failing, probed once per interval, told once.

While a subscription is failing its deliveries queue up (nothing is lost, none is dropped
for it): one delivery goes out per probe interval instead of a storm. Its own mailboxes and
the operators' are e-mailed once when it starts failing. The first success clears the mark,
and what queued goes out at once.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import update
from sqlalchemy.orm import Session

from hub.access.models import TokenScope
from hub.delivery.events import EventType, emit_event
from hub.delivery.links import api_path
from hub.delivery.models import Delivery, DeliveryStatus, SubscriberKind, Subscription

log = structlog.get_logger(__name__)

MAILBOXES = frozenset({SubscriberKind.MAILBOX})


def record_failure(session: Session, sub: Subscription, now: datetime, threshold: int) -> None:
    sub.consecutive_failures += 1
    if sub.failing_since is None and sub.consecutive_failures >= threshold:
        sub.failing_since = now
        sub.last_probe_at = now
        log.warning("delivery.subscriber_failing", subscription_id=sub.id, kind=sub.kind)
        _tell_once(session, sub, now)


def record_success(session: Session, sub: Subscription, now: datetime) -> None:
    sub.consecutive_failures = 0
    if sub.failing_since is not None:
        log.info("delivery.subscriber_recovered", subscription_id=sub.id)
        sub.failing_since = None
        sub.last_probe_at = None
        # What queued while it failed is due now, not at its backed-off time.
        session.execute(
            update(Delivery)
            .where(
                Delivery.subscription_id == sub.id,
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.locked_until.is_(None),
            )
            .values(next_attempt_at=now, published_at=None)
        )


def _tell_once(session: Session, sub: Subscription, now: datetime) -> None:
    key = f"delivery.failing:{sub.id}:{now.isoformat()}"
    data: dict[str, str | int] = {"subscription_id": sub.id, "kind": sub.kind}
    path = api_path("ops_deliveries.ops_deliveries", status="failing")
    if sub.scope == TokenScope.AUTHORITY and sub.scope_value:
        emit_event(
            session,
            EventType.DELIVERY_FAILING,
            event_key=key,
            authority_code=sub.scope_value,
            url_path=api_path("council_deliveries.council_deliveries"),
            data=data,
            kinds=MAILBOXES,
            exclude_subscription=sub.id,
        )
    emit_event(
        session,
        EventType.DELIVERY_FAILING,
        event_key=key,
        to_operators=True,
        url_path=path,
        data=data,
        kinds=MAILBOXES,
        exclude_subscription=sub.id,
    )


def tell_operators_refused(session: Session, sub: Subscription, delivery_id: int) -> None:
    """A receiver refused a delivery for good (a 4xx): the operators' mailboxes hear of it."""
    emit_event(
        session,
        EventType.DELIVERY_REFUSED,
        event_key=f"delivery.refused:{delivery_id}",
        to_operators=True,
        url_path=api_path("ops_deliveries.ops_deliveries", status="failed"),
        data={"subscription_id": sub.id, "kind": sub.kind, "delivery_id": delivery_id},
        kinds=MAILBOXES,
        exclude_subscription=sub.id,
    )
