"""``/v1/council/subscriptions``: a council's system manages its own webhooks and mailboxes
with a token that has the council:manage permission; problem+json for every refusal, the
other council's subscription a 404 with an audit row."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from hub.access.manage_tokens import resolve_token_scope
from hub.delivery.manage_subscriptions import add_webhook
from hub.delivery.models import Subscription
from tests.delivery.receiver import Reply
from tests.support.council import KENT, audit_rows, bearer, token_for
from tests.web.staff_support import mails_to

API = "/v1/council/subscriptions"


def _subs(db) -> list[Subscription]:
    with db.sessions() as s:
        return list(s.scalars(select(Subscription).order_by(Subscription.id)))


@pytest.fixture
def manage(db) -> dict[str, str]:
    return bearer(token_for(db, KENT, manage=True))


def test_a_token_without_the_manage_permission_is_refused_and_audited(client, db) -> None:
    response = client.get(API, headers=bearer(token_for(db, KENT)))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "manager_only"
    [row] = audit_rows(db, action="call_api")
    assert row.outcome == "denied" and row.detail["path"] == API


def test_an_operator_token_is_refused(client, db) -> None:
    response = client.get(API, headers=bearer(token_for(db, hub=True)))
    assert response.status_code == 403


def test_a_webhook_is_created_with_its_secret_once_listed_tested_rotated_and_disabled(
    client, db, receiver, manage
) -> None:
    created = client.post(API, json={"kind": "webhook", "url": receiver.url}, headers=manage)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    sid, secret = body["subscription"]["id"], body["secret"]
    assert secret.startswith("whsec_")
    listed = client.get(API, headers=manage).get_json()["items"]
    assert [(i["id"], i["kind"], i["status"]) for i in listed] == [(sid, "webhook", "active")]
    assert "secret" not in listed[0]

    receiver.secrets = [secret]
    tested = client.post(f"{API}/{sid}/test", headers=manage).get_json()
    assert tested["delivered"] is True and tested["status_code"] == 200
    assert receiver.received[-1].verified

    rotated = client.post(f"{API}/{sid}/rotate", headers=manage).get_json()
    assert rotated["secret"] != secret and rotated["previous_valid_until_hours"] == 24
    receiver.secrets = [rotated["secret"]]
    client.post(f"{API}/{sid}/test", headers=manage)
    assert receiver.received[-1].verified

    disabled = client.post(f"{API}/{sid}/disable", headers=manage).get_json()
    assert disabled["status"] == "disabled"
    refused = client.post(f"{API}/{sid}/test", headers=manage)
    assert refused.status_code == 422 and refused.get_json()["code"] == "subscription_refused"
    actions = [r.action for r in audit_rows(db) if r.outcome == "ok"]
    for action in (
        "add_subscription",
        "test_subscription",
        "rotate_subscription_secret",
        "disable_subscription",
    ):
        assert action in actions


def test_a_url_refused_by_the_safe_target_rules_is_a_422_on_the_url(client, db, manage) -> None:
    response = client.post(
        API, json={"kind": "webhook", "url": "http://10.0.0.8/hook"}, headers=manage
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"][0]["field"] == "url"
    assert "private address" in problem["errors"][0]["message"]
    assert _subs(db) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "webhook"}, "url"),
        ({"kind": "mailbox", "url": "http://127.0.0.1/"}, "address"),
        ({"kind": "pigeon", "url": "http://127.0.0.1/"}, "kind"),
        ({"kind": "webhook", "url": "http://127.0.0.1/", "events": ["nope"]}, "events"),
    ],
)
def test_a_body_that_needs_checking_names_its_field(client, db, manage, body, field) -> None:
    response = client.post(API, json=body, headers=manage)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert any(e["field"].startswith(field) for e in response.get_json()["errors"])
    assert _subs(db) == []


def test_a_mailbox_is_created_unconfirmed_and_sent_its_link(client, db, manage) -> None:
    address = "fostering-team@kent.example"
    response = client.post(API, json={"kind": "mailbox", "address": address}, headers=manage)
    assert response.status_code == 201
    body = response.get_json()
    assert body["confirmation_sent"] is True and body["subscription"]["verified"] is False
    assert re.search(r"/mailboxes/confirm/\S+", mails_to(address)[-1])


def test_a_receiver_that_times_out_is_told_in_the_answer(client, db, receiver, manage) -> None:
    sid = client.post(
        API, json={"kind": "webhook", "url": receiver.url}, headers=manage
    ).get_json()["subscription"]["id"]
    release = threading.Event()
    receiver.script = [Reply(hold=release)]
    try:
        body = client.post(f"{API}/{sid}/test", headers=manage).get_json()
    finally:
        release.set()
    assert body["delivered"] is False and body["status_code"] is None
    assert "did not answer within 3 seconds" in body["message"]


@pytest.mark.parametrize("action", ["test", "rotate", "disable"])
def test_another_councils_subscription_is_404_and_audited(client, db, manage, action) -> None:
    medway = resolve_token_scope("Medway", hub_operator=False)
    sid = add_webhook(db, medway, "http://127.0.0.1:9/hook").subscription.id
    response = client.post(f"{API}/{sid}/{action}", headers=manage)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    denied = [r for r in audit_rows(db) if r.outcome == "denied"]
    assert [r.detail.get("subscription_id") for r in denied] == [sid]
    assert _subs(db)[0].status == "active"


def test_the_endpoints_are_in_the_openapi_document(client) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert set(paths[API]) == {"get", "post"}
    for action in ("test", "rotate", "disable"):
        assert "403" in paths[f"{API}/{{subscription_id}}/{action}"]["post"]["responses"]
