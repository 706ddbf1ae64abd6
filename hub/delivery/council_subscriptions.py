"""A council (or delivery body) managing its own webhooks and mailboxes, as its manager.

The pages (``/council/subscriptions``) and the API (``/v1/council/subscriptions``) call these
with the signed-in manager or a token with the ``council:manage`` permission. Every change is
audited; a subscription outside the caller's own is a 404, audited as denied, exactly as for
deliveries. A refused input (a URL the safe-target rules refuse, an address that is not one)
stores nothing but the audit row and names its field.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.access.caller import Caller, RequestContext, SystemActor, require_manager
from hub.access.manage_tokens import TokenScopeChoice
from hub.access.models import TokenScope
from hub.access.tokens import hash_token
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.attempts import AttemptOutcome
from hub.delivery.events import new_webhook_id
from hub.delivery.mail_transports import send_mail
from hub.delivery.mailbox_confirmation_mail import (
    CONFIRMATION_LIFE,
    compose_mailbox_confirmation,
)
from hub.delivery.manage_subscriptions import (
    SubscriptionError,
    checked_mailbox_address,
    checked_webhook_url,
    new_subscription,
    replace_secret,
)
from hub.delivery.models import (
    DeliveryStatus,
    SubscriberKind,
    Subscription,
    SubscriptionStatus,
)
from hub.delivery.queries import (
    delivery_health,
    find_mailbox_to_verify,
    find_owned_delivery,
    find_owned_subscription,
    list_deliveries,
    list_owned_subscriptions,
)
from hub.delivery.replay import ReplayRefusedError, replay_delivery
from hub.delivery.send_delivery import signing_secrets
from hub.delivery.signing import new_signing_secret
from hub.delivery.webhook_sender import send_webhook
from hub.geo import find_authority_name
from hub.platform.db import Database
from hub.platform.errors import HubError, NotFoundError, ValidationFailedError
from hub.platform.models import utcnow

TEST_EVENT = "hub.test"
MAILBOX_LINK = SystemActor("mailbox-link")  # whoever opened a mailbox's confirmation link


class SubscriptionRefusedError(HubError):
    """In scope, but not possible in its state (disabled, not a webhook)."""

    status = 422
    code = "subscription_refused"
    title = "This subscription cannot be changed like that"


@dataclass(frozen=True, slots=True)
class AddedWebhook:
    subscription: dict[str, Any]
    secret: str  # shown once


@dataclass(frozen=True, slots=True)
class AddedMailbox:
    subscription: dict[str, Any]
    link_sent: bool


@dataclass(frozen=True, slots=True)
class TestResult:
    """What the receiver answered to a ``hub.test`` event."""

    delivered: bool
    status_code: int | None
    seconds: float
    excerpt: str | None
    message: str


def _owner(caller: Caller) -> tuple[str, str | None]:
    return (str(caller.scope), caller.scope_value)


def team_name(scope: str, value: str | None) -> str:
    if scope == str(TokenScope.AUTHORITY):
        return find_authority_name(value or "") or (value or "Your council")
    return value or "Your team"


def subscription_item(sub: Subscription, health: tuple[datetime | None, int]) -> dict[str, Any]:
    """A subscription as its owner sees it: never its secret."""
    last_success, dead = health
    return {
        "id": sub.id,
        "kind": sub.kind,
        "target": sub.target,
        "events": list(sub.events or []),
        "status": sub.status,
        "verified": sub.kind != SubscriberKind.MAILBOX or sub.verified_at is not None,
        "failing_since": sub.failing_since,
        "slow_since": sub.slow_since,
        "last_success_at": last_success,
        "dead_letters": dead,
        "disabled_reason": sub.disabled_reason,
        "created_at": sub.created_at,
    }


def _refused_field(
    db: Database, ctx: RequestContext, action: AuditAction, field: str, message: str
) -> ValidationFailedError:
    """Audit a refused input (nothing else is stored) and name its field."""
    with db.transaction() as session:
        add_audit_event(session, ctx, action, AuditOutcome.REFUSED, detail={"field": field})
    return ValidationFailedError(message, errors=[{"field": field, "message": message}])


def _not_found(db: Database, ctx: RequestContext, action: AuditAction, sid: int) -> NotFoundError:
    with db.transaction() as session:
        add_audit_event(session, ctx, action, AuditOutcome.DENIED, detail={"subscription_id": sid})
    return NotFoundError("None of your team's webhooks or mailboxes has that id.")


def list_team_subscriptions(db: Database, ctx: RequestContext) -> list[dict[str, Any]]:
    """The caller's webhooks and mailboxes with their health. Audited."""
    caller = require_manager(ctx)
    with db.transaction() as session:
        subs = list_owned_subscriptions(session, _owner(caller))
        health = delivery_health(session, [s.id for s in subs])
        items = [subscription_item(s, health[s.id]) for s in subs]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_SUBSCRIPTIONS,
            AuditOutcome.OK,
            detail={"subscriptions": [item["id"] for item in items]},
        )
    return items


