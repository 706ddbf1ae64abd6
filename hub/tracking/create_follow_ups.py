"""The follow-up sweep (beat): create each follow-up the policy asks for, once.

The policy is the rules file's ``tracking.follow_ups``:
- ``stalled_enquiry`` (owner: council): due N working days after first contact; cancelled
  as soon as any later stage is recorded;
- ``re_engagement`` (owner: the hub): 3 and 12 months after ``withdrawn``, created only with
  the enquirer's keep-in-touch consent (and cancelled if it is withdrawn);
- ``retention_check_in`` (owner: council): 1, 3, 6 and 12 months after ``approved``, then
  yearly while the carer is fostering (the next one is created when the last falls due);
- ``exit_conversation`` (owner: council): N working days after ``deregistered``.
Follow-ups are created with their due day as soon as their stage is recorded, from the
journeys changed since the last run (an index range on ``journeys.changed_at``); the unique
key (enquiry, kind, occurrence) makes a second run create nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.routing import RuleSet, get_active_rules
from hub.routing.tracking_policy import FollowUpOwner, FollowUpPolicy
from hub.tracking.calendar import WorkingCalendar, add_months, local_day
from hub.tracking.models import FollowUp, FollowUpKind, FollowUpStatus, Journey
from hub.tracking.policy import calendar_for
from hub.tracking.queries import get_mark, set_mark
from hub.tracking.stages import Stage

FOLLOW_UP_MARK = "follow_ups"
GRACE = timedelta(minutes=10)
OWNERS: dict[FollowUpKind, FollowUpOwner] = {
    FollowUpKind.STALLED_ENQUIRY: FollowUpOwner.COUNCIL,
    # The hub takes enquirers up to application: winning back those who withdrew is its job.
    FollowUpKind.RE_ENGAGEMENT: FollowUpOwner.HUB,
    FollowUpKind.RETENTION_CHECK_IN: FollowUpOwner.COUNCIL,
    FollowUpKind.EXIT_CONVERSATION: FollowUpOwner.COUNCIL,
}
YEARLY_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Planned:
    kind: FollowUpKind
    occurrence: int
    due_on: date
    needs_consent: bool = False


def planned_for(
    journey: Journey, consent: bool, policy: FollowUpPolicy, calendar: WorkingCalendar
) -> list[Planned]:
    """The follow-ups the journey's current stage calls for (before any de-duplication)."""
    day = local_day(journey.stage_at)
    stage = Stage(journey.stage)
    if stage is Stage.FIRST_CONTACT:
        due = calendar.add_working_days(day, policy.stalled_enquiry_working_days)
        return [Planned(FollowUpKind.STALLED_ENQUIRY, 0, due)]
    if stage is Stage.WITHDRAWN and consent:
        return [
            Planned(FollowUpKind.RE_ENGAGEMENT, months, add_months(day, months), True)
            for months in policy.re_engagement_months
        ]
    if stage is Stage.APPROVED:
        return [
            Planned(FollowUpKind.RETENTION_CHECK_IN, months, add_months(day, months))
            for months in policy.retention_check_in_months
        ]
    if stage is Stage.DEREGISTERED:
        due = calendar.add_working_days(day, policy.exit_conversation_working_days)
        return [Planned(FollowUpKind.EXIT_CONVERSATION, 0, due)]
    return []


def create_follow_ups(
    db: Database, now: datetime | None = None, *, rules: RuleSet | None = None
) -> int:
    """Create the follow-ups due from journeys changed since the last run; the number created."""
    now = now or utcnow()
    rules = rules or get_active_rules()
    policy = rules.tracking.follow_ups
    with db.transaction() as session:
        mark = get_mark(session, FOLLOW_UP_MARK)
        query = (
            select(Journey, Enquiry.authority_code, Enquiry.consent_keep_in_touch)
            .join(Enquiry, Enquiry.id == Journey.enquiry_id)
            .where(Journey.changed_at <= now)
        )
        if mark is not None:
            query = query.where(Journey.changed_at > mark - GRACE)
        wanted: dict[tuple[int, str, int], Planned] = {}
        for journey, authority_code, consent in session.execute(query).all():
            calendar = calendar_for(rules, authority_code)
            for item in planned_for(journey, bool(consent), policy, calendar):
                wanted[(journey.enquiry_id, str(item.kind), item.occurrence)] = item
        for key, item in _yearly_check_ins(session, mark, now, policy).items():
            wanted.setdefault(key, item)
        created = _add_missing(session, wanted, now)
        set_mark(session, FOLLOW_UP_MARK, now)
    return created


def _yearly_check_ins(
    session: Session, mark: datetime | None, now: datetime, policy: FollowUpPolicy
) -> dict[tuple[int, str, int], Planned]:
    """The next yearly check-in of every carer whose last one fell due since the last run."""
    last = max(policy.retention_check_in_months, default=YEARLY_MONTHS)
    query = (
        select(FollowUp.enquiry_id, FollowUp.occurrence, Journey.approved_at)
        .join(Journey, Journey.enquiry_id == FollowUp.enquiry_id)
        .where(
            FollowUp.kind == str(FollowUpKind.RETENTION_CHECK_IN),
            FollowUp.due_on <= local_day(now),
            FollowUp.occurrence >= last,
            Journey.stage == str(Stage.APPROVED),
        )
    )
    if mark is not None:
        query = query.where(FollowUp.due_on > local_day(mark - GRACE) - timedelta(days=1))
    found: dict[tuple[int, str, int], Planned] = {}
    for enquiry_id, occurrence, approved_at in session.execute(query).all():
        if approved_at is None:
            continue
        months = occurrence + YEARLY_MONTHS
        due = add_months(local_day(approved_at), months)
        kind = FollowUpKind.RETENTION_CHECK_IN
        found[(enquiry_id, str(kind), months)] = Planned(kind, months, due)
    return found


def _add_missing(
    session: Session, wanted: dict[tuple[int, str, int], Planned], now: datetime
) -> int:
    keys = list(wanted)
    existing: set[tuple[int, str, int]] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        enquiry_ids = sorted({key[0] for key in chunk})
        existing.update(
            (row[0], row[1], row[2])
            for row in session.execute(
                select(FollowUp.enquiry_id, FollowUp.kind, FollowUp.occurrence).where(
                    FollowUp.enquiry_id.in_(enquiry_ids),
                    tuple_(FollowUp.enquiry_id, FollowUp.kind, FollowUp.occurrence).in_(chunk),
                )
            )
        )
    created = 0
    for key, item in wanted.items():
        if key in existing:
            continue
        session.add(
            FollowUp(
                enquiry_id=key[0],
                kind=str(item.kind),
                occurrence=item.occurrence,
                due_on=item.due_on,
                owner=str(OWNERS[item.kind]),
                status=str(FollowUpStatus.DUE),
                needs_consent=item.needs_consent,
                created_at=now,
                outcome_detail={},
            )
        )
        created += 1
    return created
