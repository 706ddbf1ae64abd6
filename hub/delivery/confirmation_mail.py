"""The words of the enquirer's e-mails, from the facts their delivery rows hold: the
confirmation, the note that another council now has the enquiry (after a transfer), and the
note that the hub's team closed it (not about fostering, or withdrawn at their request).

Plain and kind, for someone anxious reading on a phone: the reference, what happens next (and
when, only where the council confirmed a time), who to call if nothing happens, and that
asking commits them to nothing. ``routed_next_steps`` is also what the confirmation page says,
from the same facts (``hub.enquiries.enquirer_outcome``), nothing else: no name, answers or
address.
Someone signposted (Wales, Scotland, Northern Ireland) is never promised a call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from hub.delivery.messages import MailMessage
from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus


class ManageLink(NamedTuple):
    """The enquirer's link in a confirmation e-mail, and when it stops working."""

    url: str
    expires_at: datetime


# Every confirmation's subject starts so (council mail never does).
SUBJECT_START = "Your fostering enquiry"
NO_COMMITMENT = "Asking about fostering does not commit you to anything."
# The payload type of a transfer's e-mail (``hub.delivery.confirmation.EnquirerEvent``).
TRANSFERRED = "enquiry.transferred"
# The payload type of a closure's e-mail, and the words for each closure reason that is
# e-mailed (the triage room's codes; a reason not here is never e-mailed).
CLOSED = "enquiry.closed"
# GOV.UK's own services for what people most often mean when a message is not about
# fostering: their council, adoption, a worry about a child.
FIND_COUNCIL = "https://www.gov.uk/find-local-council"
ADOPTION = "https://www.gov.uk/child-adoption"
REPORT_CHILD_ABUSE = "https://www.gov.uk/report-child-abuse-to-local-council"
CLOSURE_WORDS: dict[str, tuple[str, list[str]]] = {
    "not_about_fostering": (
        "is not one we can help with",
        [
            "Thank you for getting in touch. This service passes on enquiries from people who "
            "are thinking about fostering in England to the right council's fostering team. "
            "Your message does not seem to be about fostering, so we have not passed it on.",
            f"If you want to ask your council about something else, you can find it at "
            f"{FIND_COUNCIL}. If you are thinking about adopting a child: {ADOPTION}",
            f"If you are worried about a child, tell the council where the child lives: "
            f"{REPORT_CHILD_ABUSE}. If a child is in immediate danger, call 999.",
        ],
    ),
    "withdrawn": (
        "is closed, as you asked",
        [
            "We have closed your enquiry as you asked, and we have not passed it to a "
            "council's fostering team. Nobody from this service will contact you about it.",
        ],
    ),
}


def _days(days: int) -> str:
    return f"{days} working day{'' if days == 1 else 's'}"


def _reach(outcome: EnquirerOutcome) -> str | None:
    """How to reach the council or its hub, from the directory's sourced contact, or None."""
    who = outcome.contact_name or "the fostering team"
    if outcome.phone and outcome.web:
        return f"call {who} on {outcome.phone} or go to {outcome.web}"
    if outcome.phone:
        return f"call {who} on {outcome.phone}"
    if outcome.web:
        return f"go to {outcome.web} ({who})"
    return None


def routed_next_steps(outcome: EnquirerOutcome) -> list[str]:
    """What happens next for a routed enquiry, in the words the page and the e-mail share.

    A first-contact time only when the council (or its hub) confirmed it; no call promised by
    a council that could not receive the referral when it was routed.
    """
    council = f"{outcome.council} council" if outcome.council else "a council"
    sent = f"We have sent your enquiry to the fostering team of {council}"
    if outcome.delivery_body and outcome.delivery_body != outcome.council:
        sent += f", whose children's services are run by {outcome.delivery_body}"
    if outcome.hub:
        sent += (
            f", through {outcome.hub}"
            if outcome.through_hub
            else f", one of the councils of {outcome.hub}"
        )
    paragraphs = [sent + "."]
    if outcome.connected_person:
        paragraphs += connected_person_steps(outcome, council)
    reach = _reach(outcome)
    own_site = f"contact the fostering team of {council} through the council's own website"
    if outcome.council_ready is False:
        paragraphs.append(
            f"The fostering team of {council} is not yet receiving enquiries through this "
            "service, so our team at the fostering recruitment hub has been told and is making "
            "sure they receive yours. We cannot yet say when they will contact you."
        )
        paragraphs.append(
            f"If you have not heard from anyone within a week, {reach or own_site} and give "
            "your reference."
        )
    elif outcome.first_contact_days:
        paragraphs.append(
            f"They aim to contact you within {_days(outcome.first_contact_days)} (Monday to "
            "Friday, not counting bank holidays) to talk about fostering and answer your "
            "questions."
        )
        if reach:
            paragraphs.append(f"If you have questions before then, {reach}.")
    else:
        paragraphs.append(
            "Their team will contact you to talk about fostering and answer your questions."
        )
        paragraphs.append(
            f"If you have not heard from them within a week, {reach or own_site} and give "
            "your reference."
        )
    return paragraphs


