"""What a council reads (read models for the inbox API): its referrals, one in full. Audited.

A referral outside the caller's scope is answered exactly like one that does not exist (the
API says 404), and the attempt is audited as ``denied``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.pagination import decode_cursor, encode_cursor
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import (
    REFERRAL_STATUSES,
    find_latest_decision,
    find_referral,
    referral_not_found,
    routed_at_column,
    scoped_referrals,
)

REFERRALS_CURSOR = "referrals"


def summary_of(enquiry: Enquiry, routed_at: datetime | None) -> dict[str, Any]:
    personal = enquiry.personal or {}
    return {
        "reference": enquiry.reference,
        "status": enquiry.status,
        "received_at": enquiry.created_at,
        "routed_at": routed_at,
        "acknowledged_at": enquiry.acknowledged_at,
        "interest": enquiry.interest,
        "connected_person": bool(enquiry.connected_person),
        "authority_code": enquiry.authority_code,
        "authority_name": enquiry.authority_name,
        "cluster": enquiry.cluster,
        "delivery_body": enquiry.delivery_body,
        "given_name": personal.get("given_name"),
        "family_name": personal.get("family_name"),
    }


def list_referrals(
    db: Database,
    ctx: RequestContext,
    *,
    limit: int = 25,
    cursor: str | None = None,
    status: str | None = None,
    received_since: datetime | None = None,
) -> dict[str, Any]:
    """The caller's referrals, newest first, one page; the read is audited (names shown)."""
    query = (
        scoped_referrals(ctx.caller)
        .add_columns(routed_at_column().label("routed_at"))
        .where(Enquiry.status.in_([status] if status else REFERRAL_STATUSES))
        .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
        .limit(limit + 1)
    )
    if received_since is not None:
        query = query.where(Enquiry.created_at >= received_since)
    if cursor:
        after_at, after_id = decode_cursor(REFERRALS_CURSOR, cursor)
        query = query.where(
            or_(
                Enquiry.created_at < after_at,
                and_(Enquiry.created_at == after_at, Enquiry.id < after_id),
            )
        )
    with db.transaction() as session:
        rows = session.execute(query).all() if ctx.caller.authority_codes else []
        page = rows[:limit]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_REFERRALS,
            AuditOutcome.OK,
            detail={
                "count": len(page),
                "references": [row[0].reference for row in page],
                "status": status,
            },
        )
    items = [summary_of(enquiry, at) for enquiry, at in page]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        next_cursor = encode_cursor(REFERRALS_CURSOR, last.created_at, last.id)
    return {"items": items, "next_cursor": next_cursor}


def _routing_of(record: RoutingDecisionRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    notice = (record.detail or {}).get("home_council_notice")
    return {
        "decided_at": record.decided_at,
        "decided_by": record.decided_by,
        "explanation": record.explanation,
        "transferred_from_code": record.transferred_from_code,
        "connected_person": bool(record.connected_person),
        "home_council_notice": (
            {
                "authority_code": notice["authority"]["code"],
                "authority_name": notice["authority"].get("name"),
                "reason": notice["reason"],
            }
            if notice
            else None
        ),
    }


def get_referral(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """One referral in full, personal data included; audited, and 404 outside the scope."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference)
        if enquiry is not None:
            decision = find_latest_decision(session, enquiry.id)
            routed_at = session.scalar(
                select(routed_at_column()).select_from(Enquiry).where(Enquiry.id == enquiry.id)
            )
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_REFERRAL,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
            )
            return _detail_of(enquiry, routed_at, decision)
    record_refusal(db, ctx, AuditAction.READ_REFERRAL, reference)
    raise referral_not_found()


def campaign_of(enquiry: Enquiry) -> dict[str, str]:
    """The campaign tags with the (decrypted) answer to "how did you hear about us"."""
    campaign = dict(enquiry.campaign or {})
    if enquiry.heard_from:
        campaign["heard_from"] = enquiry.heard_from
    return campaign


def _detail_of(
    enquiry: Enquiry, routed_at: datetime | None, decision: RoutingDecisionRecord | None
) -> dict[str, Any]:
    personal = dict(enquiry.personal or {})
    special = enquiry.special_category
    return {
        **summary_of(enquiry, routed_at),
        "enquirer": personal,
        "consent": {
            "privacy_notice": enquiry.consent_privacy_notice,
            "keep_in_touch": enquiry.consent_keep_in_touch,
        },
        "campaign": campaign_of(enquiry),
        "preferred_authority_code": enquiry.preferred_authority_code,
        "home_authority_code": enquiry.home_authority_code,
        "child_authority_code": enquiry.child_authority_code,
        "special_category": (
            {"special_category_data": True, "answers": dict(special)} if special else None
        ),
        "routing": _routing_of(decision),
    }
