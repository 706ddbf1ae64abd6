"""Each subscriber's share of the delivery pool: a few in flight, the rest wait as rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from hub.delivery.events import EventType, emit_event
from hub.delivery.fair_share import record_duration, share_of
from hub.delivery.models import Delivery, Subscription
from hub.delivery.send_delivery import SendOutcome, send_delivery
from hub.delivery.sweep_deliveries import sweep_deliveries
from hub.platform.models import utcnow
from hub.platform.outbox import OutboxEntry
from tests.delivery.support import deliveries, webhook
from tests.support.council import BIRMINGHAM, KENT


def _emit(db, authority: str, count: int, prefix: str = "e") -> None:
    for n in range(count):
        with db.transaction() as session:
            emit_event(
                session,
                EventType.REFERRAL_ROUTED,
                event_key=f"{prefix}{n}",
                authority_code=authority,
            )


def test_a_subscriber_gets_two_sends_queued_and_the_rest_wait_as_rows(db, settings) -> None:
    webhook(db, KENT, "http://127.0.0.1:9/hook")
    sent: list[OutboxEntry] = []
    original, db.publisher = db.publisher, sent.append
    try:
        _emit(db, KENT, 5)
    finally:
        db.publisher = original
    rows = deliveries(db)
    assert len(rows) == 5
    assert [row.published_at is not None for row in rows] == [True, True, False, False, False]
    # Nothing goes to the broker for the three that wait.
    assert [entry.subject_id for entry in sent] == [rows[0].id, rows[1].id]


def test_an_attempt_is_held_back_while_the_subscribers_share_is_in_flight(db, settings) -> None:
    hook = webhook(db, KENT, "http://127.0.0.1:9/hook")
    _emit(db, KENT, 3)
    first, second, third = (row.id for row in deliveries(db))
    with db.transaction() as session:  # two attempts in flight (their leases run)
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_([first, second]))
            .values(locked_until=utcnow() + timedelta(seconds=60))
        )
    assert send_delivery(db, third) is SendOutcome.SKIPPED
    (held,) = deliveries(db, Delivery.id == third)
    assert (held.status, held.attempts, held.published_at) == ("pending", 0, None)
    assert hook.subscription.id == held.subscription_id


def test_one_councils_backlog_does_not_crowd_the_others_out_of_the_sweep(db, settings) -> None:
    webhook(db, KENT, "http://127.0.0.1:9/hook")
    webhook(db, BIRMINGHAM, "http://127.0.0.1:9/other")
    _emit(db, KENT, 30, "kent")
    _emit(db, BIRMINGHAM, 1, "brum")
    later = utcnow() + timedelta(minutes=5)  # every lease has run out: all are due again
    offered: list[int] = []
    assert sweep_deliveries(db, publisher=offered.append, now=later, limit=3).published == 3
    by_id = {row.id: str(row.authority_code) for row in deliveries(db)}
    assert sorted(by_id[i] for i in offered) == sorted([KENT, KENT, BIRMINGHAM])


def test_a_slow_subscriber_is_marked_and_kept_to_one_attempt(settings) -> None:
    """The p90 of its recent attempts decides; quick answers clear the mark."""
    sub = Subscription(kind="webhook", scope="authority", scope_value=KENT, target="x")
    now = utcnow()
    for _ in range(4):
        record_duration(sub, 9.0, now, threshold=4.0)
    assert sub.slow_since is None  # too few attempts to judge
    record_duration(sub, 9.0, now, threshold=4.0)
    assert sub.slow_since == now and share_of(sub, settings) == 1
    for _ in range(20):
        record_duration(sub, 0.05, now, threshold=4.0)
    assert sub.slow_since is None and share_of(sub, settings) == 2


def test_a_slow_subscriber_gets_one_send_queued(db, settings) -> None:
    hook = webhook(db, KENT, "http://127.0.0.1:9/hook")
    with db.transaction() as session:
        session.execute(
            update(Subscription)
            .where(Subscription.id == hook.subscription.id)
            .values(slow_since=utcnow())
        )
    _emit(db, KENT, 3)
    assert [row.published_at is not None for row in deliveries(db)] == [True, False, False]
