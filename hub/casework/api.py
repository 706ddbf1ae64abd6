# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""The casework API: the duty tray, owners, the contact log, notes, closing as no response.

Every route needs a council or delivery-body token and sees only the referrals the caller
holds now: a referral outside the scope (one transferred away included) is a 404, audited.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.casework.add_note import add_case_note
from hub.casework.allocate import set_owner
from hub.casework.close_no_response import close_as_no_response
from hub.casework.read_casework import read_casework
from hub.casework.read_tray import read_tray
from hub.casework.record_contact import record_contact_attempt
from hub.casework.schemas import (
    CaseworkSchema,
    ContactAttemptInSchema,
    ContactAttemptSchema,
    NoResponseResultSchema,
    NoteInSchema,
    NoteSchema,
    OwnerInSchema,
    OwnerResultSchema,
    TrayPageSchema,
    TrayQuerySchema,
)
from hub.platform.api_blueprint import Blueprint
from hub.platform.extensions import get_db

blp = Blueprint(
    "council_casework",
    __name__,
    description="Council casework: the duty tray, owners, contact attempts, notes.",
)

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_NOT_FOUND = "No referral with this reference is in your inbox (also for other councils')."
_CHECK = "The body needs checking (problem+json with errors by field)."


@blp.before_request
def _authenticate() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)


@blp.route("/v1/council/tray", methods=["GET"])
@blp.arguments(TrayQuerySchema, location="query", unknown=RAISE)
@blp.response(200, TrayPageSchema)
@blp.alt_response(400, description="The cursor could not be read.")
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(422, description="A filter needs checking (mine needs a staff member).")
@blp.doc(security=BEARER_SECURITY)
def tray(args: dict[str, Any]) -> dict[str, Any]:
    """The duty tray: your referrals with stage, owner, next deadline and flags, due first.

    Journeys that ended are left out unless a stage is asked for. Items carry the
    enquirer's name; the read is audited. Pass ``next_cursor`` back as ``cursor``.
    """
    return read_tray(
        get_db(),
        request_context(),
        view=args["view"],
        stage=args.get("stage"),
        owner=args.get("owner"),
        clock=args.get("clock"),
        received_from=args.get("received_from"),
        received_to=args.get("received_to"),
        cursor=args.get("cursor"),
        limit=args["limit"],
    )


@blp.route("/v1/council/referrals/<string:reference>/casework", methods=["GET"])
@blp.response(200, CaseworkSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.doc(security=BEARER_SECURITY)
def casework(reference: str) -> dict[str, Any]:
    """The referral's owner, contact log, notes (newest first) and what closing it as no
    response still needs. Audited."""
    return read_casework(get_db(), request_context(), reference)


@blp.route("/v1/council/referrals/<string:reference>/owner", methods=["POST"])
@blp.arguments(OwnerInSchema, location="json")
@blp.response(200, OwnerResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description="Only a manager assigns to someone else.")
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="Someone else owns it (a manager can reassign it).")
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def owner(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Take the referral (no body) or, as a manager, assign it to someone on a team that
    holds it (``user_id``); another council's staff is a field error. Audited."""
    return set_owner(get_db(), request_context(), reference, user_id=data.get("user_id"))


@blp.route("/v1/council/referrals/<string:reference>/contact-attempts", methods=["POST"])
@blp.arguments(ContactAttemptInSchema, location="json")
@blp.response(201, ContactAttemptSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="The referral changed meanwhile; try again.")
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def contact_attempt(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Record a contact attempt; the first that reached the enquirer records first contact
    (unless ``first_contact`` is false). Audited, without the note."""
    return record_contact_attempt(get_db(), request_context(), reference, **data)


@blp.route("/v1/council/referrals/<string:reference>/notes", methods=["POST"])
@blp.arguments(NoteInSchema, location="json")
@blp.response(201, NoteSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(422, description=_CHECK)
@blp.doc(security=BEARER_SECURITY)
def note(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Add a free note (encrypted; audited without its text; never in webhooks or e-mails)."""
    return add_case_note(get_db(), request_context(), reference, data["text"])


@blp.route("/v1/council/referrals/<string:reference>/no-response", methods=["POST"])
@blp.response(200, NoResponseResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="Already waiting for a manager, or the journey has ended.")
@blp.alt_response(422, description="Not enough contact attempts yet (the body says what).")
@blp.doc(security=BEARER_SECURITY)
def no_response(reference: str) -> dict[str, Any]:
    """Close as no response: a manager (or a token with council:manage) closes it, recording
    not_progressed with reason no_response; anyone else asks a manager to. Needs the contact
    attempts the rules file asks for (2 on 2 working days unless set: council practice)."""
    return close_as_no_response(get_db(), request_context(), reference)