def add_team_webhook(
    db: Database, ctx: RequestContext, url: str, events: Sequence[str] = ()
) -> AddedWebhook:
    """Add a webhook for the caller's team; its secret is returned once."""
    caller = require_manager(ctx)
    url = url.strip()
    try:
        checked_webhook_url(db.settings, url)
    except SubscriptionError as exc:
        raise _refused_field(
            db, ctx, AuditAction.ADD_SUBSCRIPTION, "url", _target_words(str(exc))
        ) from exc
    secret = new_signing_secret()
    owner = TokenScopeChoice(caller.scope, caller.scope_value)
    with db.transaction() as session:
        try:
            sub = new_subscription(
                SubscriberKind.WEBHOOK, owner, url, events, now=ctx.now, secret=secret
            )
        except SubscriptionError as exc:
            raise ValidationFailedError(
                str(exc), errors=[{"field": "events", "message": str(exc)}]
            ) from exc
        session.add(sub)
        session.flush()
        add_audit_event(
            session,
            ctx,
            AuditAction.ADD_SUBSCRIPTION,
            AuditOutcome.OK,
            detail={"subscription_id": sub.id, "kind": sub.kind},
        )
        item = subscription_item(sub, (None, 0))
    return AddedWebhook(item, secret)


def _target_words(reason: str) -> str:
    return f"The hub cannot send to this address: {reason}."


def add_team_mailbox(
    db: Database, ctx: RequestContext, address: str, base_url: str, events: Sequence[str] = ()
) -> AddedMailbox:
    """Add a mailbox for the caller's team, unconfirmed, and e-mail it a confirmation link."""
    caller = require_manager(ctx)
    try:
        target = checked_mailbox_address(address)
    except SubscriptionError:
        raise _refused_field(
            db,
            ctx,
            AuditAction.ADD_SUBSCRIPTION,
            "address",
            "Enter an e-mail address in the correct format, like team@council.gov.uk",
        ) from None
    token = secrets.token_urlsafe(32)
    owner = TokenScopeChoice(caller.scope, caller.scope_value)
    with db.transaction() as session:
        try:
            sub = new_subscription(SubscriberKind.MAILBOX, owner, target, events, now=ctx.now)
        except SubscriptionError as exc:
            raise ValidationFailedError(
                str(exc), errors=[{"field": "events", "message": str(exc)}]
            ) from exc
        sub.verification_hash = hash_token(token)
        sub.verification_expires_at = ctx.now + CONFIRMATION_LIFE
        session.add(sub)
        session.flush()
        add_audit_event(
            session,
            ctx,
            AuditAction.ADD_SUBSCRIPTION,
            AuditOutcome.OK,
            detail={"subscription_id": sub.id, "kind": sub.kind},
        )
        item = subscription_item(sub, (None, 0))
    message = compose_mailbox_confirmation(
        target, team_name(str(caller.scope), caller.scope_value), token, base_url
    )
    sent = send_mail(db.settings, message).outcome is AttemptOutcome.DELIVERED
    return AddedMailbox(item, sent)


