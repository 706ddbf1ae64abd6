"""A council records an attempt to contact the enquirer (``POST .../contact-attempts``).

When: not in the future, not before the enquiry was received (422 on ``attempted_at``). The
first attempt that reached the enquirer records the journey's ``first_contact`` stage through
the tracking room's own ``add_stage`` (so its clocks are met there, not here), unless the
officer says it was not the first contact. One transaction with the enquiry row locked; the
note is encrypted and never audited. A referral outside the caller's scope (one transferred
away included) is answered as not found and audited as denied.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.errors import field_error, refuse
from hub.casework.models import ContactAttempt, ContactChannel, ContactOutcome
from hub.changes.record import ChangeKind, record_change
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError
from hub.referrals.queries import find_referral
from hub.rules import get_active_rules
from hub.tracking.calendar import ENGLAND, local_day
from hub.tracking.errors import StageTimeError
from hub.tracking.queries import find_journey
from hub.tracking.record_stage import add_stage
from hub.tracking.stages import JourneyState, Stage

# A clock a little fast on the caller's side is not "the future" (as for stages).
_CLOCK_SKEW = timedelta(minutes=2)
WHEN = "attempted_at"


def record_contact_attempt(
    db: Database,
    ctx: RequestContext,
    reference: str,
    *,
    channel: str,
    outcome: str,
    attempted_at: datetime | None = None,
    attempted_on: date | None = None,
    note: str | None = None,
    first_contact: bool = True,
) -> dict[str, Any]:
    """Record the attempt; answer with it and whether it recorded first contact.

    When: ``attempted_at`` (the API), ``attempted_on`` (a day in England, from the page), or
    neither: now.
    """
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                holder = enquiry.authority_code
                at = attempted_at or ctx.now
                if attempted_at is None and attempted_on is not None:
                    at = _on_day(enquiry, attempted_on, ctx.now)
                try:
                    attempt = _add_attempt(
                        session,
                        ctx,
                        enquiry,
                        ContactChannel(channel),
                        ContactOutcome(outcome),
                        at,
                        note,
                        first_contact=first_contact,
                    )
                except HubError as exc:
                    refusal = exc
                else:
                    add_audit_event(
                        session,
                        ctx,
                        AuditAction.RECORD_CONTACT,
                        AuditOutcome.OK,
                        enquiry=enquiry,
                        visible_to=holder,
                        detail={
                            "channel": channel,
                            "outcome": outcome,
                            "first_contact": attempt.first_contact,
                        },
                    )
                    session.flush()
                    return attempt_view(attempt)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    refuse(db, ctx, AuditAction.RECORD_CONTACT, reference, refusal, holder)


def _add_attempt(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    channel: ContactChannel,
    outcome: ContactOutcome,
    at: datetime,
    note: str | None,
    *,
    first_contact: bool,
) -> ContactAttempt:
    if at > ctx.now + _CLOCK_SKEW:
        raise field_error(WHEN, "The attempt cannot be in the future.")
    if at < enquiry.created_at:
        raise field_error(
            WHEN,
            "The attempt cannot be before the enquiry was received "
            f"({enquiry.created_at.isoformat()}).",
        )
    records_stage = first_contact and outcome is ContactOutcome.REACHED and _first(session, enquiry)
    if records_stage:
        try:
            add_stage(
                session,
                ctx,
                enquiry,
                Stage.FIRST_CONTACT,
                at,
                reason=None,
                note=None,
                rules=get_active_rules(),
            )
        except StageTimeError as exc:
            raise field_error(WHEN, exc.detail.replace("occurred_at", "The attempt")) from exc
    attempt = ContactAttempt(
        enquiry_id=enquiry.id,
        authority_code=enquiry.authority_code or "",
        channel=channel,
        outcome=outcome,
        attempted_at=at,
        recorded_at=ctx.now,
        actor=ctx.caller.actor,
        first_contact=records_stage,
        note=note or None,
    )
    session.add(attempt)
    record_change(
        session,
        ChangeKind.CONTACT_ATTEMPT,
        authority_code=enquiry.authority_code,
        enquiry_id=enquiry.id,
        reference=enquiry.reference,
        at=at,
        detail={"channel": str(channel), "outcome": str(outcome), "first_contact": records_stage},
    )
    return attempt


def _first(session: Session, enquiry: Enquiry) -> bool:
    """Whether first contact is still to be recorded and may be now."""
    journey = find_journey(session, enquiry.id)
    if journey is None:
        return True
    if journey.first_contact_at is not None:
        return False
    return Stage.FIRST_CONTACT in JourneyState(journey.stage, journey.position).allowed()


def _on_day(enquiry: Enquiry, day: date, now: datetime) -> datetime:
    """The instant recorded for an attempt on ``day`` in England (time not given): now for
    today, else midday, or the moment the enquiry came in when that was later that day."""
    if day == local_day(now):
        return now
    moment = datetime.combine(day, time(12), ENGLAND).astimezone(UTC)
    if local_day(enquiry.created_at) == day and enquiry.created_at > moment:
        return enquiry.created_at
    return moment


def attempt_view(attempt: ContactAttempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "channel": attempt.channel,
        "outcome": attempt.outcome,
        "attempted_at": attempt.attempted_at,
        "recorded_at": attempt.recorded_at,
        "by": attempt.actor,
        "first_contact": attempt.first_contact,
        "note": attempt.note,
    }
