"""E-mail through a real SMTP server (aiosmtpd) and a local stand-in for Notify's API."""

from __future__ import annotations

import ipaddress
import logging
import ssl
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from config.settings import load_settings
from hub.delivery.events import EventType, emit_event
from hub.delivery.links import page_link
from hub.delivery.messages import compose_message
from hub.delivery.send_delivery import SendOutcome
from tests.delivery.notify_stand_in import NotifyStandIn, running_notify
from tests.delivery.smtp_sink import SmtpSink, authenticator, free_port
from tests.delivery.support import attempt_due, deliveries, mailbox
from tests.support.council import KENT
from tests.support.settings import db_settings


def _event(db) -> None:
    with db.transaction() as session:
        emit_event(
            session,
            EventType.REFERRAL_ROUTED,
            event_key="e",
            reference="FE-7K3M9Q2D",
            authority_code=KENT,
        )


def test_smtp_sends_a_message_with_only_the_reference_and_a_link(db, delivery_env, smtp) -> None:
    sink, port = smtp
    env = {
        **delivery_env,
        "HUB_MAIL_TRANSPORT": "smtp",
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(port),
        "HUB_SMTP_STARTTLS": "false",
        "HUB_SMTP_USERNAME": "hub",
        "HUB_SMTP_PASSWORD": "s3cret",
        "HUB_PUBLIC_BASE_URL": "https://hub.example.gov.uk",
    }
    with db_settings(db, load_settings(env)):
        mailbox(db, KENT, "fostering@kent.example.gov.uk")
        _event(db)
        assert attempt_due(db) == [SendOutcome.DELIVERED]
    (raw,) = sink.messages
    message = message_from_bytes(raw)
    assert message["Subject"] == "New fostering enquiry FE-7K3M9Q2D for Kent"
    assert message["Message-ID"] == f"<{deliveries(db)[0].webhook_id}@fostering-hub>"
    # A person opens the page, not the API (the webhook keeps the API link).
    assert "https://hub.example.gov.uk/council/referrals/FE-7K3M9Q2D\r\n" in raw.decode()


def test_smtp_permanent_refusal_fails_and_a_temporary_one_retries(db, delivery_env, smtp) -> None:
    sink, port = smtp
    env = {
        **delivery_env,
        "HUB_MAIL_TRANSPORT": "smtp",
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(port),
        "HUB_SMTP_STARTTLS": "false",
    }
    with db_settings(db, load_settings(env)):
        mailbox(db, KENT, "fostering@kent.example.gov.uk")
        _event(db)
        sink.refuse_with = "451 Try again later"
        assert attempt_due(db) == [SendOutcome.RETRY]
        sink.refuse_with = "550 No such mailbox"
        assert attempt_due(db) == [SendOutcome.FAILED]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), to stand for the relay's and its CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_smtp_upgrades_with_starttls_and_verifies_the_relay(db, delivery_env, tmp_path) -> None:
    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    sink = SmtpSink()
    port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticator,
    )
    controller.start()
    env = {
        **delivery_env,
        "HUB_MAIL_TRANSPORT": "smtp",
        "HUB_SMTP_HOST": "127.0.0.1",
        "HUB_SMTP_PORT": str(port),
        "HUB_SMTP_USERNAME": "hub",
        "HUB_SMTP_PASSWORD": "s3cret",
    }
    try:
        with db_settings(db, load_settings({**env, "HUB_SMTP_CA_FILE": str(cert)})):
            mailbox(db, KENT, "fostering@kent.example.gov.uk")
            _event(db)
            assert attempt_due(db) == [SendOutcome.DELIVERED]
        assert len(sink.messages) == 1
        with db_settings(db, load_settings(env)):  # the system CAs do not know this relay
            with db.transaction() as session:
                emit_event(session, EventType.REFERRAL_ROUTED, event_key="e2", authority_code=KENT)
            assert attempt_due(db) == [SendOutcome.RETRY]
        assert len(sink.messages) == 1
    finally:
        controller.stop()


@pytest.fixture
def notify() -> Iterator[NotifyStandIn]:
    with running_notify() as stand_in:
        yield stand_in


