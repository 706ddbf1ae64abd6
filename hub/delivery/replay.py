"""Replay: send a finished delivery again (dead, failed, or even delivered), same webhook-id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from hub.delivery.queries import find_delivery
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import add_outbox_message
from hub.platform.queues import TaskName


class ReplayRefusedError(ValueError):
    """The delivery cannot be replayed (unknown, still pending, or its subscriber disabled)."""


class DeliveryNotFoundError(ReplayRefusedError):
    """No delivery has the id asked for."""


def _replay(session: Session, delivery: Delivery) -> None:
    sub = session.get(Subscription, delivery.subscription_id)
    if sub is None or sub.status != SubscriptionStatus.ACTIVE:
        raise ReplayRefusedError(f"delivery {delivery.id}: its subscription is disabled")
    if delivery.status == DeliveryStatus.PENDING:
        raise ReplayRefusedError(f"delivery {delivery.id} is still pending")
    now = utcnow()
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.replays += 1
    delivery.next_attempt_at = now
    delivery.locked_until = None
    delivery.published_at = now
    delivery.delivered_at = None
    add_outbox_message(
        session,
        TaskName.SEND_DELIVERY,
        delivery.id,
        f"delivery:{delivery.id}:replay:{delivery.replays}",
        at=now,
    )


def _audit(session: Session, ctx: RequestContext | None, delivery_ids: list[int]) -> None:
    if ctx is None:
        return
    for delivery_id in delivery_ids:
        add_audit_event(
            session,
            ctx,
            AuditAction.REPLAY_DELIVERY,
            AuditOutcome.OK,
            detail={"delivery_id": delivery_id},
        )


def replay_delivery(
    db: Database, delivery_id: int, *, ctx: RequestContext | None = None
) -> Delivery:
    """Queue one delivery again (a full set of attempts); raise ReplayRefusedError if not.

    With ``ctx``, the replay is audited in the same transaction: no replay without its row,
    and no row for a replay that did not happen.
    """
    with db.transaction() as session:
        delivery = find_delivery(session, delivery_id, for_update=True)
        if delivery is None:
            raise DeliveryNotFoundError(f"no delivery has id {delivery_id}")
        _replay(session, delivery)
        _audit(session, ctx, [delivery.id])
        return delivery


def replay_dead_for_subscriber(
    db: Database, subscription_id: int, *, ctx: RequestContext | None = None
) -> list[int]:
    """Queue again every dead delivery of one subscriber, oldest first; return their ids.

    With ``ctx``, each replay is audited in the same transaction.
    """
    with db.transaction() as session:
        sub = session.get(Subscription, subscription_id)
        if sub is None or sub.status != SubscriptionStatus.ACTIVE:
            raise ReplayRefusedError(f"no active subscription has id {subscription_id}")
        dead = session.scalars(
            select(Delivery)
            .where(
                Delivery.subscription_id == subscription_id,
                Delivery.status == DeliveryStatus.DEAD,
            )
            .order_by(Delivery.id)
            .with_for_update()
        ).all()
        for delivery in dead:
            _replay(session, delivery)
        _audit(session, ctx, [d.id for d in dead])
        return [d.id for d in dead]
