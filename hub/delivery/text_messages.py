"""The confirmation text message, and sending it through GOV.UK Notify's SMS API.

For someone who would rather be called or texted and gave a mobile number: the text holds the
reference and the name of the council that has the enquiry, nothing else (no name, no
answers, no link: a phone's lock screen shows it to whoever picks the phone up). Sent with
the same client as the ``notify`` mail transport (``hub.delivery.mail_transports``), to one
text template whose whole content is ``((body))`` (``HUB_NOTIFY_SMS_TEMPLATE_ID``); the
delivery's ``webhook_id`` is Notify's ``reference``, so Notify's delivery-status callback
finds the delivery again (``hub.delivery.provider_status``).
"""

from __future__ import annotations

from typing import Any

import structlog
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from config.settings import Settings
from hub.delivery.attempts import AttemptOutcome, AttemptResult, outcome_for_status
from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus

log = structlog.get_logger(__name__)

# The payload type of a confirmation text (``hub.delivery.confirmation.EnquirerEvent``).
TEXTED_CONFIRMATION = "enquiry.confirmed_by_text"


def compose_confirmation_text(payload: dict[str, Any]) -> str:
    """The text for the decision its payload describes: the reference and the council."""
    outcome = EnquirerOutcome.from_data(payload.get("data", {})["outcome"])
    if outcome.status is OutcomeStatus.ROUTED and outcome.council:
        return (
            f"Your fostering enquiry {outcome.reference} has gone to the fostering team of "
            f"{outcome.council} council. Give this reference if you contact them."
        )
    return (
        f"Your fostering enquiry {outcome.reference} has arrived. We will pass it to the right "
        "council's fostering team. Give this reference if you contact them."
    )


def send_text(settings: Settings, message_id: str, to: str, body: str) -> AttemptResult:
    """Send one text through Notify and say how it went (Notify accepting it is delivered
    here; what the phone network did comes later, by Notify's callback)."""
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
        settings.notify_api_key,
        base_url=settings.notify_base_url,
        timeout=int(settings.webhook_connect_timeout + settings.webhook_read_timeout),
    )
    try:
        client.send_sms_notification(  # type: ignore[no-untyped-call]
            phone_number=to,
            template_id=settings.notify_sms_template_id,
            personalisation={"body": body},
            reference=message_id,
        )
    except APIError as exc:
        code = int(exc.status_code)
        log.warning("notify_text_failed", status_code=code)
        retry = outcome_for_status(code) is AttemptOutcome.RETRY
        outcome = AttemptOutcome.RETRY if retry else AttemptOutcome.FAILED
        return AttemptResult(outcome, status_code=code, error=f"Notify {code}")
    return AttemptResult(AttemptOutcome.DELIVERED, status_code=201)
