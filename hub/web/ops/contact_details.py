"""An operator reads the contact details of an enquiry in triage: a read of personal data,
audited like the API's (the row names the enquiry, never what was shown)."""

from __future__ import annotations

from dataclasses import dataclass

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.models import EnquiryStatus
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class ContactDetails:
    reference: str
    given_name: str
    family_name: str
    email: str
    phone: str
    postcode: str
    preferred_contact: str | None
    best_time: str | None


def read_contact_details(db: Database, ctx: RequestContext, reference: str) -> ContactDetails:
    """The enquirer's contact details, for an enquiry waiting in triage. Audited either way."""
    with db.transaction() as session:
        enquiry = find_enquiry_by_reference(session, reference)
        if enquiry is not None and enquiry.status == EnquiryStatus.TRIAGE:
            personal = enquiry.personal or {}
            add_audit_event(
                session, ctx, AuditAction.READ_CONTACT_DETAILS, AuditOutcome.OK, enquiry=enquiry
            )
            return ContactDetails(
                reference=enquiry.reference,
                given_name=str(personal.get("given_name") or ""),
                family_name=str(personal.get("family_name") or ""),
                email=str(personal.get("email") or ""),
                phone=str(personal.get("phone") or ""),
                postcode=str(personal.get("postcode") or ""),
                preferred_contact=personal.get("preferred_contact"),
                best_time=personal.get("best_time"),
            )
    record_refusal(db, ctx, AuditAction.READ_CONTACT_DETAILS, reference)
    raise NotFoundError("No enquiry in triage has this reference.")
