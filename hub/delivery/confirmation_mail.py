"""The words of the enquirer's e-mails, from the facts their delivery rows hold: the
confirmation, and the note that another council now has the enquiry (after a transfer).

Plain and kind, for someone anxious reading on a phone: the reference, what happens next and
when, who will contact them, and that asking commits them to nothing. The same facts as the
confirmation page (``hub.enquiries.enquirer_outcome``), nothing else: no name, answers or address.
Someone signposted (Wales, Scotland, Northern Ireland) is never promised a call.
"""

from __future__ import annotations

from typing import Any

from hub.delivery.messages import MailMessage
from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus

# Every confirmation's subject starts so (council mail never does).
SUBJECT_START = "Your fostering enquiry"
NO_COMMITMENT = "Asking about fostering does not commit you to anything."
# The payload type of a transfer's e-mail (``hub.delivery.confirmation.EnquirerEvent``).
TRANSFERRED = "enquiry.transferred"


def _days(days: int) -> str:
    return f"{days} working day{'' if days == 1 else 's'}"


def _routed(outcome: EnquirerOutcome) -> tuple[str, list[str]]:
    council = f"{outcome.council} council" if outcome.council else "a council"
    sent = f"We have sent your enquiry to the fostering team of {council}"
    if outcome.delivery_body and outcome.delivery_body != outcome.council:
        sent += f", whose children's services are run by {outcome.delivery_body}"
    if outcome.cluster:
        sent += f", through {outcome.cluster}"
    paragraphs = [sent + "."]
    if outcome.first_contact_days:
        paragraphs.append(
            f"They aim to contact you within {_days(outcome.first_contact_days)} (Monday to "
            "Friday, not counting bank holidays) to talk about fostering and answer your "
            "questions."
        )
    else:
        paragraphs.append(
            "They will contact you to talk about fostering and answer your questions."
        )
    if outcome.phone:
        paragraphs.append(
            f"If you have questions before then, call {outcome.cluster or 'the team'} on "
            f"{outcome.phone}."
        )
    return f"{SUBJECT_START} {outcome.reference} has gone to {council}", paragraphs


def _triage(outcome: EnquirerOutcome) -> tuple[str, list[str]]:
    return f"{SUBJECT_START} {outcome.reference} has arrived", [
        "Our team at the fostering recruitment hub will find the right council's fostering "
        "team for your enquiry. This can happen when a postcode covers more than one council, "
        "or we could not find the postcode in our list.",
        "Once they have checked, they will pass your enquiry to that council's fostering team, "
        "who will contact you, or contact you themselves if they need to know more. We will "
        "not e-mail you again about it.",
    ]


def _signposted(outcome: EnquirerOutcome) -> tuple[str, list[str]]:
    signpost = outcome.signpost or {}
    name = signpost.get("name")
    subject = f"{SUBJECT_START} {outcome.reference}" + (f": contact {name} instead" if name else "")
    paragraphs = ["We have not passed on your enquiry."]
    if signpost.get("text"):
        paragraphs.append(signpost["text"])
    if name and signpost.get("url"):
        paragraphs.append(f"Go to {name}: {signpost['url']}")
    paragraphs.append(
        "Fostering councils in England can only take enquiries from people who live in "
        "England, so nobody from this service will contact you."
    )
    return subject, paragraphs


def _contact(outcome: EnquirerOutcome) -> str | None:
    """Who to call with questions, from the rules file's contacts only (never invented)."""
    if outcome.phone:
        return f"If you have questions, call {outcome.cluster or 'the team'} on {outcome.phone}."
    return None


def compose_transferred(message_id: str, to: str, payload: dict[str, Any]) -> MailMessage:
    """Another council's fostering team has the enquiry now: which, and how to reach it."""
    data: dict[str, Any] = payload.get("data", {})
    outcome = EnquirerOutcome.from_data(data["outcome"])
    council = f"{outcome.council} council" if outcome.council else "another council"
    moved = f"The fostering team of {data.get('from_council') or 'the council'} council"
    moved += f" has passed your enquiry to the fostering team of {council}"
    if outcome.delivery_body and outcome.delivery_body != outcome.council:
        moved += f", whose children's services are run by {outcome.delivery_body}"
    if outcome.cluster:
        moved += f", through {outcome.cluster}"
    paragraphs = [
        f"Your reference is still {outcome.reference}. Give it if you contact a fostering "
        "team about your enquiry.",
        "Who has your enquiry now",
        moved + ".",
        f"The team at {council} will contact you to talk about fostering and answer your "
        "questions. You do not need to do anything.",
    ]
    contact = _contact(outcome)
    if contact:
        paragraphs.append(contact)
    paragraphs.append(NO_COMMITMENT)
    if data.get("url"):
        paragraphs.append(f"How we use your information: {data['url']}")
    subject = f"{SUBJECT_START} {outcome.reference} is now with {council}"
    return MailMessage(message_id, to, subject, "\n\n".join(paragraphs) + "\n")


def compose_enquirer_mail(message_id: str, to: str, payload: dict[str, Any]) -> MailMessage:
    """The enquirer's e-mail for its payload's type (a transfer, else the confirmation)."""
    if payload.get("type") == TRANSFERRED:
        return compose_transferred(message_id, to, payload)
    return compose_confirmation(message_id, to, payload)


def compose_confirmation(message_id: str, to: str, payload: dict[str, Any]) -> MailMessage:
    """The confirmation for the decision its payload describes, addressed to ``to``."""
    data: dict[str, Any] = payload.get("data", {})
    outcome = EnquirerOutcome.from_data(data["outcome"])
    reference = (
        f"Your reference is {outcome.reference}. Keep this e-mail, and give the reference if "
        "you contact a fostering team about your enquiry."
    )
    if outcome.status is OutcomeStatus.SIGNPOSTED:
        subject, next_steps = _signposted(outcome)
        paragraphs = [
            "Thank you for asking about fostering.",
            f"Your reference is {outcome.reference}.",
            *next_steps,
        ]
    else:
        subject, next_steps = (
            _routed(outcome) if outcome.status is OutcomeStatus.ROUTED else _triage(outcome)
        )
        paragraphs = [
            "Thank you for asking about fostering.",
            reference,
            "What happens next",
            *next_steps,
            NO_COMMITMENT,
        ]
    if data.get("url"):
        paragraphs.append(f"How we use your information: {data['url']}")
    return MailMessage(message_id, to, subject, "\n\n".join(paragraphs) + "\n")
