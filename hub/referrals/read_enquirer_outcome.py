"""The facts the enquirer is given, found in one place for the page and the e-mail.

Read from the enquiry and a routing decision as recorded (so the enquirer is told what was
decided, not what today's rules would say); the cluster's phone number comes from the rules
file, as optional contact data.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import find_latest_decision
from hub.rules import RulesError, get_active_rules


def cluster_phone(cluster: str | None) -> str | None:
    """The cluster's phone number from the rules file, when it gives one."""
    if not cluster:
        return None
    try:
        rules = get_active_rules()
    except RulesError:
        return None
    for found in rules.clusters:
        if found.name == cluster:
            return found.contact.phone
    return None


def outcome_of(enquiry: Enquiry, decision: RoutingDecisionRecord | None) -> EnquirerOutcome:
    """What the enquirer may be told, given the enquiry and its latest decision."""
    status = enquiry.status
    if status == EnquiryStatus.RECEIVED:
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.RECEIVED)
    if status == EnquiryStatus.TRIAGE:
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.TRIAGE)
    detail = dict(decision.detail) if decision is not None else {}
    if status == EnquiryStatus.SIGNPOSTED:
        signpost = detail.get("signpost") or None
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.SIGNPOSTED, signpost=signpost)
    # Routed or acknowledged: a council has it.
    days = detail.get("service_level_days")
    return EnquirerOutcome(
        enquiry.reference,
        OutcomeStatus.ROUTED,
        council=enquiry.authority_name,
        delivery_body=enquiry.delivery_body,
        cluster=enquiry.cluster,
        first_contact_days=days if isinstance(days, int) else None,
        phone=cluster_phone(enquiry.cluster),
    )


def find_enquirer_outcome(session: Session, enquiry: Enquiry) -> EnquirerOutcome:
    """``outcome_of`` the enquiry and its latest recorded decision."""
    return outcome_of(enquiry, find_latest_decision(session, enquiry.id))
