"""The casework room's errors, each with a stable code (rendered as problem+json)."""

from __future__ import annotations

from typing import NoReturn

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import record_refusal
from hub.platform.db import Database
from hub.platform.errors import HubError, ValidationFailedError
from hub.referrals.queries import referral_not_found


class AlreadyOwnedError(HubError):
    """An officer tried to take a referral someone on the team already owns."""

    status = 409
    code = "already_owned"
    title = "Someone on your team already owns this referral"


class NoResponseNotReadyError(HubError):
    """Closing as "no response" before the contact attempts the rule asks for."""

    status = 422
    code = "no_response_not_ready"
    title = "Not enough contact attempts to close as no response"

    def __init__(self, missing: str) -> None:
        super().__init__(
            f"Still needed before closing as no response: {missing}.",
            errors=[{"field": "attempts", "message": f"Still needed: {missing}."}],
            extra={"missing": missing},
        )


class NoResponseAlreadyRequestedError(HubError):
    status = 409
    code = "no_response_already_requested"
    title = "Closing as no response is already waiting for a manager"


def field_error(field: str, message: str) -> ValidationFailedError:
    """A 422 naming one field (problem+json ``errors``)."""
    return ValidationFailedError(message, errors=[{"field": field, "message": message}])


def refuse(
    db: Database,
    ctx: RequestContext,
    action: AuditAction,
    reference: str,
    refusal: HubError | None,
    holder: str | None,
) -> NoReturn:
    """Audit a casework action that did not happen, then raise: the rule's ``refusal`` when the
    caller's council holds the referral; otherwise 404, as for a reference that does not exist
    (another council's referral is never confirmed to exist)."""
    if refusal is not None:
        record_refusal(
            db,
            ctx,
            action,
            reference,
            outcome=AuditOutcome.REFUSED,
            visible_to=holder,
            detail={"code": refusal.code},
        )
        raise refusal
    record_refusal(db, ctx, action, reference)
    raise referral_not_found()


class BookingClosedError(HubError):
    """A booking that already has its outcome, was cancelled, or was overtaken by the journey."""

    status = 409
    code = "booking_closed"
    title = "This booking is closed"

    def __init__(self, status: str) -> None:
        super().__init__(
            f"The booking is {status.replace('_', ' ')}: only an open booking can change.",
            extra={"booking_status": status},
        )
