"""The other enquiries of a referral's person, as its council and as the hub's operators see them.

A council sees its own earlier (and later) referrals of the person in full: reference, when,
outcome (the journey stage, else the status). Of an enquiry that went elsewhere (another
council, the hub's triage) it sees only that one exists and on which day, never where or
what. Operators see every match, with council and reference. Both reads are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.access.caller import Caller, RequestContext, SystemActor
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.models import DuplicateMark, Enquiry, RepeatMatch
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import NotFoundError
from hub.referrals.queries import REFERRAL_STATUSES, find_referral, referral_not_found
from hub.tracking.models import Journey


@dataclass(frozen=True, slots=True)
class Related:
    """Another enquiry of the same person: which, when (before or after), on what it matched."""

    enquiry: Enquiry
    before: bool
    matched_on: tuple[str, ...]


def related_enquiries(session: Session, enquiry: Enquiry) -> list[Related]:
    """Every enquiry matched with this one, either way, oldest first."""
    rows = session.execute(
        select(RepeatMatch).where(
            or_(RepeatMatch.enquiry_id == enquiry.id, RepeatMatch.earlier_id == enquiry.id)
        )
    ).scalars()
    links = {}
    for match in rows:
        before = match.enquiry_id == enquiry.id
        other_id = match.earlier_id if before else match.enquiry_id
        links[other_id] = (before, tuple(match.matched_on or ()))
    if not links:
        return []
    others = session.scalars(select(Enquiry).where(Enquiry.id.in_(sorted(links)))).all()
    return sorted(
        (Related(other, *links[other.id]) for other in others),
        key=lambda r: (r.enquiry.created_at, r.enquiry.id),
    )


def _outcomes(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Journey.enquiry_id, Journey.stage).where(Journey.enquiry_id.in_(ids))
    )
    return {int(enquiry_id): str(stage) for enquiry_id, stage in rows}


def _holds(caller: Caller | SystemActor, enquiry: Enquiry) -> bool:
    return enquiry.authority_code in caller.authority_codes and enquiry.status in REFERRAL_STATUSES


def _mark_of(session: Session, enquiry_id: int) -> DuplicateMark | None:
    return session.get(DuplicateMark, enquiry_id)


def _summary(enquiry: Enquiry, outcome: str | None, before: bool) -> dict[str, Any]:
    return {
        "reference": enquiry.reference,
        "received_at": enquiry.created_at,
        "outcome": outcome or enquiry.status,
        "before": before,
    }


def read_council_repeats(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """The council's view of a referral's person; 404 (audited) outside the caller's scope."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference)
        if enquiry is not None:
            related = related_enquiries(session, enquiry)
            mine = [r for r in related if _holds(ctx.caller, r.enquiry)]
            outcomes = _outcomes(session, [r.enquiry.id for r in mine])
            mark = _mark_of(session, enquiry.id)
            marked_of = session.get(Enquiry, mark.duplicate_of_id) if mark else None
            duplicates = session.scalars(
                select(Enquiry)
                .join(DuplicateMark, DuplicateMark.enquiry_id == Enquiry.id)
                .where(DuplicateMark.duplicate_of_id == enquiry.id)
                .order_by(Enquiry.created_at)
            ).all()
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_REPEATS,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
                detail={"references": [r.enquiry.reference for r in mine]},
            )
            return {
                "reference": enquiry.reference,
                "with_you": [
                    {
                        **_summary(r.enquiry, outcomes.get(r.enquiry.id), r.before),
                        "matched_on": list(r.matched_on),
                    }
                    for r in mine
                ],
                "elsewhere": [
                    {"received_on": r.enquiry.created_at.date(), "before": r.before}
                    for r in related
                    if not _holds(ctx.caller, r.enquiry)
                ],
                "duplicate_of": _marked(ctx.caller, mark, marked_of),
                "marked_duplicates": [d.reference for d in duplicates if _holds(ctx.caller, d)],
            }
    record_refusal(db, ctx, AuditAction.READ_REPEATS, reference)
    raise referral_not_found()


def _marked(
    caller: Caller | SystemActor, mark: DuplicateMark | None, of: Enquiry | None
) -> dict[str, Any] | None:
    if mark is None:
        return None
    held = of is not None and _holds(caller, of)
    return {
        # The other referral's reference only while the caller still holds it.
        "reference": of.reference if held and of is not None else None,
        "marked_at": mark.marked_at,
        "marked_by": mark.marked_by,
    }


def read_operator_repeats(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Every enquiry of the person, with council and status: for hub operators. Audited."""
    with db.transaction() as session:
        enquiry = find_enquiry_by_reference(session, reference)
        if enquiry is not None:
            related = related_enquiries(session, enquiry)
            outcomes = _outcomes(session, [r.enquiry.id for r in related])
            mark = _mark_of(session, enquiry.id)
            marked_of = session.get(Enquiry, mark.duplicate_of_id) if mark else None
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_REPEATS,
                AuditOutcome.OK,
                enquiry=enquiry,
                detail={"references": [r.enquiry.reference for r in related]},
            )
            return {
                "reference": enquiry.reference,
                "enquiries": [
                    {
                        **_summary(r.enquiry, outcomes.get(r.enquiry.id), r.before),
                        "status": r.enquiry.status,
                        "authority_code": r.enquiry.authority_code,
                        "authority_name": r.enquiry.authority_name,
                        "matched_on": list(r.matched_on),
                    }
                    for r in related
                ],
                "duplicate_of": (
                    {
                        "reference": marked_of.reference if marked_of else None,
                        "marked_at": mark.marked_at,
                        "marked_by": mark.marked_by,
                    }
                    if mark
                    else None
                ),
            }
    record_refusal(db, ctx, AuditAction.READ_REPEATS, reference)
    raise NotFoundError("No enquiry has this reference.")
