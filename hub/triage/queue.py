"""The triage queue: enquiries waiting for a person at the hub (or closed from it), with why.

One read for the API and the page: filters (why it waits, how long, the campaign source),
four orders (received oldest or newest first, waiting longest or shortest first) each with its
own keyset cursor, and search. Search reads the term as the council's search does
(``hub.enquiries.search_keys.read_search_term``: a reference, or the blind indexes of a name,
e-mail address, phone number, postcode or district) and only ever within the queue's own
enquiries, which operators may list anyway; it is audited with the kind of term, never the term.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.search_keys import SearchKind, SearchTermError, read_search_term
from hub.platform.db import Database
from hub.platform.errors import ValidationFailedError
from hub.platform.models import utcnow
from hub.platform.pagination import decode_cursor, encode_cursor
from hub.referrals.models import RoutingDecisionRecord

log = structlog.get_logger(__name__)

TRIAGE_CURSOR = "triage"


class TriageSort(StrEnum):
    """The orders of the list; each has its own cursor kind, and a page after the first
    continues in its cursor's order."""

    OLDEST = "oldest"  # received first (the default)
    NEWEST = "newest"
    LONGEST_WAITING = "longest_waiting"  # in the queue since the earliest
    SHORTEST_WAITING = "shortest_waiting"


class TriageState(StrEnum):
    """Which enquiries: those waiting (the queue), or those an operator closed from it."""

    WAITING = "waiting"
    CLOSED = "closed"


_STATUS = {TriageState.WAITING: EnquiryStatus.TRIAGE, TriageState.CLOSED: EnquiryStatus.CLOSED}


def _cursor_kind(sort: TriageSort) -> str:
    return TRIAGE_CURSOR if sort is TriageSort.OLDEST else f"{TRIAGE_CURSOR}_{sort}"


_SORT_OF_KIND = {_cursor_kind(sort): sort for sort in TriageSort}
TRIAGE_CURSOR_KINDS = tuple(_SORT_OF_KIND)


@dataclass(frozen=True, slots=True)
class TriageFilters:
    """What narrows the list; every field optional."""

    state: TriageState = TriageState.WAITING
    reason_code: str | None = None
    source: str | None = None  # the campaign's utm_source
    waiting_days: int | None = None  # in the queue (or closed) at least this many days
    q: str | None = None


def _latest_reason_code() -> Any:
    return (
        select(RoutingDecisionRecord.reason_code)
        .where(RoutingDecisionRecord.enquiry_id == Enquiry.id)
        .order_by(RoutingDecisionRecord.decided_at.desc(), RoutingDecisionRecord.id.desc())
        .limit(1)
        .correlate(Enquiry)
        .scalar_subquery()
    )


def _source() -> Any:
    return Enquiry.campaign["utm_source"].as_string()


def _search(text: str) -> tuple[SearchKind, str | None, ColumnElement[bool]]:
    try:
        term = read_search_term(text)
    except SearchTermError as error:
        raise ValidationFailedError(
            str(error), errors=[{"field": "q", "message": str(error)}]
        ) from error
    if term.kind is SearchKind.REFERENCE:
        return term.kind, term.reference, Enquiry.reference == term.reference
    condition = or_(*(getattr(Enquiry, col) == value for col, value in term.matches))
    return term.kind, None, condition


def list_triage(
    db: Database,
    ctx: RequestContext | None = None,
    *,
    limit: int = 25,
    cursor: str | None = None,
    sort: TriageSort = TriageSort.OLDEST,
    filters: TriageFilters | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One page of the queue (or of closed enquiries), with why each waits.

    A search (``filters.q``) needs ``ctx``: it is audited as ``search_triage`` with the kind of
    term and the references found. Raises ValidationFailedError for a term search cannot read
    and InvalidCursorError for a cursor that is not one of this list's. A cursor carries its
    order: the page after it is in that order, whatever ``sort`` says.
    """
    filters = filters or TriageFilters()
    if cursor:
        sort = _SORT_OF_KIND.get(cursor.split(".", 1)[0], sort)
    reason = _latest_reason_code().label("reason_code")
    by_received = sort in (TriageSort.OLDEST, TriageSort.NEWEST)
    column = Enquiry.created_at if by_received else Enquiry.status_changed_at
    descending = sort in (TriageSort.NEWEST, TriageSort.SHORTEST_WAITING)
    query = select(Enquiry, reason).where(Enquiry.status == _STATUS[filters.state])
    if filters.reason_code:
        query = query.where(_latest_reason_code() == filters.reason_code)
    if filters.source:
        query = query.where(_source() == filters.source)
    if filters.waiting_days is not None:
        since = (now or utcnow()) - timedelta(days=filters.waiting_days)
        query = query.where(Enquiry.status_changed_at <= since)
    kind: SearchKind | None = None
    searched_reference = None
    if filters.q and filters.q.strip():
        if ctx is None:
            raise ValueError("a search of the triage queue needs the caller, to audit it")
        kind, searched_reference, condition = _search(filters.q)
        query = query.where(condition)
    if cursor:
        after_at, after_id = decode_cursor(_cursor_kind(sort), cursor)
        later = column < after_at if descending else column > after_at
        after = Enquiry.id < after_id if descending else Enquiry.id > after_id
        query = query.where(or_(later, and_(column == after_at, after)))
    order = (column.desc(), Enquiry.id.desc()) if descending else (column, Enquiry.id)
    query = query.order_by(*order).limit(limit + 1)
    with db.transaction() as session:
        rows = session.execute(query).all()
        page = rows[:limit]
        if kind is not None and ctx is not None:
            add_audit_event(
                session,
                ctx,
                AuditAction.SEARCH_TRIAGE,
                AuditOutcome.OK,
                reference=searched_reference if page else None,
                detail={
                    "kind": str(kind),
                    "state": str(filters.state),
                    "count": len(page),
                    "references": [row[0].reference for row in page],
                },
            )
    items = [
        {
            "reference": enquiry.reference,
            "status": enquiry.status,
            "received_at": enquiry.created_at,
            "in_triage_since": enquiry.status_changed_at,
            "reason_code": reason_code,
            "interest": enquiry.interest,
            "preferred_authority_code": enquiry.preferred_authority_code,
            "source": (enquiry.campaign or {}).get("utm_source"),
        }
        for enquiry, reason_code in page
    ]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        at = last.created_at if by_received else last.status_changed_at
        next_cursor = encode_cursor(_cursor_kind(sort), at, last.id)
    return {
        "items": items,
        "next_cursor": next_cursor,
        "kind": str(kind) if kind is not None else None,
    }


def list_triage_sources(db: Database, state: TriageState = TriageState.WAITING) -> list[str]:
    """The campaign sources among the queue's enquiries, for the page's filter."""
    with db.sessions() as session:
        values = session.scalars(
            select(_source()).where(Enquiry.status == _STATUS[state]).distinct()
        ).all()
    return sorted(str(v) for v in values if v)
