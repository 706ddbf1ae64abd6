"""Webhooks and mailboxes set up by a council's manager: add (the safe-target rules on the
field), test against a real receiver (its answer, or a clear word when it is too slow),
rotate, disable, confirm a mailbox by its e-mailed link, replay the team's own dead letters;
another council's subscription or delivery is the 404 page, audited."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.access.manage_tokens import resolve_token_scope
from hub.delivery.events import EventType, emit_event
from hub.delivery.manage_subscriptions import add_webhook
from hub.delivery.models import Delivery, DeliveryStatus, Subscription
from hub.delivery.queries import list_subscriptions_for_event
from tests.delivery.receiver import Receiver, Reply, running_receiver
from tests.support.council import KENT, audit_rows
from tests.support.settings import db_settings
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    field_error,
    mails_to,
    new_address,
    own_address,
    sign_in,
)

PAGE = "/council/subscriptions"
SECRET = re.compile(r'id="secret" name="secret" type="text" value="(whsec_[^"]+)"')


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as found:
        yield found


@pytest.fixture
def manager(client: FlaskClient, db) -> FlaskClient:
    own_address(client)
    sign_in(client, db, council="Kent", role="manager")
    return client


def _post(client: FlaskClient, action: str, **form: str):
    got = client.get(PAGE, headers=BROWSER)
    assert got.status_code == 200, got.status_code
    token = csrf_from(got.get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **form}, headers=BROWSER)


def _subscriptions(db) -> list[Subscription]:
    with db.sessions() as s:
        return list(s.scalars(select(Subscription).order_by(Subscription.id)))


def _added_webhook(client: FlaskClient, receiver: Receiver) -> tuple[int, str]:
    response = _post(client, f"{PAGE}/webhooks", url=receiver.url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    match = SECRET.search(response.get_data(as_text=True))
    assert match
    ids = re.findall(r'action="/council/subscriptions/(\d+)/test"', client.get(PAGE).text)
    return int(ids[-1]), match.group(1)


def test_a_webhook_refused_by_the_safe_target_rules_is_told_on_the_field(manager, db) -> None:
    response = _post(manager, f"{PAGE}/webhooks", url="http://169.254.169.254/latest/meta-data")
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), "url")
    assert "cloud metadata address" in message
    assert _subscriptions(db) == []
    [row] = audit_rows(db, action="add_subscription")
    assert row.outcome == "refused" and row.detail == {"field": "url"}


def test_a_webhook_is_added_with_its_secret_shown_once_and_tested(manager, db, receiver) -> None:
    sid, secret = _added_webhook(manager, receiver)
    assert secret not in manager.get(PAGE).get_data(as_text=True)
    receiver.secrets = [secret]
    response = _post(manager, f"{PAGE}/{sid}/test")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The receiver accepted the test event (HTTP 200)" in page
    assert "seconds" in page and "<code>ok</code>" in page
    [got] = receiver.received
    assert got.verified and got.payload["type"] == "hub.test"
    with db.sessions() as s:
        assert s.scalars(select(Delivery)).all() == []  # a test is not a delivery
    assert audit_rows(db, action="add_subscription", outcome="ok")
    [tested] = audit_rows(db, action="test_subscription")
    assert tested.detail["status_code"] == 200


def test_a_receiver_that_does_not_answer_in_time_gets_a_clear_message(
    manager, db, receiver
) -> None:
    sid, _ = _added_webhook(manager, receiver)
    release = threading.Event()
    receiver.script = [Reply(hold=release)]
    quick = dataclasses.replace(db.settings, webhook_read_timeout=0.5)
    try:
        with db_settings(db, quick):
            page = _post(manager, f"{PAGE}/{sid}/test").get_data(as_text=True)
    finally:
        release.set()
    assert "did not answer within 0.5 seconds" in page
    [sub] = _subscriptions(db)
    assert sub.consecutive_failures == 0 and sub.failing_since is None


def test_rotating_shows_a_new_secret_once_and_both_sign_for_a_day(manager, db, receiver) -> None:
    sid, first = _added_webhook(manager, receiver)
    response = _post(manager, f"{PAGE}/{sid}/rotate")
    match = SECRET.search(response.get_data(as_text=True))
    assert match and match.group(1) != first
    receiver.secrets = [match.group(1)]
    _post(manager, f"{PAGE}/{sid}/test")
    assert receiver.received[-1].verified
    assert audit_rows(db, action="rotate_subscription_secret", outcome="ok")


def test_a_disabled_webhook_is_sent_nothing(manager, db, receiver) -> None:
    sid, _ = _added_webhook(manager, receiver)
    assert _post(manager, f"{PAGE}/{sid}/disable").status_code == 303
    [sub] = _subscriptions(db)
    assert sub.status == "disabled"
    refused = _post(manager, f"{PAGE}/{sid}/test")
    assert refused.status_code == 303 and receiver.received == []


def test_a_mailbox_receives_nothing_until_its_emailed_link_is_confirmed(manager, db, app) -> None:
    address = new_address("kent.example")
    assert _post(manager, f"{PAGE}/mailboxes", address=address).status_code == 303
    with db.sessions() as s:
        assert (
            list_subscriptions_for_event(
                s, "referral.routed", authority_code=KENT, to_operators=False
            )
            == []
        )
    [mail] = mails_to(address)
    path = re.search(r"https?://[^\s/]+(/mailboxes/confirm/\S+)", mail)
    assert path and "Kent" in mail
    visitor = app.test_client()
    page = visitor.get(path.group(1), headers=BROWSER)
    assert "Confirm this mailbox" in page.get_data(as_text=True)
    confirmed = visitor.post(
        path.group(1),
        data={"csrf_token": csrf_from(page.get_data(as_text=True))},
        headers=BROWSER,
    )
    assert confirmed.status_code == 200 and "Mailbox confirmed" in confirmed.text
    with db.sessions() as s:
        [sub] = list_subscriptions_for_event(
            s, "referral.routed", authority_code=KENT, to_operators=False
        )
        assert sub.target == address and sub.verified_at is not None
    again = visitor.post(
        path.group(1),
        data={"csrf_token": csrf_from(page.get_data(as_text=True))},
        headers=BROWSER,
    )
    assert again.status_code == 410
    assert audit_rows(db, action="verify_mailbox", outcome="ok")


def test_a_mailbox_address_that_is_not_one_is_told_on_the_field(manager, db) -> None:
    response = _post(manager, f"{PAGE}/mailboxes", address="team at kent")
    assert response.status_code == 422
    assert "correct format" in field_error(response.get_data(as_text=True), "address")
    assert _subscriptions(db) == []


def _medway_webhook(db) -> int:
    medway = resolve_token_scope("Medway", hub_operator=False)
    return add_webhook(db, medway, "http://127.0.0.1:9/hook").subscription.id


@pytest.mark.parametrize("action", ["test", "rotate", "disable"])
def test_another_councils_webhook_is_not_found_and_audited(manager, db, action) -> None:
    sid = _medway_webhook(db)
    assert _post(manager, f"{PAGE}/{sid}/{action}").status_code == 404
    denied = [
        r for r in audit_rows(db, outcome="denied") if r.action.endswith(("subscription", "secret"))
    ]
    assert [r.detail["subscription_id"] for r in denied] == [sid]
    [sub] = _subscriptions(db)
    assert sub.status == "active"


def test_the_team_replays_its_own_dead_letter_but_not_another_councils(manager, db) -> None:
    kent = resolve_token_scope("Kent", hub_operator=False)
    own = add_webhook(db, kent, "http://127.0.0.1:9/kent").subscription.id
    other = _medway_webhook(db)
    with db.transaction() as s:
        for sid in (own, other):
            emit_event(
                s,
                EventType.CLOCK_BREACHED,
                event_key=f"test-dead:{sid}",
                authority_code=KENT if sid == own else "E06000035",
                url_path="/v1/council/referrals",
                data={},
            )
        s.flush()
        rows = list(s.scalars(select(Delivery)))
        for row in rows:
            row.status = str(DeliveryStatus.DEAD)
    by_sub = {row.subscription_id: row.id for row in rows}
    page = manager.get(PAGE).get_data(as_text=True)
    assert f'action="/council/deliveries/{by_sub[own]}/replay"' in page
    assert f"/council/deliveries/{by_sub[other]}/replay" not in page
    assert _post(manager, f"/council/deliveries/{by_sub[own]}/replay").status_code == 303
    assert _post(manager, f"/council/deliveries/{by_sub[other]}/replay").status_code == 404
    with db.sessions() as s:
        assert s.get(Delivery, by_sub[own]).status == "pending"
        assert s.get(Delivery, by_sub[other]).status == "dead"
    assert [r.outcome for r in audit_rows(db, action="replay_delivery")] == ["ok", "denied"]


def test_an_officer_cannot_open_or_post_to_the_subscription_pages(client, db) -> None:
    own_address(client)
    sign_in(client, db, council="Kent", role="officer")
    assert client.get(PAGE, headers=BROWSER).status_code == 404
    token = csrf_from(client.get("/council/", headers=BROWSER).get_data(as_text=True))
    response = client.post(
        f"{PAGE}/webhooks",
        data={"csrf_token": token, "url": "http://127.0.0.1:9/"},
        headers=BROWSER,
    )
    assert response.status_code == 404
    assert _subscriptions(db) == []
    deliveries = client.get("/council/deliveries", headers=BROWSER).get_data(as_text=True)
    assert "Ask your team's manager" in deliveries