def test_notify_sends_through_the_template_with_subject_and_body(db, delivery_env, notify) -> None:
    template = str(uuid.uuid4())
    env = {
        **delivery_env,
        "HUB_MAIL_TRANSPORT": "notify",
        "HUB_NOTIFY_API_KEY": f"hub_test-{uuid.uuid4()}-{uuid.uuid4()}",
        "HUB_NOTIFY_BASE_URL": notify.url,
        "HUB_NOTIFY_TEMPLATE_ID": template,
    }
    with db_settings(db, load_settings(env)):
        mailbox(db, KENT, "fostering@kent.example.gov.uk")
        _event(db)
        assert attempt_due(db) == [SendOutcome.DELIVERED]
        (request,) = notify.requests
        assert request["path"] == "/v2/notifications/email"
        assert request["auth"].startswith("Bearer ")
        body = request["body"]
        assert (body["email_address"], body["template_id"]) == (
            "fostering@kent.example.gov.uk",
            template,
        )
        assert body["personalisation"]["subject"] == "New fostering enquiry FE-7K3M9Q2D for Kent"
        assert body["reference"] == deliveries(db)[0].webhook_id


def test_notify_server_errors_are_retried_and_client_errors_are_not(
    db, delivery_env, notify
) -> None:
    env = {
        **delivery_env,
        "HUB_MAIL_TRANSPORT": "notify",
        "HUB_NOTIFY_API_KEY": f"hub_test-{uuid.uuid4()}-{uuid.uuid4()}",
        "HUB_NOTIFY_BASE_URL": notify.url,
        "HUB_NOTIFY_TEMPLATE_ID": str(uuid.uuid4()),
    }
    with db_settings(db, load_settings(env)):
        mailbox(db, KENT, "fostering@kent.example.gov.uk")
        _event(db)
        notify.status = 500
        assert attempt_due(db) == [SendOutcome.RETRY]
        notify.status = 400
        assert attempt_due(db) == [SendOutcome.FAILED]


def test_a_notify_refusal_is_logged_without_its_words(db, delivery_env, notify, caplog) -> None:
    env = {
        **delivery_env,
        "HUB_MAIL_TRANSPORT": "notify",
        "HUB_NOTIFY_API_KEY": f"hub_test-{uuid.uuid4()}-{uuid.uuid4()}",
        "HUB_NOTIFY_BASE_URL": notify.url,
        "HUB_NOTIFY_TEMPLATE_ID": str(uuid.uuid4()),
    }
    address = "fostering@kent.example.gov.uk"
    with db_settings(db, load_settings(env)):
        mailbox(db, KENT, address)
        _event(db)
        notify.status = 400
        notify.answer = {
            "status_code": 400,
            "errors": [{"error": "BadRequestError", "message": f"Can't send to {address}"}],
        }
        with caplog.at_level(logging.DEBUG):
            assert attempt_due(db) == [SendOutcome.FAILED]
    logged = [record.getMessage() for record in caplog.records]
    assert any("failed with 400" in line for line in logged), logged
    assert not [line for line in logged if address in line or "Can't send" in line]


@pytest.mark.parametrize(
    ("api", "page"),
    [
        (
            "https://h.example/v1/council/referrals/FE-7K3M9Q2D",
            "https://h.example/council/referrals/FE-7K3M9Q2D",
        ),
        ("/v1/council/referrals/FE-7K3M9Q2D/journey", "/council/referrals/FE-7K3M9Q2D"),
        ("/v1/council/follow-ups?status=due&due_before=2025-06-04", "/council/follow-ups"),
        ("/v1/council/notices", "/council/notices"),
        ("/v1/ops/enquiries/FE-7K3M9Q2D/decisions", "/ops/triage/FE-7K3M9Q2D"),
        ("/v1/ops/deliveries?status=dead", "/ops/deliveries"),
        ("/v1/ops/clocks?state=breached", "/ops/"),
        ("/v1/enquiries/FE-7K3M9Q2D", "/v1/enquiries/FE-7K3M9Q2D"),  # no page: the link stays
    ],
)
def test_an_email_links_the_page_a_person_opens(api: str, page: str) -> None:
    assert page_link(api) == page


def test_a_refused_delivery_is_not_said_to_be_retried() -> None:
    payload = {"type": "delivery.refused", "data": {"delivery_id": 7, "subscription_id": 3}}
    message = compose_message("msg_1", "ops@hub.example", payload)
    assert message.subject == "Delivery 7 to subscription 3 was refused"
    assert "will not retry" in message.body and "nothing is lost" not in message.body


def test_failing_enquirer_mail_points_at_the_relay_not_a_council_receiver() -> None:
    payload = {"type": "delivery.failing", "data": {"subscription_id": 4, "kind": "enquirer"}}
    message = compose_message("msg_2", "ops@hub.example", payload)
    assert message.subject == "Confirmation e-mails to enquirers are failing"
    assert "nothing is lost" in message.body and "mail settings and the relay" in message.body
    assert "webhook receiver" not in message.body
