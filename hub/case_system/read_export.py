"""Exporting referrals for the council's case system: one, or the tray's filtered list.

Scoped as the tray is (``scoped_referrals``): only the caller's own council's referrals. Every
export is audited before a row is sent: who, which filter, how many rows; never the data. A
list is read in pages of ``PAGE`` by the tray's own keyset (what is due first, then id), each
page in a short read, so a long export neither holds a transaction open nor blocks writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.case_system.export_columns import CaseFacts, export_row
from hub.casework.queries import addresses_of, find_owner
from hub.casework.read_tray import tray_query
from hub.enquiries.models import Enquiry, RepeatMatch
from hub.platform.db import Database
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.queries import find_latest_decision, find_referral, referral_not_found
from hub.tracking.models import Journey
from hub.tracking.queries import find_journey

PAGE = 500


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """The tray's filters (``hub.casework.read_tray``); all empty: the whole team's tray."""

    view: str = "team"
    stage: str | None = None
    owner: str | None = None
    clock: str | None = None
    received_from: date | None = None
    received_to: date | None = None

    def audited(self) -> dict[str, Any]:
        return {
            key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in asdict(self).items()
            if value is not None
        }


def export_one(db: Database, ctx: RequestContext, reference: str, fmt: str) -> dict[str, Any]:
    """One referral as an export row; audited. Outside the caller's council: not found."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference)
        if enquiry is not None:
            row = export_row(enquiry, _facts_of(session, enquiry))
            add_audit_event(
                session,
                ctx,
                AuditAction.EXPORT_REFERRALS,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
                detail={"format": fmt, "count": 1, "references": [enquiry.reference]},
            )
            return row
    record_refusal(db, ctx, AuditAction.EXPORT_REFERRALS, reference, detail={"format": fmt})
    raise referral_not_found()


def _facts_of(session: Session, enquiry: Enquiry) -> CaseFacts:
    journey = find_journey(session, enquiry.id)
    owner = find_owner(session, enquiry)
    names = addresses_of(session, [owner.user_id] if owner is not None else [])
    decision = find_latest_decision(session, enquiry.id)
    repeat = session.scalar(select(exists().where(RepeatMatch.enquiry_id == enquiry.id)))
    return CaseFacts(
        stage=str(journey.stage) if journey is not None else None,
        stage_at=journey.stage_at if journey is not None else None,
        first_contact_at=journey.first_contact_at if journey is not None else None,
        owner_email=names.get(owner.user_id) if owner is not None else None,
        transferred_from_code=decision.transferred_from_code if decision is not None else None,
        repeat=bool(repeat),
    )


def _query(ctx: RequestContext, wanted: ExportFilter) -> tuple[Any, Any]:
    query, sort_key = tray_query(
        ctx,
        view=wanted.view,
        stage=wanted.stage,
        owner=wanted.owner,
        clock=wanted.clock,
        received_from=wanted.received_from,
        received_to=wanted.received_to,
    )
    transferred_from = (
        select(RoutingDecisionRecord.transferred_from_code)
        .where(RoutingDecisionRecord.enquiry_id == Enquiry.id)
        .order_by(RoutingDecisionRecord.id.desc())
        .limit(1)
        .correlate(Enquiry)
        .scalar_subquery()
    )
    query = query.add_columns(Journey.stage_at, transferred_from.label("transferred_from_code"))
    return query, sort_key


def start_export(db: Database, ctx: RequestContext, wanted: ExportFilter, fmt: str) -> int:
    """Audit the export of the tray's list under ``wanted`` and answer how many rows match."""
    query, _ = _query(ctx, wanted)
    with db.transaction() as session:
        count = 0
        if ctx.caller.authority_codes:
            count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        add_audit_event(
            session,
            ctx,
            AuditAction.EXPORT_REFERRALS,
            AuditOutcome.OK,
            detail={"format": fmt, "filter": wanted.audited(), "count": count},
        )
    return count


def export_rows(
    db: Database, ctx: RequestContext, wanted: ExportFilter
) -> Iterator[dict[str, Any]]:
    """The list's rows in the tray's order, read a page at a time (call ``start_export``
    first: it audits the export)."""
    if not ctx.caller.authority_codes:
        return
    query, sort_key = _query(ctx, wanted)
    after: tuple[datetime, int] | None = None
    while True:
        page_query = query
        if after is not None:
            after_key, after_id = after
            page_query = query.where(
                or_(sort_key > after_key, and_(sort_key == after_key, Enquiry.id > after_id))
            )
        with db.sessions() as session:
            rows = session.execute(page_query.limit(PAGE)).all()
            names = addresses_of(session, [r.user_id for r in rows if r.user_id is not None])
            page = [export_row(row[0], _row_facts(row, names)) for row in rows]
        yield from page  # with the session closed: a slow reader holds nothing open
        if len(rows) < PAGE:
            return
        after = (rows[-1].sort_key, rows[-1][0].id)


def _row_facts(row: Any, names: dict[int, str]) -> CaseFacts:
    return CaseFacts(
        stage=str(row.stage) if row.stage is not None else None,
        stage_at=row.stage_at,
        first_contact_at=row.first_contact_at,
        owner_email=names.get(row.user_id) if row.user_id is not None else None,
        transferred_from_code=row.transferred_from_code,
        repeat=bool(row.repeat),
    )
