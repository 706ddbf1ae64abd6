"""The retry schedule, and beat's sweep of due deliveries."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hub.delivery.events import EventType, emit_event
from hub.delivery.manage_subscriptions import disable_subscription
from hub.delivery.models import Delivery
from hub.delivery.retry_schedule import RETRY_DELAYS, next_attempt_at, parse_retry_after
from hub.delivery.send_delivery import SendOutcome, send_delivery
from hub.delivery.sweep_deliveries import sweep_deliveries
from hub.platform.broker import PublishError
from hub.platform.models import utcnow
from tests.delivery.receiver import Reply
from tests.delivery.support import attempt_due, deliveries, delivery, mailbox, webhook
from tests.support.council import KENT

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_the_schedule_starts_in_seconds_and_spans_about_three_days() -> None:
    assert RETRY_DELAYS[:2] == (5, 30)
    assert timedelta(days=2.8) <= timedelta(seconds=sum(RETRY_DELAYS)) <= timedelta(days=3.1)
    assert len(RETRY_DELAYS) + 1 == 15  # the default HUB_DELIVERY_MAX_ATTEMPTS


def test_jitter_spreads_retries_and_retry_after_can_only_lengthen_the_wait() -> None:
    rng = random.Random(7)
    waits = {(next_attempt_at(3, NOW, rng=rng) - NOW).total_seconds() for _ in range(20)}
    assert len(waits) > 10 and all(96 <= w <= 144 for w in waits)
    assert next_attempt_at(1, NOW, retry_after=600, rng=rng) == NOW + timedelta(seconds=600)
    assert parse_retry_after("Wed, 02 Dec 2026 09:02:00 GMT", NOW) == 120
    assert parse_retry_after("soon", NOW) is None


def _emit(db, key: str = "e") -> int:
    with db.transaction() as session:
        emit_event(session, EventType.REFERRAL_ROUTED, event_key=key, authority_code=KENT)
    return deliveries(db)[-1].id


def test_the_sweep_leaves_fresh_rows_to_their_outbox_message_and_takes_due_retries(
    db, settings, receiver
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    fresh = _emit(db, "fresh")
    published: list[int] = []
    assert sweep_deliveries(db, publisher=published.append).published == 0
    receiver.script = [Reply(503)]
    retried = _emit(db, "retried")
    # The finished attempt hands its place on at once: the retry is due (the tests' retry
    # scale is tiny), so it is offered without waiting for the sweep.
    assert send_delivery(db, retried, publisher=published.append) is SendOutcome.RETRY
    assert published == [retried]
    assert sweep_deliveries(db, publisher=published.append).published == 0  # not twice
    later = utcnow() + timedelta(seconds=21)  # past the lease: the fresh row is offered too
    sweep_deliveries(db, publisher=published.append, now=later)
    assert sorted(published) == sorted([retried, retried, fresh])


def test_the_sweep_stops_while_the_broker_is_down(db, settings) -> None:
    webhook(db, KENT, "http://127.0.0.1:9/hook")
    _emit(db)

    def down(delivery_id: int) -> None:
        raise PublishError("broker unavailable")

    later = utcnow() + timedelta(seconds=21)
    result = sweep_deliveries(db, publisher=down, now=later)
    assert (result.published, result.deferred) == (0, True)
    assert delivery(db, deliveries(db)[0].id).published_at is not None  # unchanged


def test_a_disabled_subscriptions_queued_deliveries_fail(db, settings, receiver) -> None:
    made = webhook(db, KENT, receiver.url, receiver=receiver)
    delivery_id = _emit(db)
    disable_subscription(db, made.subscription.id)
    assert send_delivery(db, delivery_id) is SendOutcome.SKIPPED
    row = delivery(db, delivery_id)
    assert (row.status, row.last_error) == ("failed", "subscription disabled")
    assert receiver.received == []


def test_a_refused_delivery_is_mailed_to_the_operators(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    ops = mailbox(db, None, "ops@hub.example.gov.uk")
    receiver.script = [Reply(401)]
    _emit(db)
    assert attempt_due(db, rounds=2) == [SendOutcome.FAILED, SendOutcome.DELIVERED]
    (told,) = deliveries(db, Delivery.subscription_id == ops.id)
    # Its own event, so the e-mail does not say the hub keeps retrying (it does not).
    assert told.event_type == "delivery.refused" and told.status == "delivered"


def test_a_first_attempt_is_due_at_once_even_if_the_writer_clock_ran_ahead(
    db, settings, receiver
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    delivery_id = _emit(db)
    earlier = utcnow() - timedelta(seconds=3)  # this worker's clock is 3 s behind the writer's
    assert send_delivery(db, delivery_id, now=earlier) is SendOutcome.DELIVERED
