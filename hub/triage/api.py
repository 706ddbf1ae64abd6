# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""Hub operator endpoints: the triage queue (search, filters, sorts), routing by hand,
closing and reopening, decision history.

Every route needs a hub operator token (scope ``hub``).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.platform.api_blueprint import Blueprint
from hub.platform.extensions import get_db
from hub.referrals.schemas import ActionResultSchema, RouteInSchema
from hub.triage.close import close_triage_item
from hub.triage.closure_reasons import ClosureReason
from hub.triage.decisions import list_decisions
from hub.triage.queue import TriageFilters, TriageSort, TriageState, list_triage
from hub.triage.reopen import reopen_triage_item
from hub.triage.route_by_hand import route_by_hand
from hub.triage.schemas import (
    CloseInSchema,
    CloseResultSchema,
    DecisionHistorySchema,
    TriagePageSchema,
    TriageQuerySchema,
)

blp = Blueprint("ops", __name__, description="Hub operators: triage and routing decisions.")

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_FORBIDDEN = "The token is not a hub operator token."


@blp.before_request
def _authenticate() -> None:
    guard_api_request(TokenScope.HUB)


@blp.route("/v1/ops/triage", methods=["GET"])
@blp.arguments(TriageQuerySchema, location="query", unknown=RAISE)
@blp.response(200, TriagePageSchema)
@blp.alt_response(400, description="The cursor could not be read, or is of another sort.")
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description=_FORBIDDEN)
@blp.alt_response(422, description="The search term is none of the kinds search finds.")
@blp.doc(security=BEARER_SECURITY)
def triage(args: dict[str, Any]) -> dict[str, Any]:
    """Enquiries waiting for a person at the hub (or closed from the queue), with their reason
    codes: oldest first unless ``sort`` says otherwise; filtered by why they wait, how long,
    and campaign source; ``q`` finds a person in the queue (audited, by kind of term)."""
    filters = TriageFilters(
        state=TriageState(args["state"]),
        reason_code=args.get("reason_code"),
        source=args.get("source"),
        waiting_days=args.get("waiting_days"),
        q=args.get("q"),
    )
    return list_triage(
        get_db(),
        request_context(),
        limit=args["limit"],
        cursor=args.get("cursor"),
        sort=TriageSort(args["sort"]),
        filters=filters,
    )


@blp.route("/v1/ops/enquiries/<string:reference>/close", methods=["POST"])
@blp.arguments(CloseInSchema, location="json")
@blp.response(200, CloseResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description=_FORBIDDEN)
@blp.alt_response(404, description="No enquiry has this reference.")
@blp.alt_response(409, description="The enquiry is not in triage.")
@blp.alt_response(
    422, description="The body needs checking, or the duplicate's other enquiry does not exist."
)
@blp.doc(security=BEARER_SECURITY)
def close(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Close an enquiry in triage with a reason; it leaves the queue. The enquirer is e-mailed
    for ``not_about_fostering`` (where to go instead) and ``withdrawn`` (confirmed), never for a
    duplicate, a test or spam. A closed enquiry is routed only after it is reopened."""
    return close_triage_item(
        get_db(),
        request_context(),
        reference,
        reason=ClosureReason(data["reason"]),
        duplicate_of=data.get("duplicate_of"),
    )


@blp.route("/v1/ops/enquiries/<string:reference>/reopen", methods=["POST"])
@blp.response(200, ActionResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description=_FORBIDDEN)
@blp.alt_response(404, description="No enquiry has this reference.")
@blp.alt_response(409, description="The enquiry is not closed.")
@blp.doc(security=BEARER_SECURITY)
def reopen(reference: str) -> dict[str, Any]:
    """Put a closed enquiry back in the triage queue (recorded in its journey, audited)."""
    return reopen_triage_item(get_db(), request_context(), reference)


@blp.route("/v1/ops/enquiries/<string:reference>/route", methods=["POST"])
@blp.arguments(RouteInSchema, location="json")
@blp.response(200, ActionResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description=_FORBIDDEN)
@blp.alt_response(404, description="No enquiry has this reference.")
@blp.alt_response(409, description="The enquiry is not in triage.")
@blp.alt_response(422, description="The body needs checking, or the council cannot take it.")
@blp.doc(security=BEARER_SECURITY)
def route(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Route an enquiry in triage to a council by hand (recorded as a manual decision)."""
    return route_by_hand(
        get_db(), request_context(), reference, target=data["authority"], reason=data["reason"]
    )


@blp.route("/v1/ops/enquiries/<string:reference>/decisions", methods=["GET"])
@blp.response(200, DecisionHistorySchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description=_FORBIDDEN)
@blp.alt_response(404, description="No enquiry has this reference.")
@blp.doc(security=BEARER_SECURITY)
def decisions(reference: str) -> dict[str, Any]:
    """Every routing decision for an enquiry, with its explanation and trace. Audited."""
    return list_decisions(get_db(), request_context(), reference)
