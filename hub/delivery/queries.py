"""Reading subscriptions and deliveries. Functions take the caller's scope; none commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.access.models import TokenScope
from hub.delivery.models import (
    Delivery,
    DeliveryStatus,
    SubscriberKind,
    Subscription,
    SubscriptionStatus,
)
from hub.platform.models import Base, table_of, utcnow
from hub.rules import get_active_rules
from hub.rules.engine import local_day

MAX_PAGE = 200  # the most deliveries one page lists
DELIVERIES_CURSOR = "delivery"  # the kind of a delivery list's cursor
# A list filter, not a status: the pending deliveries of subscribers marked failing.
FAILING = "failing"


def delivery_bodies_of(authority_code: str, at: datetime) -> list[str]:
    """The delivery bodies (trusts) that serve this council on the day of ``at``."""
    day = local_day(at)
    return sorted(
        {
            body.name
            for body in get_active_rules().delivery_bodies
            if authority_code in body.authorities and body.validity.contains(day)
        }
    )


def list_subscriptions_for_event(
    session: Session, event_type: str, *, authority_code: str | None, to_operators: bool
) -> list[Subscription]:
    """Active subscriptions that receive this event: the operators', or the council's own
    and its delivery body's."""
    if to_operators:
        owner = Subscription.scope == TokenScope.HUB
    elif authority_code:
        owner = or_(
            and_(
                Subscription.scope == TokenScope.AUTHORITY,
                Subscription.scope_value == authority_code,
            ),
            and_(
                Subscription.scope == TokenScope.DELIVERY_BODY,
                Subscription.scope_value.in_(delivery_bodies_of(authority_code, utcnow())),
            ),
        )
    else:
        return []
    rows = session.scalars(
        select(Subscription)
        .where(
            Subscription.status == SubscriptionStatus.ACTIVE,
            owner,
            # A mailbox nobody has confirmed receives nothing.
            or_(
                Subscription.kind != SubscriberKind.MAILBOX,
                Subscription.verified_at.is_not(None),
            ),
        )
        .order_by(Subscription.id)
    )
    return [sub for sub in rows if not sub.events or event_type in sub.events]


