"""One information event as a council reads it: its details and the places taken by the
referrals the caller holds now (a delivery body's session takes several councils' referrals,
and each council sees only its own people). Audited, as names are shown; an event the caller
may not see is a 404, audited as denied."""

from __future__ import annotations

from typing import Any

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.book import booking_view
from hub.casework.manage_events import event_view
from hub.casework.queries import booked_on_event, find_event, journey_position
from hub.platform.db import Database
from hub.platform.errors import NotFoundError


def event_not_found() -> NotFoundError:
    return NotFoundError("No information event with that id is run by your council or its hub.")


def read_event(db: Database, ctx: RequestContext, event_id: int) -> dict[str, Any]:
    caller = ctx.caller
    with db.transaction() as session:
        event = find_event(session, caller.authority_codes, event_id, ctx.now)
        if event is not None:
            places = []
            for booking, enquiry in booked_on_event(session, caller, event.id):
                position, ended = journey_position(session, enquiry.id)
                personal = enquiry.personal or {}
                places.append(
                    {
                        **booking_view(booking, ctx.now, position=position, ended=ended),
                        "reference": enquiry.reference,
                        "authority_code": enquiry.authority_code,
                        "given_name": personal.get("given_name"),
                        "family_name": personal.get("family_name"),
                    }
                )
            add_audit_event(
                session,
                ctx,
                AuditAction.READ_EVENT,
                AuditOutcome.OK,
                detail={"event_id": event.id, "references": [p["reference"] for p in places]},
            )
            return {**event_view(event, own_booked=len(places)), "places": places}
        add_audit_event(
            session, ctx, AuditAction.READ_EVENT, AuditOutcome.DENIED, detail={"event_id": event_id}
        )
    raise event_not_found()
