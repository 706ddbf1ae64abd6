"""Find a person among the caller's own referrals: by reference, name, e-mail, phone, postcode.

The term is read once (``hub.enquiries.search_keys.read_search_term``) into blind indexes and
compared in SQL with the indexes kept beside the encrypted details; nothing is decrypted to
search. The query always starts from ``scoped_referrals``, so a search never crosses
councils: another council's reference answers "no match" exactly like an unknown one, and is
audited as denied. Every search is audited with the kind of term, never the term.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.models import Enquiry
from hub.enquiries.search_keys import SearchKind, SearchTermError, read_search_term
from hub.platform.db import Database
from hub.platform.errors import ValidationFailedError
from hub.platform.pagination import decode_cursor, encode_cursor
from hub.referrals.inbox import REFERRALS_CURSOR, summary_of
from hub.referrals.queries import REFERRAL_STATUSES, routed_at_column, scoped_referrals


def search_referrals(
    db: Database,
    ctx: RequestContext,
    text: str,
    *,
    limit: int = 25,
    cursor: str | None = None,
    status: str | None = None,
    received_since: datetime | None = None,
) -> dict[str, Any]:
    """The caller's referrals matching ``text``, newest first, one page (as the list's)."""
    try:
        term = read_search_term(text)
    except SearchTermError as error:
        raise ValidationFailedError(
            str(error), errors=[{"field": "q", "message": str(error)}]
        ) from error
    query = (
        scoped_referrals(ctx.caller)
        .add_columns(routed_at_column().label("routed_at"))
        .where(Enquiry.status.in_([status] if status else REFERRAL_STATUSES))
        .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
        .limit(limit + 1)
    )
    if term.kind is SearchKind.REFERENCE:
        query = query.where(Enquiry.reference == term.reference)
    else:
        query = query.where(or_(*(getattr(Enquiry, col) == value for col, value in term.matches)))
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
    detail = {"kind": str(term.kind), "status": status}
    with db.transaction() as session:
        rows = session.execute(query).all() if ctx.caller.authority_codes else []
        page = rows[:limit]
        if page or term.kind is not SearchKind.REFERENCE:
            add_audit_event(
                session,
                ctx,
                AuditAction.SEARCH_REFERRALS,
                AuditOutcome.OK,
                reference=term.reference,
                detail={
                    **detail,
                    "count": len(page),
                    "references": [row[0].reference for row in page],
                },
            )
    if not page and term.reference is not None:
        # Another council's reference (or none at all): "no match", and the row names it.
        record_refusal(db, ctx, AuditAction.SEARCH_REFERRALS, term.reference, detail=detail)
    items = [summary_of(enquiry, at) for enquiry, at in page]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        next_cursor = encode_cursor(REFERRALS_CURSOR, last.created_at, last.id)
    return {"items": items, "next_cursor": next_cursor, "kind": str(term.kind)}
