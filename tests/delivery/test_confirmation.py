"""The enquirer's confirmation e-mail: once, to their own address, saying what was decided.

Mail is read as the file transport wrote it (``DATA_DIR/mail``), or as a real SMTP server got
it; the suite's personal-data check (conftest) runs after each test as well.
"""

from __future__ import annotations

import json
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from sqlalchemy import select

from config.settings import Settings, load_settings
from hub.delivery.confirmation import EnquirerEvent
from hub.delivery.confirmation_mail import SUBJECT_START
from hub.delivery.models import Delivery, Subscription
from hub.delivery.send_delivery import SendOutcome, send_delivery
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.outbox_model import OutboxMessage
from hub.referrals.route_enquiry import route_enquiry
from tests.delivery.support import attempt_due, deliveries, mailbox, person
from tests.enquiries.factories import EnquiryFactory
from tests.support.council import KENT, KINGSTON, bearer, enquiry_id_of, token_for
from tests.support.readiness import directory_confirming, staff_signed_in
from tests.support.settings import db_settings, use_test_settings

CONFIRMATIONS = Delivery.event_type == str(EnquirerEvent.CONFIRMED)
UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage
WELSH_POSTCODE = "CF10 1EP"  # Cardiff: signposted to Foster Wales


def _enquire(client, db: Database, **overrides: Any) -> tuple[str, dict[str, Any]]:
    """Submit an enquiry (personal data the leak check knows) and route it here."""
    body = person(**overrides)
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 202, response.get_json()
    reference: str = response.get_json()["reference"]
    route_enquiry(db, enquiry_id_of(db, reference))
    return reference, body


def _smtp_settings(delivery_env: dict[str, str], port: int) -> Settings:
    """The delivery settings with mail through the test's SMTP server on ``port``."""
    return load_settings(
        {
            **delivery_env,
            "HUB_MAIL_TRANSPORT": "smtp",
            "HUB_SMTP_HOST": "127.0.0.1",
            "HUB_SMTP_PORT": str(port),
            "HUB_SMTP_STARTTLS": "false",
        }
    )


