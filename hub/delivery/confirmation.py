"""The enquirer's e-mails: the confirmation (one per enquiry), when a council transfers the
referral, who has it now (one per transfer), and when the hub's team closes it from triage for
a reason the enquirer should hear (one per closure); and the confirmation text, through GOV.UK
Notify, for someone who prefers a call or a text and gave a mobile number. The address or
number is read at send time.

The confirmation of an enquiry a council or the hub's team will act on carries the enquirer's
link (``hub.enquiries.enquirer_links``): made here with the e-mail's row, signed by the sender.

The e-mail goes through the same delivery rows as council mail (retries with backoff, dead
letters, replay, the lease that survives a killed worker), to the one subscription of kind
``enquirer``. Its row holds the reference and the facts the enquirer is given, never the
address: the sender reads that from the (encrypted) enquiry when it makes an attempt, so an
enquiry anonymised meanwhile is not e-mailed.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from hub.delivery.confirmation_mail import CLOSED as CLOSED_MAIL
from hub.delivery.confirmation_mail import CLOSURE_WORDS, ManageLink
from hub.delivery.confirmation_mail import TRANSFERRED as TRANSFERRED_MAIL
from hub.delivery.events import write_deliveries
from hub.delivery.links import page_path, public_url
from hub.delivery.models import Delivery, SubscriptionStatus
from hub.delivery.queries import find_or_add_enquirer_subscription
from hub.delivery.text_messages import TEXTED_CONFIRMATION
from hub.enquiries.enquirer_links import add_enquirer_link, find_link_of_enquiry, sign_link_key
from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus
from hub.enquiries.models import Enquiry
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import settings_of
from hub.platform.fields import is_uk_mobile
from hub.platform.models import utcnow

# What the enquirer subscription shows as its target (lists, the operators' pages).
ENQUIRER_TARGET = "each enquirer's own address, read from the enquiry when sent"
# The ways of contact that get a confirmation text (with a mobile number).
TEXT_CONTACT_METHODS = frozenset({"phone", "text"})


class EnquirerEvent(StrEnum):
    """Mail to the enquirer. Not an ``EventType``: councils cannot subscribe to it."""

    CONFIRMED = "enquiry.confirmed"
    TRANSFERRED = TRANSFERRED_MAIL  # another council has the enquiry now
    CLOSED = CLOSED_MAIL  # the hub's team closed it from triage (only for some reasons)
    TEXTED = TEXTED_CONFIRMATION  # the confirmation text (GOV.UK Notify's SMS API)


def enquirer_address(enquiry: Enquiry) -> str | None:
    """The address the enquirer gave, or None (none given, or anonymised since)."""
    personal = enquiry.personal or {}
    address = personal.get("email")
    if personal.get("anonymised") or not isinstance(address, str) or not address.strip():
        return None
    return address.strip()


def find_enquirer_address(session: Session, reference: str | None) -> str | None:
    enquiry = find_enquiry_by_reference(session, reference) if reference else None
    return enquirer_address(enquiry) if enquiry is not None else None


def enquirer_mobile(enquiry: Enquiry) -> str | None:
    """The mobile number of someone who prefers a call or a text, or None (another way of
    contact, no number, a landline, or anonymised since)."""
    personal = enquiry.personal or {}
    phone = personal.get("phone")
    if personal.get("anonymised") or personal.get("preferred_contact") not in TEXT_CONTACT_METHODS:
        return None
    return phone if isinstance(phone, str) and is_uk_mobile(phone) else None


def find_enquirer_mobile(session: Session, reference: str | None) -> str | None:
    enquiry = find_enquiry_by_reference(session, reference) if reference else None
    return enquirer_mobile(enquiry) if enquiry is not None else None


def find_manage_url(session: Session, reference: str | None) -> ManageLink | None:
    """The enquirer's link for the enquiry, signed now (read by the sender, never stored)."""
    enquiry = find_enquiry_by_reference(session, reference) if reference else None
    link = find_link_of_enquiry(session, enquiry.id) if enquiry is not None else None
    if link is None:
        return None
    settings = settings_of(session)
    token = sign_link_key(settings.secret_key, link.key)
    url = public_url(settings.public_base_url, page_path("own_enquiry.open_link", token=token))
    return ManageLink(url, link.expires_at)


def sends_texts(settings: Settings) -> bool:
    """Whether confirmation texts go out (GOV.UK Notify's SMS API is configured)."""
    return bool(settings.notify_api_key and settings.notify_sms_template_id)


def texts_configured(session: Session) -> bool:
    return sends_texts(settings_of(session))


