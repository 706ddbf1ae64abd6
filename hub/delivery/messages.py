"""What an e-mail says: only what arrived and where to open it, never personal data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.delivery.links import page_link
from hub.geo import find_authority_name


@dataclass(frozen=True, slots=True)
class MailMessage:
    message_id: str  # the delivery's webhook id: the same on every retry and replay
    to: str
    subject: str
    body: str


def _council(code: Any) -> str:
    return find_authority_name(code) or (str(code) if code else "the hub")


# (subject, what to do) for a problem with the enquirers' confirmation e-mails.
_ENQUIRER_MAIL_PROBLEMS = {
    "delivery.failing": (
        "Confirmation e-mails to enquirers are failing",
        "They are queued and nothing is lost; the hub retries one at a time until the mail "
        "relay takes them again. Check the hub's mail settings and the relay.",
    ),
    "delivery.refused": (
        "An enquirer's confirmation e-mail (delivery {delivery_id}) was refused",
        "The mail relay refused the address the enquirer gave (it may be mistyped), so the hub "
        "will not retry it. The enquiry itself went on as usual, and the council has the "
        "enquirer's phone number. Replay it only if the relay, not the address, was at fault.",
    ),
}


def compose_message(message_id: str, to: str, payload: dict[str, Any]) -> MailMessage:
    """Subject and body for one event, from its payload (reference, council, link, counts)."""
    data: dict[str, Any] = payload.get("data", {})
    reference = data.get("reference") or ""
    council = _council(data.get("authority_code"))
    # People open the hub's pages, programs its API: an e-mail links the page that shows what
    # the event's API link returns (a webhook keeps the API link).
    url = page_link(str(data.get("url") or ""))
    subjects = {
        "referral.routed": f"New fostering enquiry {reference} for {council}",
        "referral.returned": f"Fostering enquiry {reference} was returned to the hub by {council}",
        "home_council.notice": (
            f"Fostering enquiry {reference} from your area went to another council: "
            "you must be consulted"
        ),
        "home_council.consultation": (
            f"An application from your area ({reference}) was made to "
            f"{_council(data.get('assessing_council'))}: it will consult you"
        ),
        "triage.added": f"Fostering enquiry {reference} needs triage",
        "clock.breached": f"Fostering enquiry {reference} for {council} is past its deadline",
        "follow_up.due": f"{data.get('count', 0)} fostering follow-ups due for {council}",
        "council.not_ready": (
            f"Fostering enquiry {reference} went to {council}, which no one can receive yet"
        ),
        "referral.withdrawn": f"Fostering enquiry {reference} was withdrawn by the enquirer",
        "referral.contact_changed": (
            f"Fostering enquiry {reference}: the enquirer changed their contact details"
        ),
        "delivery.failing": (
            f"Notifications to subscription {data.get('subscription_id', '')} are failing"
        ),
        "delivery.refused": (
            f"Delivery {data.get('delivery_id', '')} to subscription "
            f"{data.get('subscription_id', '')} was refused"
        ),
    }
    event_type = str(payload.get("type", ""))
    subject = subjects.get(event_type, f"Fostering hub: {event_type}")
    # What the reader of a delivery problem should know; other events need only the link.
    explain = {
        "home_council.consultation": (
            "Someone who lives in your area has applied to foster with another council. "
            "That council must consult you as part of its assessment (Fostering Services "
            "(England) Regulations 2011, regulation 26(1A)(d)) and will send you its request; "
            "it has the applicant's details."
        ),
        "council.not_ready": (
            "The council has no live channel: no one of its team signed in within 30 days, "
            "and it has no working webhook or mailbox. The first-contact clock is running. "
            "Make sure the council receives the referral, and invite its team."
        ),
        "referral.withdrawn": (
            "The enquirer withdrew it through the link in their confirmation e-mail: the "
            "journey records it, the first-contact clock has stopped. Please do not contact "
            "them about this enquiry."
        ),
        "referral.contact_changed": (
            "The enquirer corrected their phone number or e-mail address through the link in "
            "their confirmation e-mail. Open the referral for the details they gave."
        ),
        "delivery.failing": (
            "Deliveries are queued and nothing is lost; the hub retries one at a time until "
            "the receiver answers again. Check the webhook receiver or mailbox, and see the "
            "delivery list in the hub."
        ),
        "delivery.refused": (
            "The receiver refused it for good (a 4xx answer; 410 Gone also disables the "
            "subscription), so the hub will not retry it. Check the receiver, then replay the "
            "delivery from the hub."
        ),
    }
    explained = explain.get(event_type)
    if data.get("kind") == "enquirer" and event_type in _ENQUIRER_MAIL_PROBLEMS:
        # The enquirers' confirmations: the mail relay or the enquirer's address, not a council.
        subject, explained = _ENQUIRER_MAIL_PROBLEMS[event_type]
        subject = subject.format(delivery_id=data.get("delivery_id", ""))
    if explained is not None:
        body = f"{subject}. {explained}\n\n{url}\n"
    else:
        body = f"{subject}: open it in the hub.\n\n{url}\n" if url else f"{subject}.\n"
    return MailMessage(message_id, to, subject, body)
