"""Writing the audit log: who (token and scope) did what to which enquiry, when, and how."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditEvent, AuditOutcome
from hub.enquiries.models import Enquiry
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database


def add_audit_event(
    session: Session,
    ctx: RequestContext,
    action: AuditAction,
    outcome: AuditOutcome,
    *,
    enquiry: Enquiry | None = None,
    reference: str | None = None,
    visible_to: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit row to the session's transaction. ``detail`` holds codes only."""
    session.add(
        AuditEvent(
            at=ctx.now,
            actor=ctx.caller.actor,
            actor_scope=ctx.caller.scope_label,
            action=action,
            outcome=outcome,
            enquiry_id=enquiry.id if enquiry is not None else None,
            enquiry_reference=enquiry.reference if enquiry is not None else reference,
            visible_to=visible_to,
            request_id=ctx.request_id,
            detail=detail or {},
        )
    )


def record_refusal(
    db: Database,
    ctx: RequestContext,
    action: AuditAction,
    reference: str,
    *,
    outcome: AuditOutcome = AuditOutcome.DENIED,
    visible_to: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Audit a denied or refused attempt in its own transaction (the attempt's rolled back).

    The row names the enquiry's id when the reference exists, so an investigation can see
    which referral someone outside its scope asked for; the caller is told nothing.
    """
    with db.transaction() as session:
        enquiry = find_enquiry_by_reference(session, reference)
        add_audit_event(
            session,
            ctx,
            action,
            outcome,
            enquiry=enquiry,
            reference=reference[:40],
            visible_to=visible_to,
            detail=detail,
        )
