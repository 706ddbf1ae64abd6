"""Importing outcomes from the council's case system: preview (nothing stored), then apply
all or nothing.

Both run the same steps in one transaction, each row through the journey's own use case
(``tracking.record_stage.add_stage``), so the state machine, the clocks, the follow-ups and the
changes feed apply as for a stage recorded on the page. A preview then rolls back; an apply
commits only when every row is fine, and otherwise rolls back and answers every row's result.
A row whose stage is already recorded for that day is "already recorded" and changes nothing,
so the same file applied twice changes nothing the second time.

A reference that is not one of the caller's council's referrals (another council's, or none) is
a row error saying only that; each is audited as denied. The audit names the file's counts,
never its contents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.case_system.outcomes_file import OutcomeRow, read_outcomes_file
from hub.enquiries.models import Enquiry
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, ValidationFailedError
from hub.referrals.queries import find_referral
from hub.rules import get_active_rules
from hub.tracking.calendar import local_day
from hub.tracking.errors import StageNotAllowedError, StageTimeError
from hub.tracking.models import JourneyStage
from hub.tracking.ofsted_reasons import NotProgressedReason, current_code
from hub.tracking.record_stage import NO_RESPONSE_ELSEWHERE, add_stage, moment_on_day
from hub.tracking.stages import REASONS, Stage

WILL_RECORD = "will_record"
RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"
REFUSED = "refused"
NOT_YOURS = "No referral with this reference is held by your council."
# Denied references named in audit rows, at most (the count is always in the summary row).
_AUDITED_DENIALS = 200


@dataclass(frozen=True, slots=True)
class _Outcome:
    rows: list[dict[str, Any]]
    denied: list[str]


class _Undo(Exception):
    """Rolls back the transaction that checked (or applied with errors) the rows."""

    def __init__(self, outcome: _Outcome) -> None:
        super().__init__("rolled back")
        self.outcome = outcome


def preview_import(db: Database, ctx: RequestContext, data: bytes) -> dict[str, Any]:
    """Each row's result as an apply would record it; nothing is stored but the audit row."""
    rows = read_outcomes_file(data)
    try:
        with db.transaction() as session:
            raise _Undo(_run(session, ctx, rows, applying=False))
    except _Undo as undo:
        outcome = undo.outcome
    except StaleDataError as exc:
        raise ConcurrentChangeError("A referral changed meanwhile; preview again.") from exc
    summary = _summary(outcome.rows)
    _audit(db, ctx, AuditAction.PREVIEW_IMPORT, AuditOutcome.OK, summary, outcome.denied)
    return {"applied": False, "summary": summary, "rows": outcome.rows}


def apply_import(db: Database, ctx: RequestContext, data: bytes) -> dict[str, Any]:
    """Record every row, or none: any refused row rolls all back (422 with every row)."""
    rows = read_outcomes_file(data)
    try:
        with db.transaction() as session:
            outcome = _run(session, ctx, rows, applying=True)
            summary = _summary(outcome.rows)
            if summary[REFUSED]:
                raise _Undo(outcome)
            add_audit_event(session, ctx, AuditAction.APPLY_IMPORT, AuditOutcome.OK, detail=summary)
    except _Undo as undo:
        for row in undo.outcome.rows:  # rolled back: what would be recorded, once fixed
            if row["result"] == RECORDED:
                row["result"] = WILL_RECORD
        summary = _summary(undo.outcome.rows)
        _audit(
            db, ctx, AuditAction.APPLY_IMPORT, AuditOutcome.REFUSED, summary, undo.outcome.denied
        )
        raise ValidationFailedError(
            f"{summary[REFUSED]} of {summary['rows']} rows need checking; nothing was recorded.",
            errors=[
                {"field": f"rows[{row['line']}].{error['field']}", "message": error["message"]}
                for row in undo.outcome.rows
                for error in row["errors"]
            ][:1000],
            extra={"summary": summary, "rows": undo.outcome.rows},
        ) from None
    except StaleDataError as exc:
        raise ConcurrentChangeError("A referral changed meanwhile; apply again.") from exc
    return {"applied": True, "summary": summary, "rows": outcome.rows}


