"""What an operator needs to decide a triage enquiry, without its contact details.

The postcode district only (never the whole postcode), the councils the postcode may belong
to with their shares (from the stored decision, or hub.geo's reading of the postcode now),
why it waits, and the council the enquirer asked for. Contact details are a separate, audited
read (``hub.web.ops.contact_details``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from hub.enquiries.models import Enquiry
from hub.enquiries.queries import find_enquiry_by_reference
from hub.geo import Candidate, Outcome, resolve_postcode
from hub.intake.labels import INTEREST_LABELS
from hub.platform.db import Database
from hub.referrals.decide import authority_name
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import list_decisions_of
from hub.rules import get_active_rules
from hub.tracking.anonymise import district_of

REASON_WORDS = {
    "invalid_postcode": "The postcode is not a valid postcode",
    "unknown_postcode": "The postcode is not in the postcode directory",
    "no_signpost": "The postcode is outside England and there is no service to point them to",
    "partial_postcode_ambiguous": "Only part of the postcode was given, and it covers more "
    "than one council",
    "unknown_preferred_authority": "The council they asked for is not one the rules know",
    "preference_not_allowed": "The rules do not allow the council they asked for",
    "preference_outside_cluster": "The council they asked for is outside their regional hub",
    "no_rule": "No rule covers the council for this postcode",
    "fallback_unusable": "The council for this postcode cannot take enquiries now (paused)",
    "returned_by_council": "A council returned it to the hub",
    "returned:out_of_area": "A council returned it: the enquirer lives outside its area",
    "returned:duplicate": "A council returned it: it duplicates another enquiry",
    "returned:not_a_fostering_enquiry": "A council returned it: not about fostering",
}


def reason_words(code: str | None) -> str:
    if not code:
        return "Not recorded"
    return REASON_WORDS.get(code) or code.replace("_", " ").replace(":", ": ").capitalize()


@dataclass(frozen=True, slots=True)
class CouncilShare:
    code: str
    name: str
    share: float | None  # None: not from the postcode (for example the enquirer's choice)


@dataclass(frozen=True, slots=True)
class TriageCase:
    """One enquiry in triage, as the list and the case page show it."""

    reference: str
    status: str
    received_at: datetime
    in_triage_since: datetime
    reason_code: str | None
    district: str | None
    candidates: tuple[CouncilShare, ...]
    candidates_source: str
    preferred: CouncilShare | None
    interest: str

    @property
    def reason(self) -> str:
        return reason_words(self.reason_code)

    @property
    def interest_words(self) -> str:
        return INTEREST_LABELS.get(self.interest, self.interest.replace("_", " ").capitalize())


def _shares(candidates: list[Candidate] | list[dict[str, Any]]) -> tuple[CouncilShare, ...]:
    out = []
    for c in candidates:
        if isinstance(c, Candidate):
            out.append(CouncilShare(c.code, c.name, c.share))
        else:
            out.append(CouncilShare(str(c["code"]), str(c["name"]), float(c["share"])))
    return tuple(sorted(out, key=lambda s: -(s.share or 0)))


def _from_postcode(postcode: str | None) -> tuple[tuple[CouncilShare, ...], str]:
    """What hub.geo says of the postcode now: one council, or a partial postcode's shares."""
    if not postcode:
        return (), "no postcode"
    geo = resolve_postcode(postcode, min_share=get_active_rules().partial_postcode_share)
    if geo.candidates:
        return _shares(list(geo.candidates)), "postcode directory"
    if geo.outcome is Outcome.MATCHED and geo.authority is not None:
        return (CouncilShare(geo.authority.code, geo.authority.name, 1.0),), "postcode directory"
    return (), f"postcode directory: {geo.outcome}"


def _case(
    enquiry: Enquiry, reason_code: str | None, decisions: list[RoutingDecisionRecord]
) -> TriageCase:
    postcode = (enquiry.personal or {}).get("postcode")
    stored = next(
        (d.detail["candidates"] for d in reversed(decisions) if (d.detail or {}).get("candidates")),
        None,
    )
    if stored:
        candidates, source = _shares(stored), "routing decision"
    else:
        candidates, source = _from_postcode(postcode)
    preferred_code = enquiry.preferred_authority_code
    preferred = (
        CouncilShare(preferred_code, authority_name(preferred_code), None)
        if preferred_code
        else None
    )
    return TriageCase(
        reference=enquiry.reference,
        status=enquiry.status,
        received_at=enquiry.created_at,
        in_triage_since=enquiry.status_changed_at,
        reason_code=reason_code,
        district=district_of(postcode),
        candidates=candidates,
        candidates_source=source,
        preferred=preferred,
        interest=enquiry.interest,
    )


def triage_cases(db: Database, items: list[dict[str, Any]]) -> list[TriageCase]:
    """The cases for a page of ``hub.triage.queue.list_triage`` items, in its order."""
    references = [item["reference"] for item in items]
    if not references:
        return []
    with db.sessions() as session:
        enquiries = {
            e.reference: e
            for e in session.scalars(select(Enquiry).where(Enquiry.reference.in_(references)))
        }
        ids = [e.id for e in enquiries.values()]
        by_enquiry: dict[int, list[RoutingDecisionRecord]] = defaultdict(list)
        for record in session.scalars(
            select(RoutingDecisionRecord)
            .where(RoutingDecisionRecord.enquiry_id.in_(ids))
            .order_by(RoutingDecisionRecord.decided_at, RoutingDecisionRecord.id)
        ):
            by_enquiry[record.enquiry_id].append(record)
    cases = []
    for item in items:
        enquiry = enquiries.get(item["reference"])
        if enquiry is not None:
            cases.append(_case(enquiry, item["reason_code"], by_enquiry[enquiry.id]))
    return cases


def find_triage_case(db: Database, reference: str) -> TriageCase | None:
    """One enquiry (in triage or not: the page says where it stands), or None."""
    with db.sessions() as session:
        enquiry = find_enquiry_by_reference(session, reference)
        if enquiry is None:
            return None
        decisions = list_decisions_of(session, enquiry.id)
    reason = decisions[-1].reason_code if decisions else None
    return _case(enquiry, reason, decisions)
