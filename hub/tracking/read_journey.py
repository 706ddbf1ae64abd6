"""What councils and operators read from the tracking store; every read is audited.

A referral or follow-up outside the caller's scope is answered like one that does not exist
(404), and the attempt is audited as denied.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.referrals.queries import find_referral, referral_not_found
from hub.tracking.clocks import clock_view
from hub.tracking.journey_view import follow_up_view, journey_view
from hub.tracking.models import ClockState, FollowUp, JourneyClock
from hub.tracking.queries import is_hub_operator, scoped_follow_ups

MAX_ITEMS = 500


def get_journey(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Stages, clocks and follow-ups of the caller's referral."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference)
        if enquiry is not None:
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_JOURNEY,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
            )
            return journey_view(session, enquiry, ctx.now)
    record_refusal(db, ctx, AuditAction.READ_JOURNEY, reference)
    raise referral_not_found()


def list_follow_ups(
    db: Database,
    ctx: RequestContext,
    *,
    status: str | None = None,
    due_before: date | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    """The caller's follow-ups (council-owned for a council, hub-owned for operators)."""
    if not ctx.caller.authority_codes and not is_hub_operator(ctx.caller):
        return {"items": [], "count": 0}
    query = scoped_follow_ups(ctx.caller).order_by(FollowUp.due_on, FollowUp.id).limit(MAX_ITEMS)
    if status:
        query = query.where(FollowUp.status == status)
    if due_before is not None:
        query = query.where(FollowUp.due_on <= due_before)
    if kind:
        query = query.where(FollowUp.kind == kind)
    with db.transaction() as session:
        rows = session.execute(query).all()
        items = [follow_up_view(follow_up, enquiry.reference) for enquiry, follow_up in rows]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_FOLLOW_UPS,
            AuditOutcome.OK,
            visible_to=None if is_hub_operator(ctx.caller) else ctx.caller.scope_label,
            detail={"count": len(items)},
        )
    return {"items": items, "count": len(items)}


def list_clocks_for_operators(
    db: Database, ctx: RequestContext, *, state: str, authority_code: str | None = None
) -> dict[str, Any]:
    """Clocks in ``state`` across all councils (codes and references only), oldest first."""
    query = (
        select(JourneyClock, Enquiry.reference)
        .join(Enquiry, Enquiry.id == JourneyClock.enquiry_id)
        .order_by(JourneyClock.due_at, JourneyClock.id)
        .limit(MAX_ITEMS)
    )
    if state == ClockState.BREACHED:
        # Running clocks past due are breached even before the sweep has come round.
        query = query.where(
            (JourneyClock.state == ClockState.BREACHED)
            | ((JourneyClock.state == ClockState.RUNNING) & (JourneyClock.due_at <= ctx.now))
        )
    else:
        query = query.where(JourneyClock.state == state)
    if authority_code:
        query = query.where(JourneyClock.authority_code == authority_code)
    with db.transaction() as session:
        items = [
            {**clock_view(clock, ctx.now), "reference": reference}
            for clock, reference in session.execute(query).all()
        ]
        add_audit_event(
            session, ctx, AuditAction.LIST_CLOCKS, AuditOutcome.OK, detail={"state": state}
        )
    return {"items": items, "count": len(items)}
