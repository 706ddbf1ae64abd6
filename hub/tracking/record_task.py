"""A council works a Stage 1 task: opens a previous provider's reference by hand, records the
day the request was sent, the day the views or the reference came back, and a note.

One transaction, the enquiry row locked (as every council action). The days are in England,
not before the application, not in the future, and the reply not before the request (a
problem+json field error, nothing stored). A referral outside the caller's scope, or a task
of a referral another council now holds, is answered as not found and audited as denied.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError, ValidationFailedError
from hub.referrals.queries import find_referral, referral_not_found
from hub.rules import get_active_rules
from hub.tracking.assessment_tasks import find_task, open_task, task_view
from hub.tracking.calendar import local_day
from hub.tracking.errors import NoApplicationError, task_not_found
from hub.tracking.models import AssessmentTask, AssessmentTaskKind, AssessmentTaskStatus
from hub.tracking.policy import calendar_for
from hub.tracking.queries import find_journey


def open_task_by_hand(
    db: Database, ctx: RequestContext, reference: str, kind: AssessmentTaskKind
) -> dict[str, Any]:
    """Open a previous provider's reference the council found was needed (idempotent: an
    open task of that kind is answered as it is)."""
    return _act(db, ctx, reference, AuditAction.OPEN_TASK, kind, _open, {})


def record_task(
    db: Database,
    ctx: RequestContext,
    reference: str,
    kind: AssessmentTaskKind,
    *,
    request_sent_on: date | None = None,
    received_on: date | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record what happened to the task; a day left out keeps its recorded value."""
    values = {"request_sent_on": request_sent_on, "received_on": received_on, "note": note}
    return _act(db, ctx, reference, AuditAction.RECORD_TASK, kind, _record, values)


def _open(
    ctx: RequestContext, task: AssessmentTask | None, found: Any, values: dict[str, Any]
) -> AssessmentTask:
    session, enquiry, journey = found
    if task is not None:
        return task
    opened = open_task(
        session,
        ctx,
        enquiry,
        AssessmentTaskKind.PREVIOUS_PROVIDER_REFERENCE,
        application_at=journey.application_at,
        opened_by=ctx.caller.actor,
        rules=get_active_rules(),
        calendar=calendar_for(get_active_rules(), enquiry.authority_code),
    )
    assert opened is not None
    return opened


def _record(
    ctx: RequestContext, task: AssessmentTask | None, found: Any, values: dict[str, Any]
) -> AssessmentTask:
    _session, _enquiry, journey = found
    if task is None:
        raise task_not_found()
    applied = local_day(journey.application_at)
    today = local_day(ctx.now)
    sent = values["request_sent_on"] or task.request_sent_on
    received = values["received_on"] or task.received_on
    errors: list[dict[str, str]] = []
    for field, day in (("request_sent_on", sent), ("received_on", received)):
        if day is None or values[field] is None:
            continue
        if day < applied:
            errors.append(
                {
                    "field": field,
                    "message": f"Give a day on or after the application ({_words(applied)}).",
                }
            )
        elif day > today:
            errors.append({"field": field, "message": "Give a day that is not in the future."})
    if received is not None and sent is None:
        errors.append(
            {"field": "received_on", "message": "Record the day the request was sent first."}
        )
    elif received is not None and sent is not None and received < sent:
        errors.append(
            {
                "field": "received_on",
                "message": f"Give a day on or after the request was sent ({_words(sent)}).",
            }
        )
    if errors:
        raise ValidationFailedError(errors[0]["message"], errors=errors)
    task.request_sent_on = sent
    task.received_on = received
    if values["note"] is not None:
        task.note = values["note"]
    task.status = (
        AssessmentTaskStatus.DONE
        if received is not None
        else AssessmentTaskStatus.REQUESTED
        if sent is not None
        else AssessmentTaskStatus.OPEN
    )
    task.changed_at = ctx.now
    task.changed_by = ctx.caller.actor
    return task


def _words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"  # 3 December 2026


def _act(
    db: Database,
    ctx: RequestContext,
    reference: str,
    action: AuditAction,
    kind: AssessmentTaskKind,
    change: Any,
    values: dict[str, Any],
) -> dict[str, Any]:
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                holder = enquiry.authority_code
                journey = find_journey(session, enquiry.id)
                try:
                    if journey is None or journey.application_at is None:
                        raise NoApplicationError(
                            "Record the application first: the Stage 1 tasks open with it."
                        )
                    task = change(
                        ctx,
                        find_task(session, enquiry, kind),
                        (session, enquiry, journey),
                        values,
                    )
                except HubError as exc:
                    refusal = exc
                else:
                    add_audit_event(
                        session,
                        ctx,
                        action,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=holder,
                        detail={"kind": str(kind), "status": str(task.status)},
                    )
                    session.flush()
                    return task_view(task, enquiry.reference, local_day(ctx.now))
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    if refusal is not None:
        record_refusal(
            db,
            ctx,
            action,
            reference,
            outcome=AuditOutcome.REFUSED,
            visible_to=holder,
            detail={"kind": str(kind), "code": refusal.code},
        )
        raise refusal
    record_refusal(db, ctx, action, reference, detail={"kind": str(kind)})
    raise referral_not_found()
