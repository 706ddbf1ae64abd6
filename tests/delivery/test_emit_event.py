"""emit_event: one row per subscriber that should hear, keyed, in the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hub.delivery.events import EventType, emit_event
from hub.delivery.manage_subscriptions import SubscriptionError, disable_subscription
from hub.delivery.models import Delivery
from hub.delivery.sweep_deliveries import sweep_deliveries
from hub.platform.broker import PublishError
from hub.platform.outbox import OutboxEntry
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName
from tests.delivery.support import deliveries, mailbox, webhook
from tests.support.council import AFC, KENT, KINGSTON, MEDWAY, RICHMOND

URL = "http://127.0.0.1:9/hook"


def _emit(db, event=EventType.REFERRAL_ROUTED, **kwargs) -> int:
    kwargs.setdefault("event_key", "k1")
    with db.transaction() as session:
        return emit_event(session, event, **kwargs)


def test_a_council_event_reaches_its_webhooks_and_mailboxes_only(db, settings) -> None:
    kent_hook = webhook(db, KENT, URL)
    kent_mail = mailbox(db, KENT, "fostering@kent.example.gov.uk")
    webhook(db, MEDWAY, URL)
    webhook(db, None, URL)  # the operators'
    written = _emit(db, reference="FE-AAAAAAAA", authority_code=KENT)
    assert written == 2
    got = {d.subscription_id for d in deliveries(db)}
    assert got == {kent_hook.subscription.id, kent_mail.id}


def test_the_same_event_key_writes_nothing_the_second_time(db, settings) -> None:
    webhook(db, KENT, URL)
    assert _emit(db, reference="FE-AAAAAAAA", authority_code=KENT) == 1
    assert _emit(db, reference="FE-AAAAAAAA", authority_code=KENT) == 0
    assert len(deliveries(db)) == 1


def test_each_rows_send_task_follows_the_commit_and_the_row_alone_records_it(db, settings) -> None:
    webhook(db, KENT, URL)
    sent: list[OutboxEntry] = []
    original, db.publisher = db.publisher, sent.append
    try:
        _emit(db, reference="FE-AAAAAAAA", authority_code=KENT)
    finally:
        db.publisher = original
    (row,) = deliveries(db)
    assert [(e.task, e.subject_id, e.outbox_id) for e in sent] == [
        (TaskName.SEND_DELIVERY, row.id, None)
    ]
    assert row.published_at is not None
    with db.sessions() as s:  # one table records a delivery's publishing: no outbox row
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_refused_send_leaves_the_row_to_the_delivery_sweep(db, settings) -> None:
    webhook(db, KENT, URL)

    def refuse(entry: OutboxEntry) -> None:
        raise PublishError("broker unavailable: test")

    original, db.publisher = db.publisher, refuse
    try:
        _emit(db, reference="FE-AAAAAAAA", authority_code=KENT)
    finally:
        db.publisher = original
    (row,) = deliveries(db)
    assert (row.status, row.published_at) == ("pending", None)
    offered: list[int] = []
    assert sweep_deliveries(db, publisher=offered.append).published == 1
    assert offered == [row.id]


def test_nothing_is_written_when_the_callers_transaction_rolls_back(db, settings) -> None:
    webhook(db, KENT, URL)
    with pytest.raises(RuntimeError), db.transaction() as session:
        emit_event(session, EventType.REFERRAL_ROUTED, event_key="k", authority_code=KENT)
        raise RuntimeError("the change failed")
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 0


def test_a_delivery_body_subscription_receives_for_each_of_its_councils(db, settings) -> None:
    afc = webhook(db, AFC, URL)
    for n, code in enumerate((KINGSTON, RICHMOND, KENT)):
        _emit(db, event_key=f"k{n}", reference="FE-AAAAAAAA", authority_code=code)
    rows = deliveries(db)
    assert [r.authority_code for r in rows] == [KINGSTON, RICHMOND]
    assert {r.subscription_id for r in rows} == {afc.subscription.id}


def test_operator_events_go_to_operator_subscriptions_only(db, settings) -> None:
    webhook(db, KENT, URL)
    ops = webhook(db, None, URL)
    assert _emit(db, EventType.TRIAGE_ADDED, reference="FE-AAAAAAAA", to_operators=True) == 1
    assert deliveries(db)[0].subscription_id == ops.subscription.id


def test_a_subscription_hears_only_the_event_types_it_chose(db, settings) -> None:
    webhook(db, KENT, URL, "clock.breached")
    assert _emit(db, reference="FE-AAAAAAAA", authority_code=KENT) == 0
    assert _emit(db, EventType.CLOCK_BREACHED, event_key="c", authority_code=KENT) == 1


def test_a_disabled_subscription_gets_nothing(db, settings) -> None:
    made = webhook(db, KENT, URL)
    assert disable_subscription(db, made.subscription.id)
    assert _emit(db, reference="FE-AAAAAAAA", authority_code=KENT) == 0


def test_an_unknown_event_type_is_refused_when_subscribing(db, settings) -> None:
    with pytest.raises(SubscriptionError):
        webhook(db, KENT, URL, "referral.sneezed")


def test_the_follow_up_digest_carries_a_count_and_a_link_only(db, settings) -> None:
    mailbox(db, KENT, "fostering@kent.example.gov.uk")
    _emit(
        db,
        EventType.FOLLOW_UP_DUE,
        event_key="digest:2026-12-02:E10000016",
        authority_code=KENT,
        url_path="/v1/council/follow-ups",
        data={"count": 7},
    )
    (row,) = deliveries(db)
    assert row.payload["type"] == "follow_up.due"
    assert row.payload["data"] == {
        "reference": None,
        "authority_code": KENT,
        "url": "/v1/council/follow-ups",
        "count": 7,
    }
