"""One referral's casework as its holding council reads it: owner, contact log, notes, and
what closing it as "no response" still needs. Scoped and audited (notes are read)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub.access.caller import Caller, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.casework.add_note import note_view
from hub.casework.book import booking_view
from hub.casework.close_no_response import readiness_of
from hub.casework.models import ClosureState, InfoEvent
from hub.casework.queries import (
    addresses_of,
    find_closure,
    find_owner,
    journey_position,
    list_attempts,
    list_bookings,
    list_notes,
    may_own,
)
from hub.casework.record_contact import attempt_view
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.referrals.queries import find_referral, referral_not_found
from hub.rules import get_active_rules
from hub.teams.queries import list_members


def _user_id(actor: str | None) -> int | None:
    if actor and actor.startswith("user:") and actor[5:].isdigit():
        return int(actor[5:])
    return None


def read_casework(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """The referral's casework; 404 (audited as denied) outside the caller's scope."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference)
        if enquiry is not None:
            view = _casework(session, ctx, enquiry)
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_CASEWORK,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
            )
            return view
    record_refusal(db, ctx, AuditAction.READ_CASEWORK, reference)
    raise referral_not_found()


def _casework(session: Session, ctx: RequestContext, enquiry: Enquiry) -> dict[str, Any]:
    owner = find_owner(session, enquiry)
    attempts = list_attempts(session, enquiry)
    notes = list_notes(session, enquiry)
    closure = find_closure(session, enquiry)
    bookings = list_bookings(session, enquiry)
    position, ended = journey_position(session, enquiry.id)
    readiness = readiness_of(session, enquiry)
    policy = get_active_rules().tracking.no_response
    people = [
        _user_id(actor)
        for actor in [
            *(a.actor for a in attempts),
            *(n.actor for n in notes),
            closure.requested_by if closure else None,
        ]
    ]
    if owner is not None:
        people.append(owner.user_id)
    people.extend(b.officer_id for b in bookings)
    names = addresses_of(session, [p for p in people if p is not None])

    def by(actor: str | None) -> str | None:
        found = _user_id(actor)
        return names.get(found) if found is not None else None

    return {
        "reference": enquiry.reference,
        "owner": (
            {
                "user_id": owner.user_id,
                "email": names.get(owner.user_id),
                "assigned_at": owner.assigned_at,
            }
            if owner is not None
            else None
        ),
        "attempts": [{**attempt_view(a), "by_email": by(a.actor)} for a in attempts],
        "notes": [{**note_view(n), "by_email": by(n.actor)} for n in notes],
        "no_response": {
            "attempts_required": policy.attempts,
            "working_days_required": policy.working_days,
            "unanswered_attempts": readiness.attempts,
            "working_days": readiness.working_days,
            "ready": readiness.ready,
            "missing": readiness.missing_words or None,
            "state": closure.state if closure is not None else None,
            "requested_by_email": by(closure.requested_by) if closure is not None else None,
            "requested_at": closure.requested_at if closure is not None else None,
            "waiting_for_manager": closure is not None and closure.state == ClosureState.REQUESTED,
        },
        "bookings": [
            {
                **booking_view(b, ctx.now, position=position, ended=ended),
                "officer_email": names.get(b.officer_id) if b.officer_id else None,
                **_event_of(session, b.event_id),
            }
            for b in bookings
        ],
        "possible_owners": _possible_owners(session, ctx, enquiry),
    }


def _possible_owners(
    session: Session, ctx: RequestContext, enquiry: Enquiry
) -> list[dict[str, Any]]:
    """Whom a manager may assign it to: the caller's team members who may own it."""
    caller = ctx.caller
    if not isinstance(caller, Caller) or not caller.can_manage:
        return []
    members = list_members(session, caller.scope, caller.scope_value)
    return [
        {"user_id": member.id, "email": member.email, "role": member.role}
        for member in members
        if may_own(member, enquiry.authority_code, ctx.now)
    ]


def _event_of(session: Session, event_id: int | None) -> dict[str, Any]:
    event = session.get(InfoEvent, event_id) if event_id is not None else None
    if event is None:
        return {"event_title": None, "place": None, "online_link": None}
    return {"event_title": event.title, "place": event.place, "online_link": event.online_link}