def confirm_mailbox(db: Database, token: str, *, request_id: str | None = None) -> str | None:
    """Confirm the mailbox a link names (once, before it expires); its address, else None."""
    now = utcnow()
    with db.transaction() as session:
        sub = find_mailbox_to_verify(session, hash_token(token))
        live = (
            sub is not None
            and sub.verified_at is None
            and sub.status == SubscriptionStatus.ACTIVE
            and sub.verification_expires_at is not None
            and sub.verification_expires_at > now
        )
        if sub is None or not live:
            return None
        sub.verified_at = now
        sub.verification_hash = None
        sub.verification_expires_at = None
        add_audit_event(
            session,
            RequestContext(MAILBOX_LINK, request_id, now),
            AuditAction.VERIFY_MAILBOX,
            AuditOutcome.OK,
            visible_to=sub.scope_value,
            detail={"subscription_id": sub.id},
        )
        return sub.target


def disable_team_subscription(db: Database, ctx: RequestContext, sid: int) -> dict[str, Any]:
    """Stop sending to one of the caller's subscriptions (its pending deliveries fail)."""
    caller = require_manager(ctx)
    with db.transaction() as session:
        sub = find_owned_subscription(session, sid, _owner(caller), for_update=True)
        if sub is not None:
            if sub.status == SubscriptionStatus.ACTIVE:
                sub.disable(ctx.now, "disabled by the team")
            add_audit_event(
                session,
                ctx,
                AuditAction.DISABLE_SUBSCRIPTION,
                AuditOutcome.OK,
                detail={"subscription_id": sid},
            )
            health = delivery_health(session, [sid])[sid]
            return subscription_item(sub, health)
    raise _not_found(db, ctx, AuditAction.DISABLE_SUBSCRIPTION, sid)


def rotate_team_secret(db: Database, ctx: RequestContext, sid: int) -> str:
    """A new signing secret for one of the caller's webhooks (the old one signs for a day)."""
    caller = require_manager(ctx)
    with db.transaction() as session:
        sub = find_owned_subscription(session, sid, _owner(caller), for_update=True)
        if sub is not None:
            if sub.kind != SubscriberKind.WEBHOOK or sub.status != SubscriptionStatus.ACTIVE:
                refused = SubscriptionRefusedError("Only an active webhook has a secret to rotate.")
            else:
                secret = replace_secret(sub, ctx.now)
                add_audit_event(
                    session,
                    ctx,
                    AuditAction.ROTATE_SUBSCRIPTION_SECRET,
                    AuditOutcome.OK,
                    detail={"subscription_id": sid},
                )
                return secret
    if sub is None:
        raise _not_found(db, ctx, AuditAction.ROTATE_SUBSCRIPTION_SECRET, sid)
    with db.transaction() as session:
        add_audit_event(
            session,
            ctx,
            AuditAction.ROTATE_SUBSCRIPTION_SECRET,
            AuditOutcome.REFUSED,
            detail={"subscription_id": sid},
        )
    raise refused


