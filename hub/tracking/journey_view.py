"""What a council reads about one referral's journey: stages, clocks, follow-ups, tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.enquiries.models import Enquiry
from hub.tracking.assessment_tasks import list_tasks, task_view
from hub.tracking.calendar import local_day
from hub.tracking.clocks import clock_view
from hub.tracking.models import FollowUp
from hub.tracking.queries import find_journey, list_clocks, list_follow_ups_of, list_stages
from hub.tracking.stages import JourneyState


def follow_up_view(follow_up: FollowUp, reference: str) -> dict[str, Any]:
    return {
        "id": follow_up.id,
        "reference": reference,
        "kind": follow_up.kind,
        "occurrence": follow_up.occurrence,
        "due_on": follow_up.due_on,
        "owner": follow_up.owner,
        "status": follow_up.status,
        "needs_consent": follow_up.needs_consent,
        "outcome": follow_up.outcome,
        "outcome_detail": follow_up.outcome_detail or {},
        "completed_at": follow_up.completed_at,
        "note": follow_up.note,
    }


def journey_view(session: Session, enquiry: Enquiry, now: datetime) -> dict[str, Any]:
    journey = find_journey(session, enquiry.id)
    state = JourneyState(
        journey.stage if journey is not None else None,
        journey.position if journey is not None else 0,
    )
    return {
        "reference": enquiry.reference,
        "authority_code": enquiry.authority_code,
        "stage": journey.stage if journey is not None else None,
        "allowed_stages": [str(stage) for stage in state.allowed()],
        "stages": [
            {
                "stage": row.stage,
                "occurred_at": row.occurred_at,
                "recorded_at": row.recorded_at,
                "authority_code": row.authority_code,
                "reason": row.reason,
                "ofsted_code": row.ofsted_code,
                "written_reasons_sent_on": row.written_reasons_sent_on,
                "written_reasons_not_sent": row.written_reasons_not_sent,
                "note": row.note,
            }
            for row in list_stages(session, enquiry.id)
        ],
        "clocks": [clock_view(clock, now) for clock in list_clocks(session, enquiry.id)],
        "follow_ups": [
            follow_up_view(item, enquiry.reference)
            for item in list_follow_ups_of(session, enquiry.id)
        ],
        "tasks": [
            task_view(
                task,
                enquiry.reference,
                local_day(now),
                journey_ended=journey is not None and journey.ended_at is not None,
            )
            for task in list_tasks(session, enquiry)
        ],
    }
