"""The confirmation text: through Notify's SMS API (a local stand-in), only to people who
prefer a call or a text and gave a mobile number, with the reference and the council only;
and Notify's delivery receipts recorded on the delivery."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from config.settings import load_settings
from hub.delivery.confirmation import EnquirerEvent
from hub.delivery.models import Delivery
from hub.delivery.send_delivery import SendOutcome
from tests.delivery.notify_stand_in import NotifyStandIn, running_notify
from tests.delivery.support import attempt_due, deliveries, routed_person
from tests.support.settings import db_settings

TEXTS = Delivery.event_type == str(EnquirerEvent.TEXTED)
CALLBACK_TOKEN = "callback-" + "x" * 24


@pytest.fixture
def notify() -> Iterator[NotifyStandIn]:
    with running_notify() as stand_in:
        yield stand_in


def _texting(delivery_env: dict[str, str], notify: NotifyStandIn, **extra: str) -> Any:
    return load_settings(
        {
            **delivery_env,
            "HUB_NOTIFY_API_KEY": f"hub_test-{uuid.uuid4()}-{uuid.uuid4()}",
            "HUB_NOTIFY_BASE_URL": notify.url,
            "HUB_NOTIFY_SMS_TEMPLATE_ID": str(uuid.uuid4()),
            "HUB_NOTIFY_CALLBACK_TOKEN": CALLBACK_TOKEN,
            **extra,
        }
    )


def _texts(notify: NotifyStandIn) -> list[dict[str, Any]]:
    return [r for r in notify.requests if r["path"] == "/v2/notifications/sms"]


def test_someone_who_prefers_a_text_gets_one_with_the_reference_and_the_council_only(
    client, db, delivery_env, notify
) -> None:
    settings = _texting(delivery_env, notify)
    with db_settings(db, settings):
        reference = routed_person(client, db, preferred_contact="text")
        assert SendOutcome.DELIVERED in attempt_due(db)
    (request,) = _texts(notify)
    body = request["body"]
    assert body["phone_number"] == "+447911123456"
    assert body["template_id"] == settings.notify_sms_template_id
    assert body["personalisation"] == {
        "body": f"Your fostering enquiry {reference} has gone to the fostering team of Kent "
        "council. Give this reference if you contact them."
    }
    (row,) = deliveries(db, TEXTS)
    assert body["reference"] == row.webhook_id and row.status == "delivered"


@pytest.mark.parametrize(
    ("preferred", "phone"),
    [("email", "07911 123456"), ("phone", "020 7946 0000"), ("either", "07911 123456")],
)
def test_no_text_for_other_ways_of_contact_or_a_landline(
    client, db, delivery_env, notify, preferred: str, phone: str
) -> None:
    with db_settings(db, _texting(delivery_env, notify)):
        routed_person(client, db, preferred_contact=preferred, phone=phone)
        attempt_due(db)
    assert deliveries(db, TEXTS) == [] and _texts(notify) == []


def test_no_text_where_notify_texts_are_not_configured(client, db, delivery_env, notify) -> None:
    routed_person(client, db, preferred_contact="text")
    attempt_due(db)
    assert deliveries(db, TEXTS) == [] and _texts(notify) == []


def test_a_notify_server_error_is_retried_and_the_text_goes_once(
    client, db, delivery_env, notify
) -> None:
    with db_settings(db, _texting(delivery_env, notify)):
        routed_person(client, db, preferred_contact="phone")
        notify.status = 500
        assert SendOutcome.RETRY in attempt_due(db)
        notify.status = 201
        assert SendOutcome.DELIVERED in attempt_due(db)
    (row,) = deliveries(db, TEXTS)
    assert (row.status, row.attempts) == ("delivered", 2)


def _receipt(row: Delivery, status: str, completed_at: str) -> dict[str, str]:
    return {
        "id": str(uuid.uuid4()),
        "reference": row.webhook_id,
        "to": "+447911123456",
        "status": status,
        "created_at": "2026-12-03T10:00:00.000000Z",
        "completed_at": completed_at,
        "sent_at": "2026-12-03T10:00:01.000000Z",
        "notification_type": "sms",
    }


def test_notify_receipts_are_recorded_on_the_delivery_newest_wins(
    db, delivery_env, notify, client, app
) -> None:
    with db_settings(db, _texting(delivery_env, notify)):
        routed_person(client, db, preferred_contact="text")
        attempt_due(db)
        (row,) = deliveries(db, TEXTS)
        app.config["HUB_SETTINGS"] = _texting(delivery_env, notify)
        auth = {"Authorization": f"Bearer {CALLBACK_TOKEN}"}
        later = _receipt(row, "permanent-failure", "2026-12-03T10:05:00.000000Z")
        assert (
            client.post("/v1/notify/delivery-status", json=later, headers=auth).status_code == 204
        )
        earlier = _receipt(row, "delivered", "2026-12-03T10:01:00.000000Z")
        assert (
            client.post("/v1/notify/delivery-status", json=earlier, headers=auth).status_code == 204
        )
    (stored,) = deliveries(db, TEXTS)
    assert stored.provider_status == "permanent-failure"
    assert stored.provider_id == later["id"]


def test_a_receipt_without_the_bearer_token_or_for_no_message_is_refused(
    db, delivery_env, notify, client, app
) -> None:
    app.config["HUB_SETTINGS"] = _texting(delivery_env, notify)
    receipt = {
        "id": str(uuid.uuid4()),
        "reference": "msg_unknown",
        "status": "delivered",
        "completed_at": "2026-12-03T10:01:00Z",
    }
    wrong = client.post(
        "/v1/notify/delivery-status", json=receipt, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    assert wrong.headers["Content-Type"] == "application/problem+json"
    auth = {"Authorization": f"Bearer {CALLBACK_TOKEN}"}
    unknown = client.post("/v1/notify/delivery-status", json=receipt, headers=auth)
    assert unknown.status_code == 404
    bad = client.post(
        "/v1/notify/delivery-status", json={**receipt, "status": "lost"}, headers=auth
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "status"


def test_the_callback_is_not_there_without_its_token_configured(client) -> None:
    answer = client.post(
        "/v1/notify/delivery-status", json={}, headers={"Authorization": "Bearer anything"}
    )
    assert answer.status_code == 404
