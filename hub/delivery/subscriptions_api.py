# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""A council's system managing its own webhooks and mailboxes: ``/v1/council/subscriptions``.

For a council's (or delivery body's) token with the ``council:manage`` permission (``hub
councils token create CODE --manage``); any other council token is refused (403, audited).
Another team's subscription is a 404, audited as denied.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_smorest import Blueprint

from hub.access.caller import ManagerOnlyError, RequestContext
from hub.access.guard import BEARER_SECURITY, current_caller, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.council_subscriptions import (
    add_team_mailbox,
    add_team_webhook,
    disable_team_subscription,
    list_team_subscriptions,
    rotate_team_secret,
    test_team_webhook,
)
from hub.delivery.manage_subscriptions import ROTATION_OVERLAP
from hub.delivery.models import SubscriberKind
from hub.delivery.schemas import (
    NewSubscriptionSchema,
    RotatedSecretSchema,
    SubscriptionInSchema,
    SubscriptionListSchema,
    SubscriptionSchema,
    TestResultSchema,
)
from hub.platform.extensions import app_settings, get_db
from hub.platform.openapi import ROW_ID

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_FORBIDDEN = "The token is not a council token with the council:manage permission."
_NOT_FOUND = "Not one of your team's subscriptions."

blp = Blueprint(
    "council_subscriptions",
    __name__,
    description="A council's own webhooks and mailboxes: add, test, disable, rotate the secret "
    "(a token with the council:manage permission).",
)


@blp.before_request
def _managers_only() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)
    caller = current_caller()
    if not caller.can_manage:
        with get_db().transaction() as session:
            add_audit_event(
                session,
                RequestContext(caller, g.get("request_id")),
                AuditAction.CALL_API,
                AuditOutcome.DENIED,
                detail={"method": request.method, "path": request.path[:200]},
            )
        raise ManagerOnlyError(
            "This token may read referrals only: ask the hub for a token made with --manage."
        )


def _document(*codes: tuple[int, str]) -> Any:
    def decorate(view: Any) -> Any:
        for status, words in ((401, _UNAUTHORIZED), (403, _FORBIDDEN), *codes):
            view = blp.alt_response(status, description=words)(view)
        return blp.doc(security=BEARER_SECURITY)(view)

    return decorate


@blp.route("/v1/council/subscriptions", methods=["GET"])
@blp.response(200, SubscriptionListSchema)
@_document()
def subscriptions() -> dict[str, Any]:
    """Your team's webhooks and mailboxes, with their health (never their secrets)."""
    return {"items": list_team_subscriptions(get_db(), request_context())}


@blp.route("/v1/council/subscriptions", methods=["POST"])
@blp.arguments(SubscriptionInSchema, location="json")
@blp.response(201, NewSubscriptionSchema)
@_document((422, "The body needs checking, or the URL is refused by the safe-target rules."))
def create_subscription(data: dict[str, Any]) -> dict[str, Any]:
    """Add a webhook (its secret is in this answer only) or a mailbox (a confirmation link
    is e-mailed to it; it receives nothing until the link is opened)."""
    ctx = request_context()
    if data["kind"] == SubscriberKind.WEBHOOK:
        added = add_team_webhook(get_db(), ctx, data["url"], data["events"])
        return {"subscription": added.subscription, "secret": added.secret}
    base_url = app_settings().public_base_url or request.url_root
    mailbox = add_team_mailbox(get_db(), ctx, data["address"], base_url, data["events"])
    return {"subscription": mailbox.subscription, "confirmation_sent": mailbox.link_sent}


@blp.route(f"/v1/council/subscriptions/<{ROW_ID}:subscription_id>/disable", methods=["POST"])
@blp.response(200, SubscriptionSchema)
@_document((404, _NOT_FOUND))
def disable(subscription_id: int) -> dict[str, Any]:
    """Stop sending to one of your subscriptions (what is pending for it is not sent)."""
    return disable_team_subscription(get_db(), request_context(), subscription_id)


@blp.route(f"/v1/council/subscriptions/<{ROW_ID}:subscription_id>/rotate", methods=["POST"])
@blp.response(200, RotatedSecretSchema)
@_document((404, _NOT_FOUND), (422, "Not an active webhook."))
def rotate(subscription_id: int) -> dict[str, Any]:
    """A new signing secret, shown once; the old one also signs for 24 hours."""
    secret = rotate_team_secret(get_db(), request_context(), subscription_id)
    hours = int(ROTATION_OVERLAP.total_seconds() // 3600)
    return {"id": subscription_id, "secret": secret, "previous_valid_until_hours": hours}


@blp.route(f"/v1/council/subscriptions/<{ROW_ID}:subscription_id>/test", methods=["POST"])
@blp.response(200, TestResultSchema)
@_document((404, _NOT_FOUND), (422, "Not an active webhook."))
def test(subscription_id: int) -> dict[str, Any]:
    """Send a signed ``hub.test`` event now and return the receiver's answer (status, time,
    the start of its body). Nothing is stored but the audit row."""
    result = test_team_webhook(get_db(), request_context(), subscription_id)
    return {
        "delivered": result.delivered,
        "status_code": result.status_code,
        "seconds": result.seconds,
        "excerpt": result.excerpt,
        "message": result.message,
    }
