"""The Stage 1 checks the law names, as tasks opened with the application.

Fostering Services (England) Regulations 2011 as amended 2013, reg 26(1A): the assessing
council must, among the Stage 1 checks,
- consult the applicant's home council when the applicant lives in another council's area
  (26(1A)(d)): a ``home_council_consultation`` task, and the home council is told through its
  channels (webhook or mailbox, event ``home_council.consultation``);
- ask for a reference from a fostering service the applicant fostered for in the last 12
  months (26(1A)(b)): a ``previous_provider_reference`` task, opened when the enquirer said at
  intake that they foster or are approved with another service, or when the council records it.

The home council is the one the latest routing decision named (``home_council_code``), when it
is not the council that now holds the referral. The routing-time notice tells the home council
an enquiry from its area went elsewhere; this task is the consultation the law ties to the
assessment.

Due day: the council's own target, ``stage_one_task_working_days`` working days after the
application (the rules file; the hub's default is local practice, not law: the regulations say
only that Stage 1 is done as soon as reasonably practicable). A task not received by the end
of its due day is overdue.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.caller import RequestContext
from hub.delivery.events import EventType, emit_event
from hub.delivery.links import api_path
from hub.enquiries.models import Enquiry
from hub.referrals.queries import find_latest_decision
from hub.rules import RuleSet
from hub.tracking.calendar import WorkingCalendar, local_day
from hub.tracking.models import AssessmentTask, AssessmentTaskKind, AssessmentTaskStatus

# The intake screening answers ("already fostering or approved with another service") that
# call for a previous provider's reference.
FOSTERING_ELSEWHERE = frozenset({"council", "agency"})
OPENED_AT_APPLICATION = "application"
OPENED_FROM_SCREENING = "screening"

SOURCES: dict[AssessmentTaskKind, str] = {
    AssessmentTaskKind.HOME_COUNCIL_CONSULTATION: (
        "Fostering Services (England) Regulations 2011, reg 26(1A)(d)"
    ),
    AssessmentTaskKind.PREVIOUS_PROVIDER_REFERENCE: (
        "Fostering Services (England) Regulations 2011, reg 26(1A)(b)"
    ),
}


def home_council_of(session: Session, enquiry: Enquiry) -> str | None:
    """The home council to consult: the latest decision's, unless it holds the referral."""
    decision = find_latest_decision(session, enquiry.id)
    home = decision.home_council_code if decision is not None else None
    return home if home and home != enquiry.authority_code else None


def fostered_elsewhere(enquiry: Enquiry) -> bool:
    """The enquirer said at intake they foster or are approved with another service."""
    screening = (enquiry.personal or {}).get("screening") or {}
    return screening.get("fostering_now") in FOSTERING_ELSEWHERE


def applies(task: AssessmentTask, holder: str | None) -> bool:
    """A consultation of the council that now holds the referral (it was transferred to the
    applicant's home council) has nobody left to consult: it is no longer shown or worked."""
    return task.consulted_code is None or task.consulted_code != holder


def list_tasks(session: Session, enquiry: Enquiry) -> list[AssessmentTask]:
    """The enquiry's tasks that apply under the council holding it now."""
    rows = session.scalars(
        select(AssessmentTask)
        .where(AssessmentTask.enquiry_id == enquiry.id)
        .order_by(AssessmentTask.id)
    )
    return [task for task in rows if applies(task, enquiry.authority_code)]


def find_task(
    session: Session, enquiry: Enquiry, kind: AssessmentTaskKind
) -> AssessmentTask | None:
    for task in list_tasks(session, enquiry):
        if task.kind == kind:
            return task
    return None


def due_day(
    application_at: datetime, rules: RuleSet, calendar: WorkingCalendar, code: str | None
) -> date:
    days = rules.clock_targets_for(code, local_day(application_at)).stage_one_task_working_days
    return calendar.add_working_days(local_day(application_at), days)


def open_task(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    kind: AssessmentTaskKind,
    *,
    application_at: datetime,
    opened_by: str,
    rules: RuleSet,
    calendar: WorkingCalendar,
    consulted_code: str | None = None,
) -> AssessmentTask | None:
    """Open ``kind`` for the enquiry (None when it is open already), in the caller's
    transaction; a consultation tells the home council."""
    if (
        session.scalars(
            select(AssessmentTask.id).where(
                AssessmentTask.enquiry_id == enquiry.id, AssessmentTask.kind == kind
            )
        ).first()
        is not None
    ):
        return None
    task = AssessmentTask(
        enquiry_id=enquiry.id,
        kind=kind,
        status=AssessmentTaskStatus.OPEN,
        authority_code=enquiry.authority_code,
        consulted_code=consulted_code,
        opened_by=opened_by,
        opened_at=ctx.now,
        due_on=due_day(application_at, rules, calendar, enquiry.authority_code),
        changed_at=ctx.now,
        changed_by=ctx.caller.actor,
    )
    session.add(task)
    session.flush()
    if kind is AssessmentTaskKind.HOME_COUNCIL_CONSULTATION and consulted_code:
        emit_event(
            session,
            EventType.HOME_COUNCIL_CONSULTATION,
            event_key=f"home_council.consultation:{task.id}",
            reference=enquiry.reference,
            authority_code=consulted_code,
            url_path=api_path("council.notices"),
            # Codes only: who assesses (the applicant's details stay with that council).
            data={"assessing_council": enquiry.authority_code or ""},
        )
    return task


def open_tasks_at_application(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    application_at: datetime,
    *,
    rules: RuleSet,
    calendar: WorkingCalendar,
) -> None:
    """The tasks the application calls for (``record_stage.add_stage``, same transaction)."""
    home = home_council_of(session, enquiry)
    if home is not None:
        open_task(
            session,
            ctx,
            enquiry,
            AssessmentTaskKind.HOME_COUNCIL_CONSULTATION,
            application_at=application_at,
            opened_by=OPENED_AT_APPLICATION,
            rules=rules,
            calendar=calendar,
            consulted_code=home,
        )
    if fostered_elsewhere(enquiry):
        open_task(
            session,
            ctx,
            enquiry,
            AssessmentTaskKind.PREVIOUS_PROVIDER_REFERENCE,
            application_at=application_at,
            opened_by=OPENED_FROM_SCREENING,
            rules=rules,
            calendar=calendar,
        )


def is_overdue(task: AssessmentTask, today: date, *, journey_ended: bool = False) -> bool:
    """Not received by the end of its due day (England), on a journey still going (a task of
    a withdrawn or ended journey is nobody's to chase)."""
    return not journey_ended and task.status != AssessmentTaskStatus.DONE and today > task.due_on


def task_view(
    task: AssessmentTask, reference: str, today: date, *, journey_ended: bool = False
) -> dict[str, Any]:
    return {
        "reference": reference,
        "kind": task.kind,
        "status": task.status,
        "source": SOURCES[task.kind],
        "consulted_code": task.consulted_code,
        "opened_by": task.opened_by,
        "opened_at": task.opened_at,
        "due_on": task.due_on,
        "due_basis": "local",
        "overdue": is_overdue(task, today, journey_ended=journey_ended),
        "request_sent_on": task.request_sent_on,
        "received_on": task.received_on,
        "note": task.note,
    }
