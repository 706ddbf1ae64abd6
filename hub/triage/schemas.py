"""What hub operators receive: the triage queue and decision histories."""

from __future__ import annotations

from marshmallow import Schema, fields

from hub.platform.pagination import cursor_field
from hub.referrals.schemas import PageQuerySchema
from hub.triage.queue import TRIAGE_CURSOR


class TriageQuerySchema(PageQuerySchema):
    cursor = cursor_field(TRIAGE_CURSOR)


class TriageItemSchema(Schema):
    reference = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    in_triage_since = fields.DateTime(required=True)
    reason_code = fields.String(allow_none=True)
    interest = fields.String(required=True)
    preferred_authority_code = fields.String(allow_none=True)


class TriagePageSchema(Schema):
    items = fields.List(fields.Nested(TriageItemSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class TraceStepSchema(Schema):
    rule = fields.String(required=True)
    applied = fields.Boolean(required=True)
    reason = fields.String(required=True)


class DecisionSchema(Schema):
    decided_at = fields.DateTime(required=True)
    decided_by = fields.String(required=True)
    outcome = fields.String(required=True)
    authority_code = fields.String(allow_none=True)
    cluster = fields.String(allow_none=True)
    reason_code = fields.String(allow_none=True)
    home_council_code = fields.String(allow_none=True)
    rules_version = fields.String(allow_none=True)
    geography_version = fields.String(allow_none=True)
    explanation = fields.String(required=True)
    trace = fields.List(fields.Nested(TraceStepSchema), required=True)


class DecisionHistorySchema(Schema):
    reference = fields.String(required=True)
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)