def test_team_webhook(db: Database, ctx: RequestContext, sid: int) -> TestResult:
    """Send a signed ``hub.test`` event to one of the caller's webhooks now and report the
    receiver's answer. Nothing is stored but the audit row (a test is not a delivery)."""
    caller = require_manager(ctx)
    with db.sessions() as session:
        sub = find_owned_subscription(session, sid, _owner(caller), for_update=False)
        if sub is not None:
            active_webhook = (
                sub.kind == SubscriberKind.WEBHOOK and sub.status == SubscriptionStatus.ACTIVE
            )
            url, keys = sub.target, signing_secrets(sub, ctx.now)
    if sub is None:
        raise _not_found(db, ctx, AuditAction.TEST_SUBSCRIPTION, sid)
    if not active_webhook:
        with db.transaction() as session:
            add_audit_event(
                session,
                ctx,
                AuditAction.TEST_SUBSCRIPTION,
                AuditOutcome.REFUSED,
                detail={"subscription_id": sid},
            )
        raise SubscriptionRefusedError("Only an active webhook can be sent a test event.")
    settings = db.settings
    payload = {
        "type": TEST_EVENT,
        "timestamp": ctx.now.isoformat(),
        "data": {"subscription_id": sid, "owner": caller.scope_label},
    }
    started = time.monotonic()
    result = send_webhook(settings, url, keys, new_webhook_id(), payload, ctx.now)
    seconds = round(time.monotonic() - started, 2)
    delivered = result.outcome is AttemptOutcome.DELIVERED
    outcome = TestResult(
        delivered,
        result.status_code,
        seconds,
        result.excerpt,
        _test_words(result.status_code, result.error, settings.webhook_read_timeout),
    )
    with db.transaction() as session:
        add_audit_event(
            session,
            ctx,
            AuditAction.TEST_SUBSCRIPTION,
            AuditOutcome.OK,
            detail={
                "subscription_id": sid,
                "delivered": delivered,
                "status_code": result.status_code,
                "error": result.error,
            },
        )
    return outcome


def _test_words(status_code: int | None, error: str | None, read_timeout: float) -> str:
    if status_code is not None and 200 <= status_code < 300:
        return f"The receiver accepted the test event (HTTP {status_code})."
    if status_code is not None:
        return f"The receiver answered HTTP {status_code}: it did not accept the test event."
    if error and "Timeout" in error:
        if "Connect" in error:
            return "The receiver could not be reached in time: check the address and firewall."
        return (
            f"The receiver did not answer within {read_timeout:g} seconds. A webhook must "
            "answer quickly (do the work after answering)."
        )
    if error and error.startswith("refused:"):
        return _target_words(error.removeprefix("refused: "))
    return f"The test event could not be sent ({error or 'no answer'})."


def list_team_dead_letters(db: Database, ctx: RequestContext) -> list[dict[str, Any]]:
    """The caller's dead deliveries (every attempt failed), newest first."""
    caller = require_manager(ctx)
    with db.sessions() as session:
        rows = list_deliveries(
            session, owner=_owner(caller), status=str(DeliveryStatus.DEAD), limit=50
        )
        return [
            {
                "id": d.id,
                "subscription_id": s.id,
                "target": s.target,
                "event_type": d.event_type,
                "reference": d.reference,
                "created_at": d.created_at,
                "last_error": d.last_error,
                "last_status_code": d.last_status_code,
            }
            for d, s in rows
        ]


def replay_team_dead_letter(db: Database, ctx: RequestContext, delivery_id: int) -> None:
    """Send one of the caller's dead deliveries again (same webhook-id). Audited."""
    caller = require_manager(ctx)
    with db.sessions() as session:
        found = find_owned_delivery(session, delivery_id, _owner(caller))
    if found is None:
        with db.transaction() as session:
            add_audit_event(
                session,
                ctx,
                AuditAction.REPLAY_DELIVERY,
                AuditOutcome.DENIED,
                detail={"delivery_id": delivery_id},
            )
        raise NotFoundError("None of your team's deliveries has that id.")
    try:
        replay_delivery(db, delivery_id)
    except ReplayRefusedError as exc:
        with db.transaction() as session:
            add_audit_event(
                session,
                ctx,
                AuditAction.REPLAY_DELIVERY,
                AuditOutcome.REFUSED,
                detail={"delivery_id": delivery_id},
            )
        raise SubscriptionRefusedError(
            "This delivery cannot be sent again now (still pending, or its webhook or "
            "mailbox is disabled)."
        ) from exc
    with db.transaction() as session:
        add_audit_event(
            session,
            ctx,
            AuditAction.REPLAY_DELIVERY,
            AuditOutcome.OK,
            detail={"delivery_id": delivery_id},
        )
