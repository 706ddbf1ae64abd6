"""Signed webhooks to a real receiver on loopback: retries, Retry-After, 410, dead, replay."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from standardwebhooks.webhooks import Webhook

from config.settings import load_settings
from hub.delivery.events import EventType, emit_event
from hub.delivery.manage_subscriptions import rotate_secret
from hub.delivery.replay import ReplayRefusedError, replay_dead_for_subscriber, replay_delivery
from hub.delivery.send_delivery import SendOutcome, send_delivery
from hub.platform.models import utcnow
from tests.delivery.receiver import Reply
from tests.delivery.support import (
    attempt_due,
    deliveries,
    delivery,
    mailbox,
    subscription,
    webhook,
)
from tests.support.council import KENT
from tests.support.settings import db_settings


def _event(db, key: str = "e1", reference: str = "FE-7K3M9Q2D") -> int:
    with db.transaction() as session:
        emit_event(
            session,
            EventType.REFERRAL_ROUTED,
            event_key=key,
            reference=reference,
            authority_code=KENT,
        )
    return deliveries(db)[-1].id


def test_the_hubs_signature_is_accepted_by_the_standardwebhooks_verifier(
    db, settings, receiver
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    delivery_id = _event(db)
    assert send_delivery(db, delivery_id) is SendOutcome.DELIVERED
    (got,) = receiver.received
    assert got.verified
    assert got.payload["type"] == "referral.routed"
    assert got.payload["data"]["reference"] == "FE-7K3M9Q2D"
    assert got.payload["data"]["url"].endswith("/v1/council/referrals/FE-7K3M9Q2D")
    assert got.webhook_id == delivery(db, delivery_id).webhook_id
    assert delivery(db, delivery_id).last_status_code == 200


def test_fails_twice_then_succeeds_with_the_same_webhook_id_each_time(
    db, settings, receiver
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    receiver.script = [Reply(500), Reply(503)]
    delivery_id = _event(db)
    assert attempt_due(db, rounds=5) == [
        SendOutcome.RETRY,
        SendOutcome.RETRY,
        SendOutcome.DELIVERED,
    ]
    assert len(set(receiver.ids())) == 1 and len(receiver.ids()) == 3
    assert all(r.verified for r in receiver.received)
    row = delivery(db, delivery_id)
    assert (row.status, row.attempts) == ("delivered", 3)


def test_a_retry_waits_a_backed_off_time_with_jitter(db, hub_env, delivery_env, receiver) -> None:
    with db_settings(db, load_settings({**delivery_env, "HUB_DELIVERY_RETRY_SCALE": "1"})):
        webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(500)]
        delivery_id = _event(db)
        before = utcnow()
        assert send_delivery(db, delivery_id) is SendOutcome.RETRY
    wait = delivery(db, delivery_id).next_attempt_at - before
    assert timedelta(seconds=3.9) <= wait <= timedelta(seconds=6.5)  # 5 s +/- 20 %


def test_a_429_with_retry_after_is_honoured(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    receiver.script = [Reply(429, {"Retry-After": "120"})]
    delivery_id = _event(db)
    before = utcnow()
    assert send_delivery(db, delivery_id) is SendOutcome.RETRY
    wait = delivery(db, delivery_id).next_attempt_at - before
    assert timedelta(seconds=119) <= wait <= timedelta(seconds=125)
    assert send_delivery(db, delivery_id) is SendOutcome.SKIPPED  # not due yet
    assert len(receiver.received) == 1


def test_a_timeout_is_retried(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    release = threading.Event()
    receiver.script = [Reply(200, hold=release)]
    delivery_id = _event(db)
    try:
        assert send_delivery(db, delivery_id) is SendOutcome.RETRY
    finally:
        release.set()
    assert delivery(db, delivery_id).last_error == "ReadTimeout"
    assert send_delivery(db, delivery_id) is SendOutcome.DELIVERED


def test_a_refused_connection_is_retried(db, settings, receiver) -> None:
    url = receiver.url
    receiver.server.shutdown()
    receiver.server.server_close()  # nothing listens on the port now
    webhook(db, KENT, url)
    delivery_id = _event(db)
    assert send_delivery(db, delivery_id) is SendOutcome.RETRY
    assert delivery(db, delivery_id).last_error == "ConnectError"


def test_a_4xx_fails_at_once_without_retrying(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    receiver.script = [Reply(400, body=b'{"error": "bad"}')]
    delivery_id = _event(db)
    assert attempt_due(db, rounds=3) == [SendOutcome.FAILED]
    row = delivery(db, delivery_id)
    assert (row.status, row.last_status_code, row.response_excerpt) == (
        "failed",
        400,
        '{"error": "bad"}',
    )


def test_a_redirect_is_not_followed(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    receiver.script = [Reply(307, {"Location": "http://169.254.169.254/latest/meta-data"})]
    _event(db)
    assert attempt_due(db, rounds=3) == [SendOutcome.FAILED]
    assert len(receiver.received) == 1


def test_410_gone_disables_the_subscription_and_tells_the_operators(db, settings, receiver) -> None:
    made = webhook(db, KENT, receiver.url, receiver=receiver)
    ops = mailbox(db, None, "ops@hub.example.gov.uk")
    receiver.script = [Reply(410)]
    _event(db, "e1")
    assert attempt_due(db, rounds=2) == [SendOutcome.GONE, SendOutcome.DELIVERED]
    sub = subscription(db, made.subscription.id)
    assert (sub.status, sub.disabled_reason) == ("disabled", "410 Gone")
    assert [d.event_type for d in deliveries(db) if d.subscription_id == ops.id] == [
        "delivery.refused"
    ]
    assert _event_count_after(db) == 0


def _event_count_after(db) -> int:
    with db.transaction() as session:
        return emit_event(
            session, EventType.REFERRAL_ROUTED, event_key="later", authority_code=KENT
        )


def test_the_last_failed_attempt_makes_it_dead_and_replay_delivers_the_same_id(
    db, delivery_env, receiver
) -> None:
    with db_settings(db, load_settings({**delivery_env, "HUB_DELIVERY_MAX_ATTEMPTS": "3"})):
        made = webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(500)] * 3
        delivery_id = _event(db)
        assert attempt_due(db, rounds=5) == [SendOutcome.RETRY, SendOutcome.RETRY, SendOutcome.DEAD]
        assert delivery(db, delivery_id).status == "dead"
        assert replay_dead_for_subscriber(db, made.subscription.id) == [delivery_id]
        assert attempt_due(db) == [SendOutcome.DELIVERED]
    assert len(set(receiver.ids())) == 1 and len(receiver.ids()) == 4
    assert delivery(db, delivery_id).replays == 1


def test_a_pending_delivery_is_not_replayed(db, settings, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    delivery_id = _event(db)
    with pytest.raises(ReplayRefusedError):
        replay_delivery(db, delivery_id)


def test_after_a_rotation_both_secrets_verify_for_a_day(db, settings, receiver) -> None:
    made = webhook(db, KENT, receiver.url)
    new_secret = rotate_secret(db, made.subscription.id)
    delivery_id = _event(db)
    assert send_delivery(db, delivery_id) is SendOutcome.DELIVERED
    (got,) = receiver.received
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    for secret in (made.secret, new_secret):
        Webhook(secret).verify(got.body, got.headers)  # raises if not accepted


def test_attempts_are_counted_and_timed_in_metrics(db, settings, receiver) -> None:
    labels = {"kind": "webhook", "outcome": "delivered"}
    before = REGISTRY.get_sample_value("hub_delivery_attempts_total", labels) or 0
    timed = (
        REGISTRY.get_sample_value("hub_delivery_attempt_seconds_count", {"kind": "webhook"}) or 0
    )
    webhook(db, KENT, receiver.url, receiver=receiver)
    send_delivery(db, _event(db))
    assert REGISTRY.get_sample_value("hub_delivery_attempts_total", labels) == before + 1
    assert (
        REGISTRY.get_sample_value("hub_delivery_attempt_seconds_count", {"kind": "webhook"})
        == timed + 1
    )