def _written(settings: Settings) -> list[EmailMessage]:
    found = []
    for path in sorted((Path(settings.data_dir) / "mail").glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def _confirmations(settings: Settings) -> list[EmailMessage]:
    return [m for m in _written(settings) if str(m["Subject"]).startswith(SUBJECT_START)]


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return f"{message['Subject']}\n{body.get_content()}"


def _one_confirmation(settings: Settings, to: str) -> str:
    (message,) = _confirmations(settings)
    assert message["To"] == to
    return _text(message)


def test_a_routed_enquirer_is_told_their_council_when_and_the_phone(
    client, db, settings, tmp_path
) -> None:
    staff_signed_in(db, KENT)  # a ready council that confirmed its target
    confirmed = replace(settings, councils_path=directory_confirming(tmp_path, KENT, 1))
    with use_test_settings(confirmed):
        reference, body = _enquire(client, db)  # ME14 1XQ: Kent, in the South East cluster
    attempt_due(db)
    text = _one_confirmation(settings, body["email"])
    assert f"Your reference is {reference}." in text
    assert "the fostering team of Kent council" in text
    assert "through Local Authority Fostering South East" in text
    assert "within 1 working day (Monday to Friday, not counting bank holidays)" in text
    assert "call Local Authority Fostering South East on 0300 131 2797" in text
    assert "Asking about fostering does not commit you to anything." in text


def test_a_ready_council_without_a_confirmed_target_is_given_no_time(client, db, settings) -> None:
    staff_signed_in(db, KENT)
    reference, body = _enquire(client, db)
    attempt_due(db)
    text = _one_confirmation(settings, body["email"])
    assert f"Your fostering enquiry {reference} has gone to Kent council" in text
    assert "working day" not in text
    assert "Their team will contact you to talk about fostering" in text
    assert "within a week, call Local Authority Fostering South East on 0300 131 2797" in text


def test_a_council_that_is_not_ready_is_not_promised_in_the_email(client, db, settings) -> None:
    reference, body = _enquire(client, db)  # Kent with no live channel
    attempt_due(db)
    text = _one_confirmation(settings, body["email"])
    assert f"Your fostering enquiry {reference} is going to Kent council" in text
    assert "not yet receiving enquiries through this service" in text
    assert "We cannot yet say when they will contact you." in text
    assert "working day" not in text and "will contact you to talk" not in text


def test_an_enquirer_in_triage_is_told_our_team_will_find_the_council(client, db, settings) -> None:
    reference, body = _enquire(client, db, postcode=UNKNOWN_POSTCODE)
    attempt_due(db)
    text = _one_confirmation(settings, body["email"])
    assert reference in text
    assert "Our team at the fostering recruitment hub will find the right council" in text
    assert "working day" not in text and " on 0" not in text  # no time or number promised
    assert "Asking about fostering does not commit you to anything." in text


def test_a_welsh_enquirer_is_signposted_and_never_promised_a_call(client, db, settings) -> None:
    reference, body = _enquire(client, db, postcode=WELSH_POSTCODE)
    attempt_due(db)
    text = _one_confirmation(settings, body["email"])
    assert reference in text
    assert "We have not passed on your enquiry." in text
    assert "Go to Foster Wales: https://" in text
    assert "nobody from this service will contact you" in text
    for promise in ("aim to contact", "who will contact you", "working day", "fostering team of"):
        assert promise not in text


def test_an_enquiry_without_an_email_address_is_sent_nothing(client, db, settings) -> None:
    enquiry = EnquiryFactory(db=db, personal={"given_name": "Sam", "postcode": "ME14 1XQ"})
    assert route_enquiry(db, enquiry.id).status == "routed"
    assert deliveries(db, CONFIRMATIONS) == []
    attempt_due(db)
    assert _confirmations(settings) == []


def test_triage_then_a_council_by_hand_sends_one_email_of_the_first_decision(
    client, db, settings
) -> None:
    reference, body = _enquire(client, db, postcode=UNKNOWN_POSTCODE)
    attempt_due(db)
    response = client.post(
        f"/v1/ops/enquiries/{reference}/route",
        json={"authority": KINGSTON, "reason": "Moving to Kingston next month"},
        headers=bearer(token_for(db, hub=True)),
    )
    assert response.status_code == 200, response.get_json()
    attempt_due(db)
    assert len(deliveries(db, CONFIRMATIONS)) == 1
    text = _one_confirmation(settings, body["email"])
    assert "will find the right council" in text and "Kingston" not in text


def test_a_transport_failure_is_retried_and_the_email_arrives_once(
    db, client, delivery_env, smtp
) -> None:
    sink, port = smtp
    with db_settings(db, _smtp_settings(delivery_env, port)):
        reference, body = _enquire(client, db)
        sink.refuse_with = "451 Try again later"
        assert attempt_due(db) == [SendOutcome.RETRY]
        sink.refuse_with = None
        assert attempt_due(db) == [SendOutcome.DELIVERED]
        (row,) = deliveries(db, CONFIRMATIONS)
        assert send_delivery(db, row.id) is SendOutcome.SKIPPED  # a duplicate task: no-op
        assert attempt_due(db) == []
    (raw,) = sink.messages
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["To"] == body["email"] and reference in str(message["Subject"])
    assert message["Message-ID"] == f"<{row.webhook_id}@fostering-hub>"
    assert (row.status, row.attempts) == ("delivered", 2)


def test_a_refused_address_is_not_retried_and_operators_are_told_what_it_means(
    db, client, delivery_env, smtp
) -> None:
    sink, port = smtp
    with db_settings(db, _smtp_settings(delivery_env, port)):
        ops = mailbox(db, None, "ops@hub.example.gov.uk", "delivery.refused")
        _enquire(client, db)
        sink.refuse_with = "550 No such user here"
        assert attempt_due(db) == [SendOutcome.FAILED]  # a refused address: never retried
        sink.refuse_with = None
        assert attempt_due(db) == [SendOutcome.DELIVERED]  # the operators' e-mail
        ((row,), (told,)) = (
            deliveries(db, CONFIRMATIONS),
            deliveries(db, Delivery.subscription_id == ops.id),
        )
    assert row.status == "failed" and told.event_type == "delivery.refused"
    (raw,) = sink.messages
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["To"] == "ops@hub.example.gov.uk"
    assert (
        message["Subject"] == f"An enquirer's confirmation e-mail (delivery {row.id}) was refused"
    )
    text = _text(message)
    assert "may be mistyped" in text and "council has the enquirer's phone number" in text
    assert "Check the receiver" not in text  # the words for a council's receiver do not fit


def test_the_address_is_stored_nowhere_new_and_read_when_sending(client, db, settings) -> None:
    _, body = _enquire(client, db)
    address = body["email"]
    with db.sessions() as s:
        rows = [
            *(json.dumps(r.__dict__, default=str) for r in s.scalars(select(Delivery))),
            *(json.dumps(r.__dict__, default=str) for r in s.scalars(select(Subscription))),
            *(json.dumps(r.__dict__, default=str) for r in s.scalars(select(OutboxMessage))),
        ]
    assert any(EnquirerEvent.CONFIRMED in row for row in rows)
    assert not [row for row in rows if address in row]


def test_an_enquiry_anonymised_before_sending_is_not_emailed(client, db, settings) -> None:
    reference, _ = _enquire(client, db)
    with db.transaction() as s:
        enquiry = s.scalars(select(Enquiry).where(Enquiry.reference == reference)).one()
        enquiry.personal = {"postcode": "ME14", "anonymised": True}
    assert attempt_due(db) == [SendOutcome.SKIPPED]
    (row,) = deliveries(db, CONFIRMATIONS)
    assert (row.status, row.last_error) == ("failed", "the enquiry has no address")
    assert _confirmations(settings) == []


def test_the_email_names_nothing_else_of_the_enquirer(client, db, settings) -> None:
    _, body = _enquire(
        client,
        db,
        message="We have a spare room near the Medway bridge",
        special_category={"ethnicity": "Cornish", "disability": "Asthma"},
    )
    attempt_due(db)
    text = _one_confirmation(settings, body["email"]).lower()
    for value in (
        body["given_name"],
        body["family_name"],
        body["email"],
        "07911 123456",
        "7911123456",
        "ME14 1XQ",
        "ME141XQ",
        "spare room",
        "Cornish",
        "Asthma",
    ):
        assert value.lower() not in text


def test_the_confirmation_carries_the_enquirers_own_link_and_when_it_ends(
    client, db, settings
) -> None:
    reference, body = _enquire(client, db)
    attempt_due(db)
    text = _one_confirmation(settings, body["email"])
    (link,) = [line for line in text.splitlines() if "/your-enquiry/link/" in line]
    assert reference not in link and body["email"] not in link
    assert "You can withdraw your enquiry, correct your phone number or e-mail address" in text
    assert "with this link until" in text


def test_a_signposted_enquirer_is_given_no_link(client, db, settings) -> None:
    _, body = _enquire(client, db, postcode=WELSH_POSTCODE)
    attempt_due(db)
    assert "/your-enquiry/" not in _one_confirmation(settings, body["email"])
