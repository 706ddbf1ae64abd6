"""The enquiry a link opens, or why it does not: what every self-service use case starts from.

A link opens nothing when its signature does not hold (changed, cut short), when it has run
out (``expires_at``), or when the enquiry's personal data was erased at the end of its
retention; a withdrawn enquiry's link opens only to say so. Each reason is explained kindly
by the page (``hub/web/carer/own_enquiry_pages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.caller import ENQUIRER, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.enquiries.enquirer_links import LinkTamperedError, find_link, read_link_token
from hub.enquiries.models import EnquirerLink, Enquiry, EnquiryStatus
from hub.platform.db import Database, settings_of
from hub.referrals.queries import REFERRAL_STATUSES
from hub.tracking.models import Journey
from hub.tracking.queries import find_journey
from hub.tracking.stages import Stage


class LinkProblem(StrEnum):
    """Why a link does not open the enquiry's page."""

    TAMPERED = "tampered"  # not a link the hub made (or changed on the way)
    EXPIRED = "expired"
    ANONYMISED = "anonymised"  # the enquiry's personal data was erased
    WITHDRAWN = "withdrawn"  # the enquirer withdrew it: nothing more to do with the link
    MOVED_ON = "moved_on"  # the journey is past where an enquirer withdraws by link
    CLOSED = "closed"  # the hub's team closed it from triage (a duplicate, not about fostering)


_PAST_IT = frozenset({LinkProblem.WITHDRAWN, LinkProblem.MOVED_ON})


class Holder(StrEnum):
    COUNCIL = "council"  # a council's fostering team has it
    HUB = "hub"  # in triage (or not yet routed): the hub's team will pass it on


@dataclass(frozen=True, slots=True)
class OwnEnquiry:
    """What the enquirer's page shows: never their details in full."""

    reference: str
    holder: Holder
    council: str | None
    keep_in_touch: bool
    email_hint: str | None  # "j•••@example.com"
    phone_hint: str | None  # "ending 4321"
    preferred_contact: str | None
    expires_at: datetime
    withdrawn: bool  # the page then only says so, and offers to stop keeping in touch


@dataclass(frozen=True, slots=True)
class Found:
    link: EnquirerLink
    enquiry: Enquiry
    journey: Journey | None


def enquirer_context(request_id: str | None = None, now: datetime | None = None) -> RequestContext:
    """The enquirer as the actor of audit rows and journey stages."""
    if now is None:
        return RequestContext(ENQUIRER, request_id)
    return RequestContext(ENQUIRER, request_id, now)


def was_withdrawn(enquiry: Enquiry, journey: Journey | None) -> bool:
    return enquiry.status == EnquiryStatus.WITHDRAWN or (
        journey is not None and journey.stage == Stage.WITHDRAWN
    )


def find_own(
    session: Session,
    token: str,
    now: datetime,
    *,
    for_update: bool = False,
    withdrawn_ok: bool = False,
) -> Found | LinkProblem:
    """The link's enquiry (its row locked when ``for_update``), or why it does not open.

    A withdrawn enquiry is WITHDRAWN unless ``withdrawn_ok`` (its page, and withdrawing
    keep-in-touch consent, which the re-engagement calls after a withdrawal need)."""
    try:
        key = read_link_token(settings_of(session).secret_key, token)
    except LinkTamperedError:
        return LinkProblem.TAMPERED
    link = find_link(session, key)
    if link is None:
        return LinkProblem.TAMPERED
    statement = select(Enquiry).where(Enquiry.id == link.enquiry_id)
    enquiry = session.scalar(statement.with_for_update() if for_update else statement)
    if enquiry is None or (enquiry.personal or {}).get("anonymised"):
        return LinkProblem.ANONYMISED
    if link.expires_at <= now:
        return LinkProblem.EXPIRED
    journey = find_journey(session, enquiry.id)
    if not withdrawn_ok and was_withdrawn(enquiry, journey):
        return LinkProblem.WITHDRAWN
    if enquiry.status == EnquiryStatus.CLOSED:
        return LinkProblem.CLOSED
    return Found(link, enquiry, journey)


def holder_of(enquiry: Enquiry) -> Holder:
    return Holder.COUNCIL if enquiry.status in REFERRAL_STATUSES else Holder.HUB


def _email_hint(email: object) -> str | None:
    if not isinstance(email, str) or "@" not in email:
        return None
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}\u2022\u2022\u2022@{domain}"


def _phone_hint(phone: object) -> str | None:
    return f"ending {phone[-3:]}" if isinstance(phone, str) and len(phone) > 3 else None


def own_view(found: Found) -> OwnEnquiry:
    enquiry = found.enquiry
    personal = enquiry.personal or {}
    holder = holder_of(enquiry)
    return OwnEnquiry(
        reference=enquiry.reference,
        holder=holder,
        council=enquiry.authority_name if holder is Holder.COUNCIL else None,
        keep_in_touch=bool(enquiry.consent_keep_in_touch),
        email_hint=_email_hint(personal.get("email")),
        phone_hint=_phone_hint(personal.get("phone")),
        preferred_contact=personal.get("preferred_contact"),
        expires_at=found.link.expires_at,
        withdrawn=was_withdrawn(enquiry, found.journey),
    )


def refuse(
    session: Session, ctx: RequestContext, action: AuditAction, problem: LinkProblem
) -> None:
    """A link that did not open for ``action``, audited in the caller's transaction: denied
    when it opens nothing, refused when the enquiry is past what the link may do."""
    outcome = AuditOutcome.REFUSED if problem in _PAST_IT else AuditOutcome.DENIED
    add_audit_event(session, ctx, action, outcome, detail={"problem": str(problem)})


def read_own_enquiry(db: Database, token: str, ctx: RequestContext) -> OwnEnquiry | LinkProblem:
    """The enquirer's page for the link's enquiry (the read audited), or why it does not open."""
    with db.transaction() as session:
        found = find_own(session, token, ctx.now, withdrawn_ok=True)
        if isinstance(found, LinkProblem):
            refuse(session, ctx, AuditAction.OPEN_ENQUIRER_LINK, found)
            return found
        add_audit_event(
            session,
            ctx,
            AuditAction.OPEN_ENQUIRER_LINK,
            AuditOutcome.OK,
            enquiry=found.enquiry,
            visible_to=found.enquiry.authority_code,
        )
        return own_view(found)