def emit_confirmation(session: Session, enquiry: Enquiry, outcome: EnquirerOutcome) -> int:
    """Write the enquiry's confirmation delivery in the caller's transaction; return 1 or 0.

    Nothing is written before a decision, for an enquiry without an e-mail address, when an
    operator disabled the enquirer subscription, or when this enquiry has had its e-mail
    (the key is the enquiry: one confirmation, whatever happens to it later).
    """
    if outcome.status is OutcomeStatus.RECEIVED:
        return 0
    if outcome.status is not OutcomeStatus.SIGNPOSTED:
        _emit_text(session, enquiry, outcome)
    if enquirer_address(enquiry) is None:
        return 0
    written = _write_enquirer_mail(
        session,
        enquiry,
        outcome,
        EnquirerEvent.CONFIRMED,
        f"{EnquirerEvent.CONFIRMED}:{enquiry.id}",
    )
    if written and outcome.status is not OutcomeStatus.SIGNPOSTED:
        # Someone signposted has nothing to withdraw or correct: nobody will contact them.
        add_enquirer_link(
            session, enquiry.id, utcnow(), days=settings_of(session).enquirer_link_days
        )
    return written


def _emit_text(session: Session, enquiry: Enquiry, outcome: EnquirerOutcome) -> int:
    """The confirmation text, where Notify's SMS API is configured and the person prefers a
    call or a text and gave a mobile number (keyed by the enquiry: one text); 1 or 0."""
    if not texts_configured(session) or enquirer_mobile(enquiry) is None:
        return 0
    return _write_enquirer_mail(
        session,
        enquiry,
        outcome,
        EnquirerEvent.TEXTED,
        f"{EnquirerEvent.TEXTED}:{enquiry.id}",
    )


def emit_transfer_notice(
    session: Session,
    enquiry: Enquiry,
    outcome: EnquirerOutcome,
    decision_id: int,
    *,
    from_council: str,
) -> int:
    """Tell the enquirer which council now has their enquiry (after a transfer); 1 or 0.

    Keyed by the transfer's decision: each transfer is one e-mail. Nothing is written for an
    enquiry without an e-mail address, or when operators disabled the enquirer subscription.
    """
    if outcome.status is not OutcomeStatus.ROUTED or enquirer_address(enquiry) is None:
        return 0
    return _write_enquirer_mail(
        session,
        enquiry,
        outcome,
        EnquirerEvent.TRANSFERRED,
        f"{EnquirerEvent.TRANSFERRED}:{decision_id}",
        from_council=from_council,
    )


def emit_closure_notice(session: Session, enquiry: Enquiry, reason: str, closure_id: int) -> int:
    """Tell the enquirer their enquiry was closed, for a reason that has words for them; 1 or 0.

    ``reason`` is the triage room's closure reason code; only the codes with words in
    ``CLOSURE_WORDS`` are e-mailed (a duplicate, a test or spam is told nothing). Keyed by the
    closure's journey event: each closure is at most one e-mail.
    """
    if reason not in CLOSURE_WORDS or enquirer_address(enquiry) is None:
        return 0
    return _write_enquirer_mail(
        session,
        enquiry,
        EnquirerOutcome(enquiry.reference, OutcomeStatus.CLOSED),
        EnquirerEvent.CLOSED,
        f"{EnquirerEvent.CLOSED}:{closure_id}",
        reason=reason,
        start_url=public_url(settings_of(session).public_base_url, page_path("carer.start")),
    )


def _write_enquirer_mail(
    session: Session,
    enquiry: Enquiry,
    outcome: EnquirerOutcome,
    event: EnquirerEvent,
    event_key: str,
    **extra: str,
) -> int:
    """One e-mail to the enquirer through the enquirer subscription (0 when it is disabled)."""
    sub = find_or_add_enquirer_subscription(session, ENQUIRER_TARGET)
    if sub.status != SubscriptionStatus.ACTIVE:
        return 0
    payload = {
        "type": str(event),
        "timestamp": utcnow().isoformat(),
        "data": {
            "reference": enquiry.reference,
            "authority_code": enquiry.authority_code,
            "url": public_url(
                settings_of(session).public_base_url, page_path("carer.privacy_notice")
            ),
            "outcome": outcome.to_data(),
            **extra,
        },
    }
    return write_deliveries(
        session,
        [sub],
        str(event),
        event_key=event_key,
        payload=payload,
        reference=enquiry.reference,
        authority_code=enquiry.authority_code,
    )


def confirmation_written(session: Session, enquiry_id: int) -> bool:
    """Whether the enquiry's confirmation e-mail is on its way (its delivery row exists)."""
    key = f"{EnquirerEvent.CONFIRMED}:{enquiry_id}"
    return session.scalar(select(Delivery.id).where(Delivery.event_key == key).limit(1)) is not None
