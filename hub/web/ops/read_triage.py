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

from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.queries import find_enquiry_by_reference
from hub.geo import Candidate, Outcome, resolve_postcode
from hub.intake.labels import INTEREST_LABELS
from hub.platform.db import Database
from hub.referrals.decide import authority_name
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import list_decisions_of
from hub.rules import get_active_rules
from hub.tracking.anonymise import district_of
from hub.triage.closure_reasons import CLOSURE_WORDS, ClosureReason

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
class Standing:
    """Where an enquiry that is not in triage stands: routed (to whom, when), closed (why,
    when), signposted, or not yet decided."""

    status: str
    at: datetime | None = None
    council: str | None = None  # routed: the council that has it
    closure_reason: str | None = None
    duplicate_of: str | None = None

    @property
    def closure_words(self) -> str:
        if self.closure_reason in set(ClosureReason):
            return CLOSURE_WORDS[ClosureReason(self.closure_reason)]
        return self.closure_reason or "No reason recorded"


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
    source: str | None = None  # the campaign's utm_source
    standing: Standing | None = None  # only when it is not in triage

    @property
    def in_triage(self) -> bool:
        return self.status == EnquiryStatus.TRIAGE

    def seconds_waiting(self, now: datetime) -> float:
        """How long it has waited in the queue (or been closed), in seconds."""
        return (now - self.in_triage_since).total_seconds()

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
    enquiry: Enquiry,
    reason_code: str | None,
    decisions: list[RoutingDecisionRecord],
    standing: Standing | None = None,
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
        source=(enquiry.campaign or {}).get("utm_source"),
        standing=standing,
    )


def _standing(
    enquiry: Enquiry, decisions: list[RoutingDecisionRecord], closed: JourneyEvent | None
) -> Standing | None:
    status = enquiry.status
    if status == EnquiryStatus.TRIAGE:
        return None
    if status == EnquiryStatus.CLOSED:
        detail = closed.detail if closed is not None else {}
        return Standing(
            status,
            at=closed.at if closed is not None else enquiry.status_changed_at,
            closure_reason=detail.get("reason"),
            duplicate_of=detail.get("duplicate_of"),
        )
    if status in (EnquiryStatus.ROUTED, EnquiryStatus.ACKNOWLEDGED):
        routed_at = next(
            (d.decided_at for d in reversed(decisions) if d.outcome == "routed"),
            enquiry.status_changed_at,
        )
        code = enquiry.authority_code or ""
        return Standing(
            status, at=routed_at, council=enquiry.authority_name or authority_name(code)
        )
    return Standing(status, at=enquiry.status_changed_at)


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
        closures: dict[int, JourneyEvent] = {}
        for event in session.scalars(
            select(JourneyEvent)
            .where(JourneyEvent.enquiry_id.in_(ids))
            .where(JourneyEvent.event == JourneyEventName.CLOSED)
            .order_by(JourneyEvent.at, JourneyEvent.id)
        ):
            closures[event.enquiry_id] = event  # the latest wins
    cases = []
    for item in items:
        enquiry = enquiries.get(item["reference"])
        if enquiry is not None:
            decisions = by_enquiry[enquiry.id]
            standing = _standing(enquiry, decisions, closures.get(enquiry.id))
            cases.append(_case(enquiry, item["reason_code"], decisions, standing))
    return cases


def find_triage_case(db: Database, reference: str) -> TriageCase | None:
    """One enquiry (in triage or not: the page says where it stands), or None."""
    with db.sessions() as session:
        enquiry = find_enquiry_by_reference(session, reference)
        if enquiry is None:
            return None
        decisions = list_decisions_of(session, enquiry.id)
        closed = session.scalars(
            select(JourneyEvent)
            .where(JourneyEvent.enquiry_id == enquiry.id)
            .where(JourneyEvent.event == JourneyEventName.CLOSED)
            .order_by(JourneyEvent.at.desc(), JourneyEvent.id.desc())
            .limit(1)
        ).first()
    reason = decisions[-1].reason_code if decisions else None
    return _case(enquiry, reason, decisions, _standing(enquiry, decisions, closed))
