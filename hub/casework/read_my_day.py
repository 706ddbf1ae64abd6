"""An officer's day: the bookings they go to (or booked), today or this week (England's
days), and any of theirs still open from before, overdue. Scoped (a referral transferred away
leaves it) and audited, as names are shown. An API token is no person: its day is empty."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import or_

from hub.access.caller import Caller, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.book import booking_view
from hub.casework.booking_rules import is_open
from hub.casework.models import Booking, BookingState, InfoEvent
from hub.casework.queries import journey_position
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.referrals.queries import scoped_referrals
from hub.tracking.calendar import ENGLAND, local_day


class DayPeriod(StrEnum):
    TODAY = "today"
    WEEK = "week"  # today and the next six days


def read_my_day(
    db: Database, ctx: RequestContext, *, period: str = DayPeriod.TODAY
) -> dict[str, Any]:
    caller = ctx.caller
    today = local_day(ctx.now)
    start = datetime.combine(today, time(), ENGLAND)
    end = start + timedelta(days=1 if period == DayPeriod.TODAY else 7)
    me = caller.user_id if isinstance(caller, Caller) else None
    items: list[dict[str, Any]] = []
    with db.transaction() as session:
        if me is not None and caller.authority_codes:
            query = (
                scoped_referrals(caller)
                .join(Booking, Booking.enquiry_id == Enquiry.id)
                .outerjoin(InfoEvent, InfoEvent.id == Booking.event_id)
                .add_columns(Booking, InfoEvent)
                .where(
                    Booking.officer_id == me,
                    Booking.authority_code == Enquiry.authority_code,
                    Booking.starts_at < end,
                    # Before today only what may still be open (overdue), filtered below.
                    or_(Booking.starts_at >= start, Booking.state == BookingState.BOOKED),
                )
                .order_by(Booking.starts_at, Booking.id)
            )
            for enquiry, booking, event in session.execute(query).all():
                position, ended = journey_position(session, enquiry.id)
                view = booking_view(booking, ctx.now, position=position, ended=ended)
                if booking.starts_at < start and not is_open(view["status"]):
                    continue  # before today and closed: not on today's list
                personal = enquiry.personal or {}
                items.append(
                    {
                        **view,
                        "reference": enquiry.reference,
                        "given_name": personal.get("given_name"),
                        "family_name": personal.get("family_name"),
                        "event_title": event.title if event is not None else None,
                        "place": event.place if event is not None else None,
                        "online_link": event.online_link if event is not None else None,
                    }
                )
        add_audit_event(
            session,
            ctx,
            AuditAction.READ_MY_DAY,
            AuditOutcome.OK,
            detail={"period": str(period), "references": [i["reference"] for i in items]},
        )
    return {"period": str(period), "start": start, "end": end, "items": items}
