# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""GOV.UK Notify's delivery-status callback: ``POST /v1/notify/delivery-status``.

Notify calls it with ``Authorization: Bearer <HUB_NOTIFY_CALLBACK_TOKEN>`` (the token given to
Notify on its API integration page). Without the setting the route answers 404; a wrong or
missing token, 401. Notify retries a callback that fails, so an unknown reference is a 404
(it will not become known) and a stored receipt is 204.
"""

from __future__ import annotations

import hmac
from datetime import UTC
from typing import Any

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from hub.delivery.provider_status import NotifyStatus, Receipt, record_receipt
from hub.platform.api_blueprint import Blueprint
from hub.platform.errors import NotFoundError, UnauthorizedError
from hub.platform.extensions import app_settings, get_db

blp = Blueprint(
    "notify_callbacks",
    __name__,
    description="GOV.UK Notify's delivery receipts for the texts and e-mails the hub sent.",
)


class NotifyReceiptSchema(Schema):
    """A delivery receipt as Notify sends it; the recipient (``to``) is not read."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    reference = fields.String(required=True, validate=validate.Length(min=1, max=40))
    status = fields.String(required=True, validate=validate.OneOf([str(s) for s in NotifyStatus]))
    completed_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    notification_type = fields.String(validate=validate.OneOf(["email", "sms", "letter"]))


def _check_bearer() -> None:
    expected = app_settings().notify_callback_token
    if not expected:
        raise NotFoundError("Notify callbacks are not configured.")
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise UnauthorizedError("Missing or wrong bearer token.")


@blp.before_request
def _guard() -> None:
    _check_bearer()


@blp.route("/v1/notify/delivery-status", methods=["POST"])
@blp.arguments(NotifyReceiptSchema)
@blp.response(204)
@blp.alt_response(401, description="Missing or wrong bearer token.")
@blp.alt_response(404, description="Not configured, or no message with this reference.")
def delivery_status(args: dict[str, Any]) -> None:
    """Record what Notify says happened to a text or e-mail the hub sent through it."""
    receipt = Receipt(
        reference=args["reference"],
        notify_id=args["id"],
        status=NotifyStatus(args["status"]),
        at=args["completed_at"],
    )
    if not record_receipt(get_db(), receipt):
        raise NotFoundError("No message with this reference.")