def _run(
    session: Session, ctx: RequestContext, rows: list[OutcomeRow], *, applying: bool
) -> _Outcome:
    results: list[dict[str, Any]] = []
    denied: list[str] = []
    rules = get_active_rules()
    for row in rows:
        enquiry = None
        if not row.errors:
            enquiry = find_referral(session, ctx.caller, row.reference, for_update=True)
            if enquiry is None:
                row.refuse("reference", NOT_YOURS)
                denied.append(row.reference[:40])
        stage = _stage_of(row)
        result = REFUSED
        if enquiry is not None and stage is not None and row.day is not None and not row.errors:
            result = _one(session, ctx, enquiry, row, stage, rules, applying=applying)
        results.append(
            {
                "line": row.line,
                "reference": row.reference[:40],
                "stage": row.stage[:40],
                "date": row.day.isoformat() if row.day else row.date_text[:40],
                "reason": (row.reason or "")[:60] or None,
                "result": result,
                "errors": row.errors,
            }
        )
    return _Outcome(results, denied)


def _stage_of(row: OutcomeRow) -> Stage | None:
    """The row's stage, with its reason checked as the progress API checks it."""
    if not row.stage:
        return None
    try:
        stage = Stage(row.stage.lower())
    except ValueError:
        row.refuse("stage", f"{row.stage[:40]!r} is not a stage; stages: {', '.join(Stage)}.")
        return None
    allowed = REASONS.get(stage)
    reason = row.reason.lower() if row.reason else None
    row.reason = reason
    if allowed is None and reason is not None:
        row.refuse("reason", "Only withdrawn, not_progressed and deregistered take a reason.")
    elif allowed is not None and reason is None:
        row.refuse("reason", f"{stage} needs a reason: one of {', '.join(allowed)}.")
    elif stage is Stage.NOT_PROGRESSED and reason == NotProgressedReason.NO_RESPONSE:
        row.refuse("reason", NO_RESPONSE_ELSEWHERE)
    elif allowed is not None and current_code(stage, reason)[0] not in allowed:
        row.refuse("reason", f"Must be one of: {', '.join(allowed)}.")
    return stage


def _one(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    row: OutcomeRow,
    stage: Stage,
    rules: Any,
    *,
    applying: bool,
) -> str:
    assert row.day is not None
    if _already_recorded(session, enquiry, stage, row):
        return ALREADY_RECORDED
    at: datetime = moment_on_day(session, enquiry, row.day, ctx.now)
    try:
        add_stage(session, ctx, enquiry, stage, at, reason=row.reason, note=None, rules=rules)
    except StageNotAllowedError as exc:
        row.refuse("stage", exc.detail)
        return REFUSED
    except StageTimeError as exc:
        row.refuse("date", exc.detail.replace("occurred_at", "The date"))
        return REFUSED
    add_audit_event(
        session,
        ctx,
        AuditAction.RECORD_PROGRESS,
        AuditOutcome.OK,
        enquiry=enquiry,
        visible_to=enquiry.authority_code,
        detail={"stage": str(stage), "reason": row.reason, "source": "import"},
    )
    return RECORDED if applying else WILL_RECORD


def _already_recorded(session: Session, enquiry: Enquiry, stage: Stage, row: OutcomeRow) -> bool:
    """This council has recorded this stage for this referral on this day (England)."""
    recorded = session.scalars(
        select(JourneyStage.occurred_at).where(
            JourneyStage.enquiry_id == enquiry.id,
            JourneyStage.stage == stage,
            JourneyStage.authority_code == enquiry.authority_code,
        )
    )
    return any(local_day(at) == row.day for at in recorded)


def _summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = Counter(row["result"] for row in rows)
    return {
        "rows": len(rows),
        WILL_RECORD: counts[WILL_RECORD],
        RECORDED: counts[RECORDED],
        ALREADY_RECORDED: counts[ALREADY_RECORDED],
        REFUSED: counts[REFUSED],
    }


def _audit(
    db: Database,
    ctx: RequestContext,
    action: AuditAction,
    outcome: AuditOutcome,
    summary: dict[str, int],
    denied: list[str],
) -> None:
    """The summary row, and a denied row for each reference the caller does not hold."""
    with db.transaction() as session:
        add_audit_event(session, ctx, action, outcome, detail=summary)
        for reference in denied[:_AUDITED_DENIALS]:
            add_audit_event(
                session,
                ctx,
                action,
                AuditOutcome.DENIED,
                enquiry=find_enquiry_by_reference(session, reference),
                reference=reference,
            )
