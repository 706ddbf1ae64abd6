# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""Repeat enquiries and duplicate marks: ``/v1/council/referrals/{reference}/repeats`` and
``/duplicate`` for councils, ``/v1/ops/enquiries/{reference}/repeats`` for hub operators.

A referral outside the caller's scope is a 404, audited, as everywhere in the council API.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.people.mark_duplicate import mark_duplicate, unmark_duplicate
from hub.people.read_repeats import read_council_repeats, read_operator_repeats
from hub.people.schemas import (
    CouncilRepeatsSchema,
    DuplicateInSchema,
    DuplicateResultSchema,
    OperatorRepeatsSchema,
)
from hub.platform.extensions import get_db

council_blp = Blueprint(
    "council_people",
    __name__,
    description="Council inbox: the same person's other enquiries, and duplicate marks.",
)
ops_blp = Blueprint(
    "ops_people", __name__, description="Hub operators: every enquiry of the same person."
)

_NOT_FOUND = "No referral with this reference is in your inbox (also for other councils')."
_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."


@council_blp.before_request
def _authenticate_council() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)


@ops_blp.before_request
def _authenticate_operator() -> None:
    guard_api_request(TokenScope.HUB)


@council_blp.route("/v1/council/referrals/<string:reference>/repeats", methods=["GET"])
@council_blp.response(200, CouncilRepeatsSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NOT_FOUND)
@council_blp.doc(security=BEARER_SECURITY)
def council_repeats(reference: str) -> dict[str, Any]:
    """Has this person enquired before (or since)? Yours in full; others only by day. Audited.

    Matched when each enquiry was first decided, by e-mail, phone, or name and postcode
    together; never merged.
    """
    return read_council_repeats(get_db(), request_context(), reference)


@council_blp.route("/v1/council/referrals/<string:reference>/duplicate", methods=["PUT"])
@council_blp.arguments(DuplicateInSchema, location="json")
@council_blp.response(200, DuplicateResultSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NOT_FOUND)
@council_blp.alt_response(
    422, description="duplicate_of is not another of your referrals (problem+json with errors)."
)
@council_blp.doc(security=BEARER_SECURITY)
def mark(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Mark this referral as a duplicate of another of yours (nothing is merged). Audited."""
    return mark_duplicate(get_db(), request_context(), reference, data["duplicate_of"])


@council_blp.route("/v1/council/referrals/<string:reference>/duplicate", methods=["DELETE"])
@council_blp.response(200, DuplicateResultSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NOT_FOUND)
@council_blp.doc(security=BEARER_SECURITY)
def unmark(reference: str) -> dict[str, Any]:
    """Remove the duplicate mark; removing it twice changes nothing. Audited."""
    return unmark_duplicate(get_db(), request_context(), reference)


@ops_blp.route("/v1/ops/enquiries/<string:reference>/repeats", methods=["GET"])
@ops_blp.response(200, OperatorRepeatsSchema)
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.alt_response(403, description="The token is not a hub operator token.")
@ops_blp.alt_response(404, description="No enquiry has this reference.")
@ops_blp.doc(security=BEARER_SECURITY)
def operator_repeats(reference: str) -> dict[str, Any]:
    """Every enquiry matched with this one, with council, status and outcome. Audited."""
    return read_operator_repeats(get_db(), request_context(), reference)
