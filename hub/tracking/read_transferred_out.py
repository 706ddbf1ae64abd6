"""What a council keeps of a referral it transferred: a read-only history up to the transfer.

After a transfer the referral belongs to the receiving council, and every read of it checks
who holds it now (``referrals.queries.find_referral``). The sending council still answers for
what it did, so it keeps this view: when the referral reached it, what it recorded, and the
transfer itself (to whom, why, who agreed), and nothing the new council does afterwards. No
contact details: they stay with the council that holds the referral. Scoped like every other
read (a council sees only transfers it made; anything else is 404, audited as denied) and
audited when read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import Enquiry
from hub.enquiries.references import is_reference
from hub.geo import find_authority_name
from hub.platform.db import Database
from hub.platform.errors import NotFoundError
from hub.referrals.models import RoutingDecisionRecord
from hub.tracking.models import JourneyStage

MAX_ITEMS = 100


def transfer_not_found() -> NotFoundError:
    return NotFoundError("Your team has transferred no referral with that reference.")


def list_transferred_out(
    db: Database, ctx: RequestContext, *, limit: int = MAX_ITEMS
) -> dict[str, Any]:
    """The referrals the caller's council transferred to another, newest transfer first."""
    codes = sorted(ctx.caller.authority_codes)
    if not codes:
        return {"items": []}
    decision = RoutingDecisionRecord
    latest = (
        select(decision.enquiry_id, func.max(decision.id).label("id"))
        .where(decision.transferred_from_code.in_(codes))
        .group_by(decision.enquiry_id)
        .subquery()
    )
    with db.transaction() as session:
        rows = session.execute(
            select(Enquiry.reference, decision.decided_at, decision.authority_code)
            .join(latest, latest.c.id == decision.id)
            .join(Enquiry, Enquiry.id == decision.enquiry_id)
            .order_by(decision.decided_at.desc(), decision.id.desc())
            .limit(max(1, min(limit, MAX_ITEMS)))
        ).all()
        items = [
            {
                "reference": row.reference,
                "transferred_at": row.decided_at,
                "to_code": row.authority_code,
                "to_name": find_authority_name(row.authority_code),
            }
            for row in rows
        ]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_TRANSFERRED_OUT,
            AuditOutcome.OK,
            detail={"references": [item["reference"] for item in items]},
        )
    return {"items": items}


def _transfer_of(
    session: Session, codes: list[str], reference: str
) -> tuple[Enquiry, RoutingDecisionRecord] | None:
    """The enquiry and the latest transfer the caller's council made of it, or None."""
    if not codes or not is_reference(reference):
        return None
    found = session.execute(
        select(Enquiry, RoutingDecisionRecord)
        .join(RoutingDecisionRecord, RoutingDecisionRecord.enquiry_id == Enquiry.id)
        .where(
            Enquiry.reference == reference,
            RoutingDecisionRecord.transferred_from_code.in_(codes),
        )
        .order_by(RoutingDecisionRecord.id.desc())
        .limit(1)
    ).first()
    return (found[0], found[1]) if found is not None else None


def _history(
    session: Session, enquiry_id: int, codes: list[str], until: datetime
) -> list[dict[str, Any]]:
    """What happened while the caller's council held the referral, up to the transfer."""
    entries: list[dict[str, Any]] = []
    events = session.scalars(
        select(JourneyEvent)
        .where(JourneyEvent.enquiry_id == enquiry_id, JourneyEvent.at <= until)
        .order_by(JourneyEvent.at, JourneyEvent.id)
    )
    for event in events:
        detail = event.detail or {}
        to_us = detail.get("authority_code") in codes
        from_us = detail.get("previous_authority_code") in codes
        if event.event == JourneyEventName.ACKNOWLEDGED and to_us:
            entries.append({"at": event.at, "what": "acknowledged"})
        elif event.event == JourneyEventName.TRANSFERRED and from_us:
            entries.append(
                {"at": event.at, "what": "transferred_out", "council": detail["authority_code"]}
            )
        elif to_us and event.event in (JourneyEventName.ROUTED, JourneyEventName.TRANSFERRED):
            entries.append(
                {"at": event.at, "what": "arrived", "council": detail.get("authority_code")}
            )
    stages = session.scalars(
        select(JourneyStage)
        .where(
            and_(
                JourneyStage.enquiry_id == enquiry_id,
                JourneyStage.authority_code.in_(codes),
                JourneyStage.recorded_at <= until,
            )
        )
        .order_by(JourneyStage.occurred_at, JourneyStage.id)
    )
    for stage in stages:
        entries.append(
            {
                "at": stage.occurred_at,
                "what": "stage",
                "stage": stage.stage,
                "reason": stage.reason,
                "note": stage.note,
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])


def get_transferred_out(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """One referral the caller's council transferred: its history up to the transfer."""
    codes = sorted(ctx.caller.authority_codes)
    with db.transaction() as session:
        found = _transfer_of(session, codes, reference)
        if found is not None:
            enquiry, decision = found
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_TRANSFERRED_OUT,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=decision.transferred_from_code,
            )
            return {
                "reference": enquiry.reference,
                "received_at": enquiry.created_at,
                "from_code": decision.transferred_from_code,
                "transferred_at": decision.decided_at,
                "to_code": decision.authority_code,
                "to_name": find_authority_name(decision.authority_code),
                "explanation": decision.explanation,
                "history": _history(session, enquiry.id, codes, decision.decided_at),
            }
    record_refusal(db, ctx, AuditAction.READ_TRANSFERRED_OUT, reference)
    raise transfer_not_found()
