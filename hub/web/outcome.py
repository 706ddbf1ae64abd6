"""What the confirmation page may tell the enquirer: only what routing has decided.

Read from the enquiry and its latest routing decision (the decision as recorded, so the page
says what was decided, not what today's rules would say); the cluster's phone number comes
from the rules file, as optional contact data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.queries import find_latest_decision
from hub.routing import RulesError, get_active_rules
from hub.web.drafts import find_draft


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where an enquiry stands, in the words the confirmation page needs (nothing personal)."""

    reference: str
    status: str  # received | routed | triage | signposted
    council: str | None = None
    delivery_body: str | None = None
    cluster: str | None = None
    first_contact_days: int | None = None
    phone: str | None = None
    signpost: dict[str, str] | None = None


def _cluster_phone(cluster: str | None) -> str | None:
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


def find_outcome(db: Database, token: str | None) -> Outcome | None:
    """The outcome for the enquiry a receipt token names, or None (unknown or expired)."""
    with db.sessions() as session:
        draft = find_draft(session, token, now=utcnow())
        if draft is None or draft.enquiry_id is None:
            return None
        enquiry = session.get(Enquiry, draft.enquiry_id)
        if enquiry is None:
            return None
        status = EnquiryStatus(enquiry.status)
        if status is EnquiryStatus.RECEIVED:
            return Outcome(enquiry.reference, "received")
        if status is EnquiryStatus.TRIAGE:
            return Outcome(enquiry.reference, "triage")
        decision = find_latest_decision(session, enquiry.id)
        detail = dict(decision.detail) if decision is not None else {}
        if status is EnquiryStatus.SIGNPOSTED:
            signpost = detail.get("signpost") or None
            return Outcome(enquiry.reference, "signposted", signpost=signpost)
        # Routed or acknowledged: a council has it.
        days = detail.get("service_level_days")
        return Outcome(
            enquiry.reference,
            "routed",
            council=enquiry.authority_name,
            delivery_body=enquiry.delivery_body,
            cluster=enquiry.cluster,
            first_contact_days=days if isinstance(days, int) else None,
            phone=_cluster_phone(enquiry.cluster),
        )


def await_outcome(db: Database, token: str | None, *, wait_seconds: float) -> Outcome | None:
    """``find_outcome``, waiting up to ``wait_seconds`` while routing has not decided yet.

    Routing usually takes well under a second; a short wait lets the page tell the truth
    without refreshing itself (a timed refresh fails WCAG 2.2.1). Polls a primary-key read.
    """
    deadline = time.monotonic() + wait_seconds
    outcome = find_outcome(db, token)
    while outcome is not None and outcome.status == "received" and time.monotonic() < deadline:
        time.sleep(0.2)
        outcome = find_outcome(db, token)
    return outcome
