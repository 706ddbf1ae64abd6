# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""Deliveries over the API: a council sees its own subscriptions'; operators see all, replay.

A delivery outside the caller's subscriptions is a 404 (existence is not revealed), audited.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.delivery.read_deliveries import (
    get_delivery_for_council,
    list_deliveries_for_council,
    list_deliveries_for_ops,
    replay_for_ops,
)
from hub.delivery.schemas import (
    DeliveryPageSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    OpsDeliveryQuerySchema,
)
from hub.platform.api_blueprint import Blueprint
from hub.platform.extensions import get_db
from hub.platform.openapi import ROW_ID

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."

council_blp = Blueprint(
    "council_deliveries",
    __name__,
    description="Deliveries to a council's own webhooks and mailboxes: status and attempts.",
)
ops_blp = Blueprint(
    "ops_deliveries",
    __name__,
    description="Hub operators: every delivery, dead letters, failing subscribers, replay.",
)


@council_blp.before_request
def _council() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)


@ops_blp.before_request
def _ops() -> None:
    guard_api_request(TokenScope.HUB)


# RFC 9745: the date ``before`` was deprecated (2026-12-03), as a structured-field date.
BEFORE_DEPRECATED = "@1796256000"
_DEPRECATION_HEADERS = {
    "Deprecation": {
        "description": "Sent when the deprecated `before` is used: page with `cursor`.",
        "schema": {"type": "string"},
    }
}


def _deprecation(args: dict[str, Any]) -> dict[str, str]:
    return {"Deprecation": BEFORE_DEPRECATED} if "before" in args else {}


@council_blp.route("/v1/council/deliveries", methods=["GET"])
@council_blp.arguments(DeliveryQuerySchema, location="query", unknown=RAISE)
@council_blp.response(200, DeliveryPageSchema, headers=_DEPRECATION_HEADERS)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.doc(security=BEARER_SECURITY)
def council_deliveries(args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Deliveries to your own subscriptions, newest first: status, attempts, last code.

    Pass ``next_cursor`` back as ``cursor`` for the next page (``before`` still works, for
    now, and is answered with a ``Deprecation`` header).
    """
    page = list_deliveries_for_council(
        get_db(),
        request_context(),
        status=args.get("status"),
        cursor=args.get("cursor"),
        before=args.get("before"),
        limit=args["limit"],
    )
    return page, 200, _deprecation(args)


@council_blp.route(f"/v1/council/deliveries/<{ROW_ID}:delivery_id>", methods=["GET"])
@council_blp.response(200, DeliverySchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description="Not one of your subscriptions' deliveries.")
@council_blp.doc(security=BEARER_SECURITY)
def council_delivery(delivery_id: int) -> dict[str, Any]:
    """One delivery to your subscriptions."""
    return get_delivery_for_council(get_db(), request_context(), delivery_id)


@ops_blp.route("/v1/ops/deliveries", methods=["GET"])
@ops_blp.arguments(OpsDeliveryQuerySchema, location="query", unknown=RAISE)
@ops_blp.response(200, DeliveryPageSchema, headers=_DEPRECATION_HEADERS)
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.alt_response(403, description="The token is not a hub operator token.")
@ops_blp.doc(security=BEARER_SECURITY)
def ops_deliveries(args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Every subscriber's deliveries: ``status=dead`` (dead letters), ``failing``, ...

    Pass ``next_cursor`` back as ``cursor`` for the next page.
    """
    page = list_deliveries_for_ops(
        get_db(),
        status=args.get("status"),
        subscription_id=args.get("subscriber"),
        cursor=args.get("cursor"),
        before=args.get("before"),
        limit=args["limit"],
        ctx=request_context(),
    )
    return page, 200, _deprecation(args)


@ops_blp.route(f"/v1/ops/deliveries/<{ROW_ID}:delivery_id>/replay", methods=["POST"])
@ops_blp.response(200, DeliverySchema)
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.alt_response(403, description="The token is not a hub operator token.")
@ops_blp.alt_response(404, description="No delivery has this id.")
@ops_blp.alt_response(422, description="Still pending, or its subscription is disabled.")
@ops_blp.doc(security=BEARER_SECURITY)
def ops_replay(delivery_id: int) -> dict[str, Any]:
    """Send a delivery again with the same webhook-id (a full set of attempts)."""
    return replay_for_ops(get_db(), request_context(), delivery_id)
