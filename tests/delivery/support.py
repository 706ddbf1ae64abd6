"""Helpers for delivery tests: enquirers with known personal data, subscribers, attempts."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from hub.access.manage_tokens import resolve_token_scope
from hub.delivery.confirmation import EnquirerEvent
from hub.delivery.manage_subscriptions import NewWebhook, add_mailbox, add_webhook
from hub.delivery.models import Delivery, Subscription
from hub.delivery.send_delivery import SendOutcome, send_delivery
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.route_enquiry import route_enquiry
from tests.delivery.capture import record_submitted
from tests.intake.factories import enquiry_body
from tests.support.council import enquiry_id_of

_serial = itertools.count(1)

# Deliveries to councils and operators: leaves out each enquirer's own confirmation e-mail.
NOT_TO_ENQUIRERS = Delivery.event_type.not_in([str(event) for event in EnquirerEvent])


def person(**overrides: Any) -> dict[str, Any]:
    """An enquiry whose name, e-mail and phone are easy to find if they ever leak."""
    n = next(_serial)
    known = {
        "given_name": "Zephyrine",
        "family_name": f"Quillfeather{n}",
        "email": f"zephyrine.quillfeather{n}@example.org",
        "phone": "07911 123456",
    }
    body = enquiry_body(**{**known, **overrides})
    record_submitted(body)
    return body


def routed_person(client: FlaskClient, db: Database, **overrides: Any) -> str:
    """Submit an enquiry and route it in this process (ME14 1XQ: Kent)."""
    response = client.post("/v1/enquiries", json=person(**overrides))
    assert response.status_code == 202, response.get_json()
    reference: str = response.get_json()["reference"]
    route_enquiry(db, enquiry_id_of(db, reference))
    return reference


def webhook(
    db: Database, owner: str | None, url: str, *events: str, receiver: Any = None
) -> NewWebhook:
    made = add_webhook(db, resolve_token_scope(owner, hub_operator=owner is None), url, events)
    if receiver is not None:
        receiver.secrets.append(made.secret)
    return made


def mailbox(db: Database, owner: str | None, address: str, *events: str) -> Subscription:
    return add_mailbox(db, resolve_token_scope(owner, hub_operator=owner is None), address, events)


def deliveries(db: Database, *where: Any) -> list[Delivery]:
    with db.sessions() as s:
        return list(s.scalars(select(Delivery).where(*where).order_by(Delivery.id)))


def delivery(db: Database, delivery_id: int) -> Delivery:
    with db.sessions() as s:
        found = s.get(Delivery, delivery_id)
        assert found is not None
        return found


def subscription(db: Database, subscription_id: int) -> Subscription:
    with db.sessions() as s:
        found = s.get(Subscription, subscription_id)
        assert found is not None
        return found


def attempt_due(db: Database, *, rounds: int = 1) -> list[SendOutcome]:
    """Act as the worker: one attempt at each pending delivery that is due, ``rounds`` times."""
    outcomes: list[SendOutcome] = []
    for _ in range(rounds):
        due = [
            d.id
            for d in deliveries(db, Delivery.status == "pending")
            if d.next_attempt_at <= utcnow()
        ]
        if not due:
            break
        outcomes.extend(send_delivery(db, delivery_id) for delivery_id in due)
    return outcomes
