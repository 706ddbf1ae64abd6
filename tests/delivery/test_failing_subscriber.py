"""A subscriber that keeps failing: marked, probed once per interval, told once, recovers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from config.settings import Settings, load_settings
from hub.delivery.events import EventType, emit_event
from hub.delivery.models import Delivery
from hub.delivery.send_delivery import SendOutcome, send_delivery
from hub.delivery.sweep_deliveries import sweep_deliveries
from hub.platform.models import utcnow
from tests.delivery.receiver import Reply
from tests.delivery.support import attempt_due, deliveries, mailbox, subscription, webhook
from tests.support.council import KENT
from tests.support.settings import use_test_settings


@pytest.fixture
def settings(delivery_env: dict[str, str]) -> Iterator[Settings]:
    env = {**delivery_env, "HUB_DELIVERY_FAILING_AFTER": "3", "HUB_DELIVERY_PROBE_SECONDS": "60"}
    with use_test_settings(load_settings(env)) as installed:
        yield installed


def _emit(db, count: int) -> None:
    with db.transaction() as session:
        for n in range(count):
            emit_event(
                session,
                EventType.REFERRAL_ROUTED,
                event_key=f"e{n}",
                reference=f"FE-AAAAAAA{n}",
                authority_code=KENT,
                kinds=frozenset({"webhook"}),  # type: ignore[arg-type]
            )


def _webhook_rows(db, sub_id: int) -> list[Delivery]:
    return deliveries(db, Delivery.subscription_id == sub_id)


def test_after_repeated_failures_it_is_marked_failing_and_mailed_once(
    db, settings, receiver
) -> None:
    hook = webhook(db, KENT, receiver.url, receiver=receiver)
    kent_mail = mailbox(db, KENT, "fostering@kent.example.gov.uk")
    ops_mail = mailbox(db, None, "ops@hub.example.gov.uk")
    receiver.script = [Reply(500)] * 50
    _emit(db, 5)
    attempt_due(db, rounds=4)
    sub = subscription(db, hook.subscription.id)
    assert sub.failing_since is not None and sub.consecutive_failures == 3
    assert len(receiver.received) == 3  # then nothing more: the rest queue up
    told = deliveries(db, Delivery.event_type == "delivery.failing")
    assert sorted(d.subscription_id for d in told) == sorted([kent_mail.id, ops_mail.id])
    assert {d.status for d in told} == {"delivered"}
    assert {d.status for d in _webhook_rows(db, hook.subscription.id)} == {"pending"}


def test_one_probe_per_interval_then_recovery_sends_what_queued(db, settings, receiver) -> None:
    hook = webhook(db, KENT, receiver.url, receiver=receiver)
    receiver.script = [Reply(500)] * 3
    _emit(db, 5)
    attempt_due(db, rounds=3)
    assert subscription(db, hook.subscription.id).failing_since is not None
    later = utcnow() + timedelta(seconds=61)
    published: list[int] = []
    assert sweep_deliveries(db, publisher=published.append, now=later).published == 1
    offered: list[int] = []
    outcome = send_delivery(db, published[0], now=later, publisher=offered.append)
    assert outcome is SendOutcome.DELIVERED
    sub = subscription(db, hook.subscription.id)
    assert (sub.failing_since, sub.consecutive_failures) == (None, 0)
    # What queued goes at once, within the subscriber's share (two places by default), and
    # each attempt that finishes hands its place on to the next.
    assert len(offered) == 2
    sent = []
    while offered:
        delivery_id = offered.pop(0)
        sent.append(send_delivery(db, delivery_id, now=later, publisher=offered.append))
    assert sent == [SendOutcome.DELIVERED] * 4
    assert len(set(receiver.ids())) == 5


def test_a_failing_subscriber_is_listed_for_operators(client, db, settings, receiver) -> None:
    from tests.support.council import bearer, token_for

    webhook(db, KENT, receiver.url, receiver=receiver)
    receiver.script = [Reply(500)] * 3
    _emit(db, 4)
    attempt_due(db, rounds=3)
    body = client.get(
        "/v1/ops/deliveries?status=failing", headers=bearer(token_for(db, hub=True))
    ).get_json()
    assert len(body["items"]) == 4
    assert all(item["subscriber_failing"] for item in body["items"])
