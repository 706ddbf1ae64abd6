# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""The council inbox API: a council's referrals, and what it does with them.

Every route needs a council or delivery-body token. A referral outside the caller's scope is
a 404 (never 403: existence is not revealed) and the attempt is audited.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.platform.api_blueprint import Blueprint
from hub.platform.extensions import get_db
from hub.referrals.acknowledge import acknowledge_referral
from hub.referrals.inbox import get_referral, list_referrals
from hub.referrals.notices import list_home_council_notices
from hub.referrals.return_to_hub import return_referral
from hub.referrals.schemas import (
    ActionResultSchema,
    NoticeToHomeCouncilListSchema,
    ReferralDetailSchema,
    ReferralPageSchema,
    ReferralQuerySchema,
    ReturnInSchema,
    RouteInSchema,
)
from hub.referrals.search import search_referrals
from hub.referrals.transfer import transfer_referral

blp = Blueprint(
    "council",
    __name__,
    description="Council inbox: referrals for a council or delivery body, and their actions.",
)

_NOT_FOUND = "No referral with this reference is in your inbox (also for other councils')."
_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."


@blp.before_request
def _authenticate() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)


@blp.route("/v1/council/referrals", methods=["GET"])
@blp.arguments(ReferralQuerySchema, location="query", unknown=RAISE)
@blp.response(200, ReferralPageSchema)
@blp.alt_response(400, description="The cursor could not be read.")
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(422, description="The search term is none of the kinds search finds.")
@blp.doc(security=BEARER_SECURITY)
def referrals(args: dict[str, Any]) -> dict[str, Any]:
    """Your referrals, newest first.

    Items carry the enquirer's name (to triage the list) and no other personal data; the
    read is audited. Pass ``next_cursor`` back as ``cursor`` for the next page. With ``q``,
    only the referrals of the person searched for (never another council's: its reference
    answers an empty page, like an unknown one); 422 when ``q`` is none of the kinds of term.
    """
    if (args.get("q") or "").strip():
        return search_referrals(
            get_db(),
            request_context(),
            args["q"],
            limit=args["limit"],
            cursor=args.get("cursor"),
            status=args.get("status"),
            received_since=args.get("received_since"),
        )
    return list_referrals(
        get_db(),
        request_context(),
        limit=args["limit"],
        cursor=args.get("cursor"),
        status=args.get("status"),
        received_since=args.get("received_since"),
    )


@blp.route("/v1/council/notices", methods=["GET"])
@blp.response(200, NoticeToHomeCouncilListSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.doc(security=BEARER_SECURITY)
def notices() -> dict[str, Any]:
    """Enquirers from your area whom another council took (you must be consulted).

    The newest 100, without personal data: the receiving council shares details when it
    consults you. The read is audited.
    """
    return list_home_council_notices(get_db(), request_context())


@blp.route("/v1/council/referrals/<string:reference>", methods=["GET"])
@blp.response(200, ReferralDetailSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.doc(security=BEARER_SECURITY)
def referral(reference: str) -> dict[str, Any]:
    """One referral in full: the enquirer's details and why it came to you. Audited."""
    return get_referral(get_db(), request_context(), reference)


@blp.route("/v1/council/referrals/<string:reference>/acknowledge", methods=["POST"])
@blp.response(200, ActionResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="The referral changed meanwhile; try again.")
@blp.doc(security=BEARER_SECURITY)
def acknowledge(reference: str) -> dict[str, Any]:
    """Acknowledge a referral: stops the first-contact clock. Repeating it changes nothing."""
    return acknowledge_referral(get_db(), request_context(), reference)


@blp.route("/v1/council/referrals/<string:reference>/return", methods=["POST"])
@blp.arguments(ReturnInSchema, location="json")
@blp.response(200, ActionResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="The referral changed meanwhile; try again.")
@blp.alt_response(422, description="The body needs checking (problem+json with errors).")
@blp.doc(security=BEARER_SECURITY)
def return_to_hub(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Return a referral to the hub's triage, with a reason code."""
    return return_referral(
        get_db(), request_context(), reference, reason=data["reason"], note=data.get("note")
    )


@blp.route("/v1/council/referrals/<string:reference>/transfer", methods=["POST"])
@blp.arguments(RouteInSchema, location="json")
@blp.response(200, ActionResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(409, description="The referral changed meanwhile; try again.")
@blp.alt_response(422, description="The body needs checking, or the rules refuse the transfer.")
@blp.doc(security=BEARER_SECURITY)
def transfer(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Transfer a referral to another council, re-routed through the rules as if the
    enquirer had preferred it. Both councils see it in their audit."""
    return transfer_referral(
        get_db(), request_context(), reference, target=data["authority"], reason=data["reason"]
    )
