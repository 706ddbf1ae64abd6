"""Add, list, disable webhook subscriptions and mailboxes; rotate a webhook's secret."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from marshmallow import ValidationError
from marshmallow.validate import Email
from sqlalchemy.orm import Session

from config.settings import Settings
from hub.access.caller import RequestContext
from hub.access.manage_tokens import TokenScopeChoice
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.events import EventType
from hub.delivery.models import SubscriberKind, Subscription, SubscriptionStatus
from hub.delivery.queries import find_subscription, list_subscriptions
from hub.delivery.signing import new_signing_secret
from hub.delivery.targets import UnsafeTargetError, check_target
from hub.platform.db import Database
from hub.platform.models import utcnow

ROTATION_OVERLAP = timedelta(hours=24)


class SubscriptionError(ValueError):
    """The subscription cannot be made or changed as asked."""


@dataclass(frozen=True, slots=True)
class NewWebhook:
    subscription: Subscription
    secret: str


def _events(events: Sequence[str]) -> list[str]:
    known = {str(e) for e in EventType}
    unknown = sorted(set(events) - known)
    if unknown:
        raise SubscriptionError(
            f"unknown event type {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    return sorted(set(events))


def _audit(
    session: Session, ctx: RequestContext | None, action: AuditAction, sub: Subscription
) -> None:
    """One audit row in the change's transaction: ids and codes, never the target."""
    if ctx is None:
        return
    add_audit_event(
        session,
        ctx,
        action,
        AuditOutcome.OK,
        detail={
            "subscription_id": sub.id,
            "kind": sub.kind,
            "owner": sub.owner_label,
            "events": list(sub.events or []),
        },
    )


def add_webhook(
    db: Database,
    owner: TokenScopeChoice,
    url: str,
    events: Sequence[str] = (),
    *,
    ctx: RequestContext | None = None,
) -> NewWebhook:
    """Subscribe ``owner`` to ``events`` (all when empty); the secret is returned once.

    With ``ctx`` (who asks), the change is audited in its own transaction; so are the other
    changes below.
    """
    checked_webhook_url(db.settings, url)
    secret = new_signing_secret()
    sub = _add_subscription(db, SubscriberKind.WEBHOOK, owner, url, events, secret=secret, ctx=ctx)
    return NewWebhook(sub, secret)


def checked_webhook_url(settings: Settings, url: str) -> str:
    """The URL, when the safe-target rules allow sending to it; SubscriptionError if not."""
    try:
        check_target(
            url, production=settings.is_production, allow_private=settings.webhook_allow_private
        )
    except UnsafeTargetError as exc:
        raise SubscriptionError(str(exc)) from exc
    return url


def checked_mailbox_address(address: str) -> str:
    """The address trimmed, when it is one; SubscriptionError if not."""
    normalised = address.strip()
    try:
        Email()(normalised)
    except ValidationError as exc:
        raise SubscriptionError(f"{address!r} is not an e-mail address") from exc
    return normalised


def add_mailbox(
    db: Database,
    owner: TokenScopeChoice,
    address: str,
    events: Sequence[str] = (),
    *,
    ctx: RequestContext | None = None,
) -> Subscription:
    """E-mail ``owner``'s team mailbox when its events happen (all when ``events`` is empty).

    An operator adds it, so it counts as verified (a council's own goes through a link)."""
    target = checked_mailbox_address(address)
    sub = _add_subscription(db, SubscriberKind.MAILBOX, owner, target, events, ctx=ctx)
    return sub


def new_subscription(
    kind: SubscriberKind,
    owner: TokenScopeChoice,
    target: str,
    events: Sequence[str],
    *,
    now: datetime,
    secret: str | None = None,
) -> Subscription:
    """An active subscription of ``kind`` for ``owner``, not yet added (unknown events refused)."""
    return Subscription(
        kind=kind,
        scope=str(owner.scope),
        scope_value=owner.value,
        target=target,
        events=_events(events),
        secret=secret,
        status=SubscriptionStatus.ACTIVE,
        created_at=now,
        consecutive_failures=0,
    )


def _add_subscription(
    db: Database,
    kind: SubscriberKind,
    owner: TokenScopeChoice,
    target: str,
    events: Sequence[str],
    *,
    secret: str | None = None,
    ctx: RequestContext | None = None,
) -> Subscription:
    """Store an active subscription of ``kind`` for ``owner`` (unknown events refused).

    A mailbox added here (by an operator or the command line) counts as verified; a council's
    own goes through a confirmation link (``council_subscriptions``)."""
    with db.transaction() as session:
        now = utcnow()
        sub = new_subscription(kind, owner, target, events, now=now, secret=secret)
        if kind is SubscriberKind.MAILBOX:
            sub.verified_at = now
        session.add(sub)
        session.flush()
        _audit(session, ctx, AuditAction.ADD_SUBSCRIPTION, sub)
    return sub


def all_subscriptions(db: Database) -> Sequence[Subscription]:
    with db.sessions() as session:
        return list_subscriptions(session)


def disable_subscription(
    db: Database,
    subscription_id: int,
    *,
    reason: str = "disabled",
    ctx: RequestContext | None = None,
) -> bool:
    """Stop sending to a subscription; False when there is no active one with this id."""
    with db.transaction() as session:
        sub = find_subscription(session, subscription_id, for_update=True)
        if sub is None or sub.status != SubscriptionStatus.ACTIVE:
            return False
        sub.disable(utcnow(), reason)
        _audit(session, ctx, AuditAction.DISABLE_SUBSCRIPTION, sub)
        return True


def rotate_secret(
    db: Database,
    subscription_id: int,
    *,
    now: datetime | None = None,
    ctx: RequestContext | None = None,
) -> str:
    """A new signing secret; the old one also signs for 24 hours. Returns the new secret."""
    now = now or utcnow()
    with db.transaction() as session:
        sub = find_subscription(session, subscription_id, for_update=True)
        if sub is None or sub.kind != SubscriberKind.WEBHOOK:
            raise SubscriptionError(f"no webhook subscription has id {subscription_id}")
        secret = replace_secret(sub, now)
        _audit(session, ctx, AuditAction.ROTATE_SUBSCRIPTION_SECRET, sub)
        return secret


def replace_secret(sub: Subscription, now: datetime) -> str:
    """Give a webhook a new secret, the old one signing too for ``ROTATION_OVERLAP``."""
    secret = new_signing_secret()
    sub.previous_secret = sub.secret
    sub.previous_secret_until = now + ROTATION_OVERLAP
    sub.secret = secret
    return secret
