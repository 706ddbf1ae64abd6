"""Delivery lists and items as councils and operators see them (no personal data)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hub.delivery.models import DeliveryStatus
from hub.delivery.queries import DELIVERIES_CURSOR, FAILING, MAX_PAGE
from hub.platform.fields import MAX_ROW_ID, StrictSchema
from hub.platform.pagination import cursor_field

STATUSES = tuple(str(status) for status in DeliveryStatus)


class DeliveryQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, MAX_PAGE))
    cursor = cursor_field(DELIVERIES_CURSOR)
    before = fields.Integer(
        validate=validate.Range(1, MAX_ROW_ID),
        metadata={
            "description": "Deprecated (answered with a Deprecation header): use cursor. "
            "The next_before of the previous page, as given (cursor wins when both are).",
            "deprecated": True,
        },
    )


class OpsDeliveryQuerySchema(DeliveryQuerySchema):
    status = fields.String(
        validate=validate.OneOf((*STATUSES, FAILING)),
        metadata={"description": "failing: deliveries queued behind a failing subscriber."},
    )
    subscriber = fields.Integer(validate=validate.Range(1, MAX_ROW_ID))


class DeliverySchema(Schema):
    id = fields.Integer(required=True)
    subscription_id = fields.Integer(required=True)
    subscriber_kind = fields.String(required=True, metadata={"example": "webhook"})
    subscriber_failing = fields.Boolean(required=True)
    subscriber_slow = fields.Boolean(
        required=True,
        metadata={
            "description": "The subscriber answers slowly (p90 of its recent attempts over "
            "HUB_DELIVERY_SLOW_SECONDS): it gets one attempt at a time."
        },
    )
    event_type = fields.String(required=True, metadata={"example": "referral.routed"})
    reference = fields.String(allow_none=True, metadata={"example": "FE-7K3M9Q2D"})
    authority_code = fields.String(allow_none=True)
    webhook_id = fields.String(required=True, metadata={"description": "Same on every retry."})
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    replays = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    last_attempt_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(required=True)
    delivered_at = fields.DateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    response_excerpt = fields.String(allow_none=True)


class DeliveryPageSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as cursor for the next page; null on the last page."},
    )
    next_before = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Deprecated: use next_cursor.", "deprecated": True},
    )
