"""The follow-ups a journey's stage calls for, and adding those not created yet.

The policy is the rules file's ``tracking.follow_ups``:
- ``stalled_enquiry`` (owner: council): due N working days after first contact; cancelled
  as soon as any later stage is recorded;
- ``re_engagement`` (owner: the hub): 3 and 12 months after ``withdrawn``, created only with
  the enquirer's keep-in-touch consent (and cancelled if it is withdrawn);
- ``retention_check_in`` (owner: council): 1, 3, 6 and 12 months after ``approved``, then
  yearly while the carer is fostering (the next one is created when the last falls due, by
  the follow-up sweep: that is time passing, not a stage);
- ``approval_review`` (owner: council): the review of approval, due within 12 months of
  ``approved`` (occurrence 12), then within a year of the last review (Fostering Services
  (England) Regulations 2011, reg 28; the sweep creates the next one);
- ``exit_conversation`` (owner: council): N working days after ``deregistered``.
``record_stage.add_stage`` adds them in the transaction that records the stage; the sweep
(``create_follow_ups``) adds them again from the journeys changed since its last run. The
unique key (enquiry, kind, occurrence) and the read before the write make the second add
create nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from hub.rules.tracking_policy import FollowUpOwner, FollowUpPolicy
from hub.tracking.calendar import WorkingCalendar, add_months, local_day
from hub.tracking.models import FollowUp, FollowUpKind, FollowUpStatus, Journey
from hub.tracking.stages import Stage

OWNERS: dict[FollowUpKind, FollowUpOwner] = {
    FollowUpKind.STALLED_ENQUIRY: FollowUpOwner.COUNCIL,
    # The hub takes enquirers up to application: winning back those who withdrew is its job.
    FollowUpKind.RE_ENGAGEMENT: FollowUpOwner.HUB,
    FollowUpKind.RETENTION_CHECK_IN: FollowUpOwner.COUNCIL,
    FollowUpKind.EXIT_CONVERSATION: FollowUpOwner.COUNCIL,
    FollowUpKind.APPROVAL_REVIEW: FollowUpOwner.COUNCIL,
}
# Reg 28: the first review of approval within a year, then at least yearly (law, not policy).
REVIEW_MONTHS = 12
# How many keys one read checks (an IN list of row values, kept well under any bind limit).
_CHUNK = 500

FollowUpKey = tuple[int, FollowUpKind, int]  # (enquiry id, kind, occurrence): the unique key


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
    stage = journey.stage
    if stage == Stage.FIRST_CONTACT:
        due = calendar.add_working_days(day, policy.stalled_enquiry_working_days)
        return [Planned(FollowUpKind.STALLED_ENQUIRY, 0, due)]
    if stage == Stage.WITHDRAWN and consent:
        return [
            Planned(FollowUpKind.RE_ENGAGEMENT, months, add_months(day, months), True)
            for months in policy.re_engagement_months
        ]
    if stage == Stage.APPROVED:
        return [
            *(
                Planned(FollowUpKind.RETENTION_CHECK_IN, months, add_months(day, months))
                for months in policy.retention_check_in_months
            ),
            Planned(FollowUpKind.APPROVAL_REVIEW, REVIEW_MONTHS, add_months(day, REVIEW_MONTHS)),
        ]
    if stage == Stage.DEREGISTERED:
        due = calendar.add_working_days(day, policy.exit_conversation_working_days)
        return [Planned(FollowUpKind.EXIT_CONVERSATION, 0, due)]
    return []


def keyed(enquiry_id: int, planned: list[Planned]) -> dict[FollowUpKey, Planned]:
    return {(enquiry_id, item.kind, item.occurrence): item for item in planned}


def add_missing_follow_ups(
    session: Session, wanted: Mapping[FollowUpKey, Planned], now: datetime
) -> int:
    """Add each wanted follow-up that has no row yet (by its unique key); the number added."""
    keys = list(wanted)
    existing: set[FollowUpKey] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
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
                kind=item.kind,
                occurrence=item.occurrence,
                due_on=item.due_on,
                owner=OWNERS[item.kind],
                status=FollowUpStatus.DUE,
                needs_consent=item.needs_consent,
                created_at=now,
                outcome_detail={},
            )
        )
        created += 1
    return created
