"""Delivery lists and items as councils and operators see them (no personal data)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hub.delivery.events import EventType
from hub.delivery.models import DeliveryStatus, SubscriberKind
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


EVENT_TYPES = tuple(str(event) for event in EventType)


class SubscriptionInSchema(StrictSchema):
    """A new webhook (``url``) or team mailbox (``address``) for the caller's own team."""

    kind = fields.String(
        required=True,
        validate=validate.OneOf((str(SubscriberKind.WEBHOOK), str(SubscriberKind.MAILBOX))),
    )
    url = fields.String(
        validate=validate.Length(1, 2000),
        metadata={"description": "For a webhook: https in production, checked after DNS."},
    )
    address = fields.String(
        validate=validate.Length(1, 254),
        metadata={"description": "For a mailbox: it receives nothing until confirmed."},
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        load_default=list,
        metadata={"description": "Event types to receive; empty means every type."},
    )

    @validates_schema
    def _target_for_kind(self, data: dict[str, Any], **_kwargs: Any) -> None:
        wanted = "url" if data.get("kind") == SubscriberKind.WEBHOOK else "address"
        other = "address" if wanted == "url" else "url"
        if "kind" in data and not data.get(wanted):
            raise ValidationError(f"A {data['kind']} needs its {wanted}.", field_name=wanted)
        if data.get(other):
            raise ValidationError(f"A {data.get('kind')} has no {other}.", field_name=other)


class SubscriptionSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"example": "webhook"})
    target = fields.String(required=True, metadata={"description": "The URL or the address."})
    events = fields.List(fields.String(), required=True)
    status = fields.String(required=True, metadata={"example": "active"})
    verified = fields.Boolean(
        required=True, metadata={"description": "A mailbox is sent nothing until confirmed."}
    )
    failing_since = fields.DateTime(allow_none=True)
    slow_since = fields.DateTime(allow_none=True)
    last_success_at = fields.DateTime(allow_none=True)
    dead_letters = fields.Integer(required=True)
    disabled_reason = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


class SubscriptionListSchema(Schema):
    items = fields.List(fields.Nested(SubscriptionSchema), required=True)


class NewSubscriptionSchema(Schema):
    subscription = fields.Nested(SubscriptionSchema, required=True)
    secret = fields.String(
        allow_none=True,
        metadata={"description": "A webhook's signing secret (whsec_...): shown this once."},
    )
    confirmation_sent = fields.Boolean(
        allow_none=True,
        metadata={"description": "A mailbox: whether the confirmation link was e-mailed."},
    )


class RotatedSecretSchema(Schema):
    id = fields.Integer(required=True)
    secret = fields.String(required=True, metadata={"description": "Shown this once."})
    previous_valid_until_hours = fields.Integer(required=True)


class TestResultSchema(Schema):
    delivered = fields.Boolean(required=True)
    status_code = fields.Integer(allow_none=True)
    seconds = fields.Float(required=True)
    excerpt = fields.String(allow_none=True, metadata={"description": "The answer's start."})
    message = fields.String(required=True)
