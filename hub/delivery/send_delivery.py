"""Send one delivery: claim it, close the session, make the attempt, record what happened.

Safe to run twice and to be killed at any point. The claim is a locked re-read that takes a
lease (``locked_until``); the attempt runs with no database session open; the result is
recorded only if the lease is still ours. A worker killed mid-send leaves the lease to expire
and beat's sweep sends again with the same ``webhook-id``, so the receiver can de-duplicate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog

from config.settings import Settings
from hub.delivery.attempts import AttemptOutcome, AttemptResult
from hub.delivery.confirmation import (
    EnquirerEvent,
    find_enquirer_address,
    find_enquirer_mobile,
    find_manage_url,
)
from hub.delivery.confirmation_mail import ManageLink, compose_enquirer_mail
from hub.delivery.fair_share import count_in_flight, may_probe, record_duration, share_of
from hub.delivery.mail_transports import send_mail
from hub.delivery.messages import compose_message
from hub.delivery.metrics import DELIVERY_ATTEMPT_SECONDS, DELIVERY_ATTEMPTS
from hub.delivery.models import (
    Delivery,
    DeliveryStatus,
    SubscriberKind,
    Subscription,
    SubscriptionStatus,
)
from hub.delivery.queries import lock_delivery
from hub.delivery.retry_schedule import next_attempt_at
from hub.delivery.subscriber_health import (
    record_failure,
    record_success,
    tell_operators_refused,
)
from hub.delivery.sweep_deliveries import SendPublisher, offer_due
from hub.delivery.targets import Resolver, system_resolver
from hub.delivery.text_messages import compose_confirmation_text, send_text
from hub.delivery.webhook_sender import send_webhook
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import complete_outbox_message

log = structlog.get_logger(__name__)


class SendOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    GONE = "gone"
    DEAD = "dead"
    SKIPPED = "skipped"  # not pending, not due, leased by another attempt, or held back


@dataclass(frozen=True, slots=True)
class _Claim:
    delivery_id: int
    subscription_id: int
    attempt: int
    kind: SubscriberKind
    target: str
    secrets: list[str]
    webhook_id: str
    payload: dict[str, Any]
    # The enquirer's link in a confirmation e-mail: signed at send time, held in memory only.
    manage_url: ManageLink | None = None


def signing_secrets(sub: Subscription, now: datetime) -> list[str]:
    found = [sub.secret] if sub.secret else []
    if sub.previous_secret and sub.previous_secret_until and sub.previous_secret_until > now:
        found.append(sub.previous_secret)
    return found


def send_delivery(
    db: Database,
    delivery_id: int,
    outbox_id: int | None = None,
    *,
    now: datetime | None = None,
    resolver: Resolver = system_resolver,
    publisher: SendPublisher | None = None,
) -> SendOutcome:
    """Make one attempt at a due delivery (an outbox message or beat's sweep asked), then
    offer the subscriber's next waiting delivery through ``publisher``."""
    settings = db.settings
    claim = _claim(db, settings, delivery_id, outbox_id, now or utcnow())
    if claim is None:
        return SendOutcome.SKIPPED
    started = time.monotonic()
    result = _attempt(settings, claim, now or utcnow(), resolver)
    elapsed = time.monotonic() - started
    DELIVERY_ATTEMPT_SECONDS.labels(str(claim.kind)).observe(elapsed)
    outcome = _record(db, settings, claim, result, elapsed, now or utcnow())
    DELIVERY_ATTEMPTS.labels(str(claim.kind), str(outcome)).inc()
    if outcome is not SendOutcome.SKIPPED:
        # A place in this subscriber's share is free: its next waiting delivery goes now,
        # not at the next sweep.
        offer_due(db, publisher=publisher, subscription_id=claim.subscription_id, now=now)
    log.info(
        "delivery.attempt",
        delivery_id=delivery_id,
        attempt=claim.attempt,
        outcome=str(outcome),
        status_code=result.status_code,
        seconds=round(elapsed, 3),
    )
    return outcome


def _claim(
    db: Database, settings: Settings, delivery_id: int, outbox_id: int | None, now: datetime
) -> _Claim | None:
    with db.transaction() as session:
        complete_outbox_message(session, outbox_id, now)
        locked = lock_delivery(session, delivery_id)
        if locked is None:
            return None
        delivery, sub = locked
        if delivery.status != DeliveryStatus.PENDING:
            return None
        # A retry waits for its time; a first attempt (new, or replayed) is due at once, even
        # if the host that wrote it has a clock a little ahead of this one.
        if delivery.attempts > 0 and delivery.next_attempt_at > now:
            return None
        if delivery.locked_until is not None and delivery.locked_until > now:
            return None  # another attempt is in flight
        if sub.status != SubscriptionStatus.ACTIVE:
            _finish(delivery, DeliveryStatus.FAILED, now, error="subscription disabled")
            return None
        if not may_probe(
            sub, now, timedelta(seconds=settings.delivery_probe_seconds)
        ) or count_in_flight(session, sub.id, now, exclude=delivery.id) >= share_of(sub, settings):
            # Held back (a failing subscriber's probe interval, or its share of the pool is
            # in flight): it waits as a row; a finishing attempt or the sweep offers it again.
            delivery.published_at = None
            return None
        target = sub.target
        manage_url: ManageLink | None = None
        if sub.kind == SubscriberKind.ENQUIRER:
            # Read now, held only in memory for this attempt: never written to the row.
            texted = delivery.event_type == EnquirerEvent.TEXTED
            address = (
                find_enquirer_mobile(session, delivery.reference)
                if texted
                else find_enquirer_address(session, delivery.reference)
            )
            if address is None:
                missing = "mobile number" if texted else "address"
                _finish(delivery, DeliveryStatus.FAILED, now, error=f"the enquiry has no {missing}")
                return None
            target = address
            if delivery.event_type == EnquirerEvent.CONFIRMED:
                manage_url = find_manage_url(session, delivery.reference)
        if sub.failing_since is not None:
            sub.last_probe_at = now
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.locked_until = now + timedelta(seconds=settings.delivery_lease_seconds)
        return _Claim(
            delivery.id,
            sub.id,
            delivery.attempts,
            sub.kind,
            target,
            signing_secrets(sub, now),
            delivery.webhook_id,
            dict(delivery.payload),
            manage_url,
        )


def _attempt(settings: Settings, claim: _Claim, now: datetime, resolver: Resolver) -> AttemptResult:
    if claim.kind is SubscriberKind.WEBHOOK:
        return send_webhook(
            settings,
            claim.target,
            claim.secrets,
            claim.webhook_id,
            claim.payload,
            now,
            resolver=resolver,
        )
    if claim.kind is SubscriberKind.ENQUIRER and claim.payload.get("type") == EnquirerEvent.TEXTED:
        body = compose_confirmation_text(claim.payload)
        return send_text(settings, claim.webhook_id, claim.target, body)
    if claim.kind is SubscriberKind.ENQUIRER:
        message = compose_enquirer_mail(
            claim.webhook_id, claim.target, claim.payload, manage_url=claim.manage_url
        )
    else:
        message = compose_message(claim.webhook_id, claim.target, claim.payload)
    return send_mail(settings, message)


def _finish(
    delivery: Delivery, status: DeliveryStatus, now: datetime, *, error: str | None = None
) -> None:
    delivery.status = status
    delivery.locked_until = None
    delivery.published_at = None
    if error is not None:
        delivery.last_error = error[:200]
    if status is DeliveryStatus.DELIVERED:
        delivery.delivered_at = now


def _record(
    db: Database,
    settings: Settings,
    claim: _Claim,
    result: AttemptResult,
    elapsed: float,
    now: datetime,
) -> SendOutcome:
    with db.transaction() as session:
        locked = lock_delivery(session, claim.delivery_id)
        if locked is None:
            return SendOutcome.SKIPPED
        delivery, sub = locked
        record_duration(sub, elapsed, now, settings.delivery_slow_seconds)
        if delivery.status != DeliveryStatus.PENDING or delivery.attempts != claim.attempt:
            return SendOutcome.SKIPPED  # our lease ran out and another attempt took over
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:200] if result.error else None
        delivery.response_excerpt = result.excerpt
        if result.outcome is AttemptOutcome.DELIVERED:
            _finish(delivery, DeliveryStatus.DELIVERED, now)
            record_success(session, sub, now)
            return SendOutcome.DELIVERED
        if result.outcome is AttemptOutcome.GONE:
            _finish(delivery, DeliveryStatus.FAILED, now)
            sub.disable(now, "410 Gone")
            log.warning("delivery.subscription_gone", subscription_id=sub.id)
            tell_operators_refused(session, sub, delivery.id)
            return SendOutcome.GONE
        if result.outcome is AttemptOutcome.FAILED:
            _finish(delivery, DeliveryStatus.FAILED, now)
            log.error("delivery.failed", delivery_id=delivery.id, status_code=result.status_code)
            tell_operators_refused(session, sub, delivery.id)
            return SendOutcome.FAILED
        record_failure(session, sub, now, settings.delivery_failing_after)
        if delivery.attempts >= settings.delivery_max_attempts:
            _finish(delivery, DeliveryStatus.DEAD, now)
            log.error("delivery.dead", delivery_id=delivery.id, attempts=delivery.attempts)
            return SendOutcome.DEAD
        delivery.locked_until = None
        delivery.published_at = None
        delivery.next_attempt_at = next_attempt_at(
            delivery.attempts,
            now,
            scale=settings.delivery_retry_scale,
            retry_after=result.retry_after,
        )
        return SendOutcome.RETRY
