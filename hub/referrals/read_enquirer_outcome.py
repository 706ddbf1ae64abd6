"""The facts the enquirer is given, found in one place for the page and the e-mail.

Read from the enquiry and a routing decision as recorded (so the enquirer is told what was
decided, not what today's rules would say). What may be said of the council (``CouncilPromise``:
its hub's brand, a public phone or web page, a confirmed first-contact target, whether it
could receive the referral) is read once, when the decision is recorded, from the councils
directory and the council's readiness, and kept in the decision's detail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.councils.readiness import read_council_readiness
from hub.enquiries.enquirer_outcome import CouncilPromise, EnquirerOutcome, OutcomeStatus
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import find_latest_decision
from hub.rules import RulesError, get_active_rules
from hub.rules.active_directory import get_active_directory
from hub.rules.directory import council_facts

# The key of the decision's detail that holds the CouncilPromise.
PROMISE_KEY = "enquirer_told"


def directory_promise(code: str, at: datetime, *, ready: bool | None) -> CouncilPromise:
    """What the directory lets the enquirer be told of council ``code`` on ``at``'s day."""
    directory = get_active_directory()
    try:
        rules = get_active_rules()
    except RulesError:
        return CouncilPromise(council_ready=ready)
    if directory is None:
        return CouncilPromise(council_ready=ready)
    facts = council_facts(directory, rules, code, at.date())
    contact = facts.public_contact
    if contact is None:
        contact_name = None
    elif contact is facts.contact:
        contact_name = f"{facts.name} council's fostering team"
    else:
        contact_name = facts.hub_brand
    return CouncilPromise(
        hub=facts.hub_brand,
        through_hub=facts.routed_through_hub,
        contact_name=contact_name,
        phone=contact.phone if contact else None,
        web=contact.web if contact else None,
        confirmed_days=facts.confirmed_working_days,
        council_ready=ready,
    )


def read_council_promise(session: Session, code: str, now: datetime) -> CouncilPromise:
    """The promise for a referral routed to ``code`` now: the directory and its readiness."""
    try:
        rules = get_active_rules()
    except RulesError:
        return CouncilPromise()
    ready = read_council_readiness(session, rules, code, now).ready
    return directory_promise(code, now, ready=ready)


def outcome_of(enquiry: Enquiry, decision: RoutingDecisionRecord | None) -> EnquirerOutcome:
    """What the enquirer may be told, given the enquiry and its latest decision."""
    status = enquiry.status
    if status == EnquiryStatus.RECEIVED:
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.RECEIVED)
    if status == EnquiryStatus.TRIAGE:
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.TRIAGE)
    if status == EnquiryStatus.CLOSED:
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.CLOSED)
    if status == EnquiryStatus.WITHDRAWN:
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.WITHDRAWN)
    detail = dict(decision.detail) if decision is not None else {}
    if status == EnquiryStatus.SIGNPOSTED:
        signpost = detail.get("signpost") or None
        return EnquirerOutcome(enquiry.reference, OutcomeStatus.SIGNPOSTED, signpost=signpost)
    # Routed or acknowledged: a council has it.
    promise = CouncilPromise.from_data(detail.get(PROMISE_KEY))
    if promise is None:
        # Decided before promises were recorded: the directory today, readiness unknown.
        at = decision.decided_at if decision is not None else enquiry.status_changed_at
        code = enquiry.authority_code or ""
        promise = directory_promise(code, at, ready=None) if code else CouncilPromise()
    return EnquirerOutcome(
        enquiry.reference,
        OutcomeStatus.ROUTED,
        council=enquiry.authority_name,
        delivery_body=enquiry.delivery_body,
        cluster=enquiry.cluster,
        first_contact_days=promise.confirmed_days,
        phone=promise.phone,
        hub=promise.hub,
        through_hub=promise.through_hub,
        contact_name=promise.contact_name,
        web=promise.web,
        council_ready=promise.council_ready,
        connected_person=bool(enquiry.connected_person),
        child_council=_child_council_elsewhere(enquiry, detail),
    )


def _child_council_elsewhere(enquiry: Enquiry, detail: dict[str, Any]) -> str | None:
    """The child's council's name when a connected person's enquiry went to another council."""
    child = detail.get("child_authority")
    if not enquiry.connected_person or not isinstance(child, dict):
        return None
    return None if child.get("code") == enquiry.authority_code else str(child.get("name"))


def find_enquirer_outcome(session: Session, enquiry: Enquiry) -> EnquirerOutcome:
    """``outcome_of`` the enquiry and its latest recorded decision."""
    return outcome_of(enquiry, find_latest_decision(session, enquiry.id))
