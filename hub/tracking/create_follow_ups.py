"""The follow-up sweep (beat): a safety net, and the yearly check-ins that time brings due.

Follow-ups are created with their due day when the stage that calls for them is recorded, in
the same transaction (``record_stage.add_stage``, through ``follow_up_plan``; the policy is
described there). This sweep reads the journeys changed since its last run (an index range on
``journeys.changed_at``, with a grace period) and adds what they call for again, which
creates nothing for a stage already handled: the unique key (enquiry, kind, occurrence) makes
a second add harmless. Its own work is time passing: an approved carer's next yearly
check-in is created when the last one falls due, and the next review of approval when the
last one is done or falls due (due a year after the review was done, or after its due day
if not done: reg 28 asks for a review at least once a year).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.rules import RuleSet, get_active_rules
from hub.rules.tracking_policy import FollowUpPolicy
from hub.tracking.calendar import add_months, local_day
from hub.tracking.follow_up_plan import (
    REVIEW_MONTHS,
    FollowUpKey,
    Planned,
    add_missing_follow_ups,
    keyed,
    planned_for,
)
from hub.tracking.models import FollowUp, FollowUpKind, FollowUpStatus, Journey
from hub.tracking.policy import calendar_for
from hub.tracking.queries import get_mark, set_mark
from hub.tracking.stages import Stage

FOLLOW_UP_MARK = "follow_ups"
GRACE = timedelta(minutes=10)
YEARLY_MONTHS = 12


def create_follow_ups(
    db: Database, now: datetime | None = None, *, rules: RuleSet | None = None
) -> int:
    """Create the follow-ups due from journeys changed since the last run (those the stage
    created already are not created twice) and the yearly check-ins; the number created."""
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
        wanted: dict[FollowUpKey, Planned] = {}
        for journey, authority_code, consent in session.execute(query).all():
            calendar = calendar_for(rules, authority_code)
            wanted.update(
                keyed(journey.enquiry_id, planned_for(journey, bool(consent), policy, calendar))
            )
        for key, item in _yearly_check_ins(session, mark, now, policy).items():
            wanted.setdefault(key, item)
        for key, item in _next_reviews(session, mark, now).items():
            wanted.setdefault(key, item)
        created = add_missing_follow_ups(session, wanted, now)
        set_mark(session, FOLLOW_UP_MARK, now)
    return created


def _yearly_check_ins(
    session: Session, mark: datetime | None, now: datetime, policy: FollowUpPolicy
) -> dict[FollowUpKey, Planned]:
    """The next yearly check-in of every carer whose last one fell due since the last run."""
    last = max(policy.retention_check_in_months, default=YEARLY_MONTHS)
    query = (
        select(FollowUp.enquiry_id, FollowUp.occurrence, Journey.approved_at)
        .join(Journey, Journey.enquiry_id == FollowUp.enquiry_id)
        .where(
            FollowUp.kind == FollowUpKind.RETENTION_CHECK_IN,
            FollowUp.due_on <= local_day(now),
            FollowUp.occurrence >= last,
            Journey.stage == Stage.APPROVED,
        )
    )
    if mark is not None:
        query = query.where(FollowUp.due_on > local_day(mark - GRACE) - timedelta(days=1))
    found: dict[FollowUpKey, Planned] = {}
    for enquiry_id, occurrence, approved_at in session.execute(query).all():
        if approved_at is None:
            continue
        months = occurrence + YEARLY_MONTHS
        due = add_months(local_day(approved_at), months)
        kind = FollowUpKind.RETENTION_CHECK_IN
        found[(enquiry_id, kind, months)] = Planned(kind, months, due)
    return found


def _next_reviews(
    session: Session, mark: datetime | None, now: datetime
) -> dict[FollowUpKey, Planned]:
    """The next review of approval of every carer whose last one was done, or fell due,
    since the last run."""
    today = local_day(now)
    done = FollowUp.status == FollowUpStatus.DONE
    fell_due = FollowUp.due_on <= today
    if mark is not None:
        since = mark - GRACE
        done = done & (FollowUp.completed_at > since)
        fell_due = fell_due & (FollowUp.due_on > local_day(since) - timedelta(days=1))
    query = (
        select(FollowUp.enquiry_id, FollowUp.occurrence, FollowUp.due_on, FollowUp.completed_at)
        .join(Journey, Journey.enquiry_id == FollowUp.enquiry_id)
        .where(
            FollowUp.kind == FollowUpKind.APPROVAL_REVIEW,
            FollowUp.status != FollowUpStatus.CANCELLED,
            Journey.stage == Stage.APPROVED,
            or_(done, fell_due),
        )
    )
    found: dict[FollowUpKey, Planned] = {}
    kind = FollowUpKind.APPROVAL_REVIEW
    for enquiry_id, occurrence, due_on, completed_at in session.execute(query).all():
        last = local_day(completed_at) if completed_at is not None else due_on
        months = occurrence + REVIEW_MONTHS
        found[(enquiry_id, kind, months)] = Planned(kind, months, add_months(last, REVIEW_MONTHS))
    return found