def connected_person_steps(outcome: EnquirerOutcome, council: str) -> list[str]:
    """Why a connected person's enquiry went where it did, and what is true of what follows.

    No time and no outcome is promised: the council decides how it assesses family and
    friends (docs/kinship.md says what is law and what is practice).
    """
    if outcome.child_council:
        why = (
            f"You told us you want to care for a child you already know. The child's council "
            f"is {outcome.child_council}; enquiries like yours for it are taken by the "
            f"fostering team of {council}."
        )
    else:
        why = (
            "You told us you want to care for a child you already know, so we sent your "
            f"enquiry to the child's council, {council}, not the council where you live: the "
            "council responsible for a child is usually the one that assesses family and friends "
            "who want to care for them."
        )
    return [
        why,
        "When they contact you, they will ask about you and the child, and explain how they "
        "assess family members and friends and the support they offer. Every council in "
        "England publishes what it offers kinship carers (its kinship local offer).",
        "If another council's social workers are already involved with the child, tell the "
        "team when they contact you: they can pass your enquiry to that council.",
    ]


def _routed(outcome: EnquirerOutcome) -> tuple[str, list[str]]:
    council = f"{outcome.council} council" if outcome.council else "a council"
    verb = "is going to" if outcome.council_ready is False else "has gone to"
    return f"{SUBJECT_START} {outcome.reference} {verb} {council}", routed_next_steps(outcome)


def _triage(outcome: EnquirerOutcome) -> tuple[str, list[str]]:
    return f"{SUBJECT_START} {outcome.reference} has arrived", [
        "Our team at the fostering recruitment hub will find the right council's fostering "
        "team for your enquiry. This can happen when a postcode covers more than one council, "
        "when we could not find the postcode in our list, or when the council you chose cannot "
        "take enquiries from where you live.",
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


def compose_closed(message_id: str, to: str, payload: dict[str, Any]) -> MailMessage:
    """The hub's team closed the enquiry: why, kindly, and where to go instead."""
    data: dict[str, Any] = payload.get("data", {})
    reference = str(data["reference"])
    ending, paragraphs = CLOSURE_WORDS[str(data["reason"])]
    body = [f"Your reference is {reference}.", *paragraphs]
    if data.get("start_url"):
        body.append(
            "If you are thinking about fostering, you are welcome to send an enquiry at any "
            f"time: {data['start_url']}"
        )
    if data.get("url"):
        body.append(f"How we use your information: {data['url']}")
    subject = f"{SUBJECT_START} {reference} {ending}"
    return MailMessage(message_id, to, subject, "\n\n".join(body) + "\n")


def compose_enquirer_mail(
    message_id: str, to: str, payload: dict[str, Any], *, manage_url: ManageLink | None = None
) -> MailMessage:
    """The enquirer's e-mail for its payload's type (a transfer, a closure, else the
    confirmation)."""
    if payload.get("type") == TRANSFERRED:
        return compose_transferred(message_id, to, payload)
    if payload.get("type") == CLOSED:
        return compose_closed(message_id, to, payload)
    return compose_confirmation(message_id, to, payload, manage_url=manage_url)


def manage_paragraphs(link: ManageLink) -> list[str]:
    """What the enquirer's link lets them do, until when, and the link."""
    until = f"{link.expires_at.day} {link.expires_at:%B %Y}"
    return [
        "Changed your mind, or your phone number or e-mail address?",
        "You can withdraw your enquiry, correct your phone number or e-mail address, or ask "
        f"us not to keep in touch, with this link until {until}. It is for you only: please "
        "do not share it.",
        link.url,
    ]


def compose_confirmation(
    message_id: str, to: str, payload: dict[str, Any], *, manage_url: ManageLink | None = None
) -> MailMessage:
    """The confirmation for the decision its payload describes, addressed to ``to``.

    ``manage_url``, the enquirer's link, is signed by the sender when it sends (never stored
    in the delivery's row)."""
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
        if manage_url:
            paragraphs.extend(manage_paragraphs(manage_url))
    if data.get("url"):
        paragraphs.append(f"How we use your information: {data['url']}")
    return MailMessage(message_id, to, subject, "\n\n".join(paragraphs) + "\n")
