"""Retention: anonymise the enquiries whose retention period has passed (``hub retention run``).

Periods come from the rules file (``tracking.retention``, overridable per council): an
enquiry that was only signposted elsewhere (outside England, from the form or the API) is kept
``HUB_SIGNPOSTED_RETENTION_DAYS`` (30) days after it was signposted; one that never reached an
application is kept 3 years after its last activity; a withdrawn
or refused application 3 years after its last activity; an approved carer 10 years after
deregistration (never while fostering). Anonymising erases the personal and special-category
answers, cuts the postcode to its district, clears free-text notes (the journey's, its Stage 1
tasks', and those other rooms register in ``hub/platform/personal_text.py``: officers' case
notes and contact log notes) and the routing trace (it names the postcode and transfer
reasons), removes its links to the same person's other enquiries (repeat matches, duplicate
marks; the opaque person group that reports count stays), and keeps everything reports count
(stages, clocks, follow-ups, codes, dates) and the audit log.
Each enquiry is anonymised once (a row in ``anonymisations``), so the job may run twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.access.caller import RequestContext, SystemActor
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.repeats import forget_repeat_links
from hub.geo import PostcodeFormatError, normalise_postcode
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.personal_text import erase_personal_text
from hub.referrals.models import RoutingDecisionRecord
from hub.rules import RuleSet, get_active_rules
from hub.rules.tracking_policy import RetentionPeriods
from hub.tracking.calendar import add_months, local_day
from hub.tracking.models import Anonymisation, AssessmentTask, FollowUp, Journey, JourneyStage

RETENTION = SystemActor("retention")
ANONYMISED_EXPLANATION = "Anonymised at the end of its retention period."


@dataclass(frozen=True, slots=True)
class RetentionResult:
    anonymised: int
    by_category: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


def expiry_of(
    periods: RetentionPeriods, journey: Journey | None, last_activity: datetime
) -> tuple[str, date | None]:
    """How the journey ended (the retention category) and the last day data is kept."""
    if journey is not None and journey.approved_at is not None:
        if journey.deregistered_at is None:
            return "approved", None  # still fostering: kept
        return "approved", add_months(
            local_day(journey.deregistered_at), 12 * periods.approved_years
        )
    if journey is not None and journey.application_at is not None:
        return "application", add_months(local_day(last_activity), 12 * periods.withdrawn_years)
    return "no_application", add_months(local_day(last_activity), 12 * periods.no_application_years)


def run_retention(
    db: Database,
    now: datetime | None = None,
    *,
    rules: RuleSet | None = None,
    dry_run: bool = False,
) -> RetentionResult:
    """Anonymise every enquiry past its retention period (or count them, with ``dry_run``)."""
    now = now or utcnow()
    rules = rules or get_active_rules()
    today = local_day(now)
    tracking = rules.tracking
    shortest = min(
        min(p.no_application_years, p.withdrawn_years)
        for p in [tracking.retention, *(c.retention for c in tracking.councils if c.retention)]
    )
    # Nothing whose last activity is younger than the shortest period can have expired.
    horizon = add_months(today, -12 * shortest)
    counts: Counter[str] = Counter()
    signposted_for = timedelta(days=db.settings.signposted_retention_days)
    with db.transaction() as session:
        for enquiry_id, signposted_at in _signposted_expired(session, now - signposted_for):
            counts["signposted"] += 1
            if not dry_run:
                until = local_day(signposted_at + signposted_for)
                anonymise_enquiry(session, enquiry_id, "signposted", until, now)
        last_follow_up = (
            select(func.max(FollowUp.completed_at))
            .where(FollowUp.enquiry_id == Enquiry.id)
            .correlate(Enquiry)
            .scalar_subquery()
        )
        candidates = session.execute(
            select(
                Enquiry.id,
                Enquiry.authority_code,
                Enquiry.status_changed_at,
                last_follow_up,
                Journey,
            )
            .outerjoin(Journey, Journey.enquiry_id == Enquiry.id)
            .outerjoin(Anonymisation, Anonymisation.enquiry_id == Enquiry.id)
            .where(Anonymisation.enquiry_id.is_(None))
            .where(Enquiry.status != EnquiryStatus.SIGNPOSTED)  # their own, shorter, pass above
            .where(
                func.coalesce(Journey.changed_at, Enquiry.status_changed_at) < _start_of(horizon)
            )
        ).all()
        for enquiry_id, authority_code, status_changed_at, follow_up_at, journey in candidates:
            moments = [status_changed_at, follow_up_at]
            if journey is not None:
                moments += [journey.changed_at, journey.stage_at]
            last_activity = max(m for m in moments if m is not None)
            category, kept_until = expiry_of(
                tracking.retention_for(authority_code), journey, last_activity
            )
            if kept_until is None or kept_until >= today:
                continue
            counts[category] += 1
            if not dry_run:
                anonymise_enquiry(session, enquiry_id, category, kept_until, now)
    return RetentionResult(sum(counts.values()), dict(counts), dry_run)


def _signposted_expired(session: Session, before: datetime) -> list[tuple[int, datetime]]:
    """Signposted enquiries (a final status) signposted before ``before``, not yet anonymised."""
    rows = session.execute(
        select(Enquiry.id, Enquiry.status_changed_at)
        .outerjoin(Anonymisation, Anonymisation.enquiry_id == Enquiry.id)
        .where(Anonymisation.enquiry_id.is_(None))
        .where(Enquiry.status == EnquiryStatus.SIGNPOSTED)
        .where(Enquiry.status_changed_at < before)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def district_of(postcode: Any) -> str | None:
    """The postcode district (outward code) of a full or partial postcode: ``ME14 1XQ`` ->
    ``ME14``; None for anything that is not a postcode (nothing else is kept)."""
    if not isinstance(postcode, str):
        return None
    try:
        return normalise_postcode(postcode).split(" ")[0]
    except PostcodeFormatError:
        return None


def anonymise_enquiry(
    session: Session, enquiry_id: int, category: str, kept_until: date, now: datetime
) -> None:
    """Erase one enquiry's personal data in the caller's transaction; keep what is counted."""
    enquiry = session.get(Enquiry, enquiry_id, with_for_update=True)
    if enquiry is None:
        return
    district = district_of((enquiry.personal or {}).get("postcode"))
    enquiry.personal = {"postcode": district, "anonymised": True}
    enquiry.special_category = None
    enquiry.heard_from = None  # free text ("how did you hear of us?"): it can name people
    # A link to the same person's other enquiries would name whose this was.
    forget_repeat_links(session, enquiry)
    session.execute(
        update(RoutingDecisionRecord)
        .where(RoutingDecisionRecord.enquiry_id == enquiry_id)
        .values(detail={"trace": [], "anonymised": True}, explanation=ANONYMISED_EXPLANATION)
    )
    session.execute(
        update(JourneyStage).where(JourneyStage.enquiry_id == enquiry_id).values(note=None)
    )
    session.execute(update(FollowUp).where(FollowUp.enquiry_id == enquiry_id).values(note=None))
    session.execute(
        update(AssessmentTask).where(AssessmentTask.enquiry_id == enquiry_id).values(note=None)
    )
    erase_personal_text(session, enquiry_id)  # other rooms' notes (the casework log and notes)
    session.add(
        Anonymisation(enquiry_id=enquiry_id, at=now, category=category, kept_until=kept_until)
    )
    add_audit_event(
        session,
        RequestContext(RETENTION, None, now),
        AuditAction.ANONYMISE,
        AuditOutcome.OK,
        enquiry=enquiry,
        visible_to=enquiry.authority_code,
        detail={"category": category, "kept_until": kept_until.isoformat()},
    )