def dialect_insert(session: Session, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in the session's dialect, so it can take ``on_conflict_do_nothing``."""
    table = table_of(model)
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def find_subscription(
    session: Session, subscription_id: int, *, for_update: bool = False
) -> Subscription | None:
    return session.get(Subscription, subscription_id, with_for_update=for_update or None)


def find_delivery(
    session: Session, delivery_id: int, *, for_update: bool = False
) -> Delivery | None:
    return session.get(Delivery, delivery_id, with_for_update=for_update or None)


def lock_delivery(session: Session, delivery_id: int) -> tuple[Delivery, Subscription] | None:
    """Lock a delivery and its subscription, the subscription first.

    Every writer takes the subscription's lock before any of its deliveries', so a sender that
    recovers a subscription (and touches its other deliveries) cannot deadlock with another
    sender claiming one of them.
    """
    subscription_id = session.scalar(
        select(Delivery.subscription_id).where(Delivery.id == delivery_id)
    )
    if subscription_id is None:
        return None
    sub = session.get(Subscription, subscription_id, with_for_update=True)
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    if sub is None or delivery is None:
        return None
    return delivery, sub


def list_subscriptions(session: Session) -> Sequence[Subscription]:
    return session.scalars(select(Subscription).order_by(Subscription.id)).all()


def owned_by(scope: str, scope_value: str | None) -> list[object]:
    """Conditions: subscriptions that belong to exactly this owner (a token's scope)."""
    value = (
        Subscription.scope_value.is_(None)
        if scope_value is None
        else Subscription.scope_value == scope_value
    )
    return [Subscription.scope == scope, value]


def _with_subscriptions() -> Select[Delivery, Subscription]:
    return select(Delivery, Subscription).join(
        Subscription, Subscription.id == Delivery.subscription_id
    )


def list_deliveries(
    session: Session,
    *,
    owner: tuple[str, str | None] | None = None,
    status: str | None = None,
    failing: bool = False,
    subscription_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[tuple[Delivery, Subscription]]:
    """Newest first. ``owner`` scopes to one owner's subscriptions; ``failing`` to the
    pending deliveries of subscribers marked failing."""
    query = _with_subscriptions()
    if owner is not None:
        query = query.where(*owned_by(*owner))  # type: ignore[arg-type]
    if status is not None:
        query = query.where(Delivery.status == status)
    if failing:
        query = query.where(
            Subscription.failing_since.is_not(None),
            Delivery.status == DeliveryStatus.PENDING,
        )
    if subscription_id is not None:
        query = query.where(Delivery.subscription_id == subscription_id)
    if before_id is not None:
        query = query.where(Delivery.id < before_id)
    rows = session.execute(query.order_by(Delivery.id.desc()).limit(limit))
    return [(delivery, sub) for delivery, sub in rows]


def find_owned_delivery(
    session: Session, delivery_id: int, owner: tuple[str, str | None]
) -> tuple[Delivery, Subscription] | None:
    query = _with_subscriptions().where(Delivery.id == delivery_id, *owned_by(*owner))  # type: ignore[arg-type]
    row = session.execute(query).first()
    return None if row is None else (row[0], row[1])


def find_delivery_and_subscription(
    session: Session, delivery_id: int
) -> tuple[Delivery, Subscription] | None:
    """Any subscriber's delivery with its subscription (operators only: no scope)."""
    row = session.execute(_with_subscriptions().where(Delivery.id == delivery_id)).first()
    return None if row is None else (row[0], row[1])


def oldest_pending_created_at(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(Delivery.created_at)).where(Delivery.status == DeliveryStatus.PENDING)
    )


def count_deliveries_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    return {str(status): int(count) for status, count in rows}


def count_attempts_by_kind(session: Session) -> list[tuple[str, str, int, int, int]]:
    """(kind, status, deliveries, attempts, retries) of the stored deliveries: one read.

    Retries are the attempts after a delivery's first.
    """
    rows = session.execute(
        select(
            Subscription.kind,
            Delivery.status,
            func.count(),
            func.coalesce(func.sum(Delivery.attempts), 0),
            func.coalesce(
                func.sum(case((Delivery.attempts > 1, Delivery.attempts - 1), else_=0)), 0
            ),
        )
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .group_by(Subscription.kind, Delivery.status)
    )
    return [
        (str(kind), str(status), int(count), int(attempts), int(retries))
        for kind, status, count, attempts, retries in rows
    ]


def list_owned_subscriptions(
    session: Session, owner: tuple[str, str | None]
) -> Sequence[Subscription]:
    """One owner's subscriptions (a council's webhooks and mailboxes), oldest first."""
    query = select(Subscription).where(*owned_by(*owner))  # type: ignore[arg-type]
    return session.scalars(query.order_by(Subscription.id)).all()


def find_owned_subscription(
    session: Session, subscription_id: int, owner: tuple[str, str | None], *, for_update: bool
) -> Subscription | None:
    """One of this owner's subscriptions (locked when ``for_update``), or None."""
    query = select(Subscription).where(Subscription.id == subscription_id, *owned_by(*owner))  # type: ignore[arg-type]
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def find_mailbox_to_verify(session: Session, verification_hash: str) -> Subscription | None:
    """The mailbox whose confirmation link has this hash (locked), or None."""
    return session.scalar(
        select(Subscription)
        .where(
            Subscription.verification_hash == verification_hash,
            Subscription.kind == str(SubscriberKind.MAILBOX),
        )
        .with_for_update()
    )


def delivery_health(
    session: Session, subscription_ids: Sequence[int]
) -> dict[int, tuple[datetime | None, int]]:
    """Per subscription: when a delivery last succeeded, and how many are dead letters."""
    if not subscription_ids:
        return {}
    last = dict(
        session.execute(
            select(Delivery.subscription_id, func.max(Delivery.delivered_at))
            .where(Delivery.subscription_id.in_(subscription_ids))
            .group_by(Delivery.subscription_id)
        ).all()
    )
    dead = dict(
        session.execute(
            select(Delivery.subscription_id, func.count())
            .where(
                Delivery.subscription_id.in_(subscription_ids),
                Delivery.status == str(DeliveryStatus.DEAD),
            )
            .group_by(Delivery.subscription_id)
        ).all()
    )
    return {sid: (last.get(sid), int(dead.get(sid, 0))) for sid in subscription_ids}


def find_or_add_enquirer_subscription(session: Session, target: str) -> Subscription:
    """The one subscription for e-mails to enquirers, made on first use (a unique index
    keeps it one when two transactions make it at once)."""
    enquirer = SubscriberKind.ENQUIRER
    found = session.scalar(select(Subscription).where(Subscription.kind == enquirer))
    if found is not None:
        return found
    session.execute(
        dialect_insert(session, Subscription)
        .values(
            kind=enquirer,
            scope=enquirer,
            scope_value=None,
            target=target,
            events=[],
            status=SubscriptionStatus.ACTIVE,
            created_at=utcnow(),
            consecutive_failures=0,
        )
        .on_conflict_do_nothing(index_elements=["kind"], index_where=Subscription.kind == enquirer)
    )
    return session.scalars(select(Subscription).where(Subscription.kind == enquirer)).one()
