# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""Hub operator endpoints: the triage queue, routing by hand, decision history.

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
from hub.triage.decisions import list_decisions
from hub.triage.queue import list_triage
from hub.triage.route_by_hand import route_by_hand
from hub.triage.schemas import DecisionHistorySchema, TriagePageSchema, TriageQuerySchema

blp = Blueprint("ops", __name__, description="Hub operators: triage and routing decisions.")

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_FORBIDDEN = "The token is not a hub operator token."


@blp.before_request
def _authenticate() -> None:
    guard_api_request(TokenScope.HUB)


@blp.route("/v1/ops/triage", methods=["GET"])
@blp.arguments(TriageQuerySchema, location="query", unknown=RAISE)
@blp.response(200, TriagePageSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(403, description=_FORBIDDEN)
@blp.doc(security=BEARER_SECURITY)
def triage(args: dict[str, Any]) -> dict[str, Any]:
    """Enquiries waiting for a person at the hub, oldest first, with their reason codes."""
    return list_triage(get_db(), limit=args["limit"], cursor=args.get("cursor"))


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
