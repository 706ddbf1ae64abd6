"""What hub operators receive: the triage queue and decision histories."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hub.enquiries.references import REFERENCE_PATTERN
from hub.enquiries.search_keys import MAX_TERM_LENGTH
from hub.platform.fields import StrictSchema
from hub.platform.pagination import cursor_field
from hub.referrals.schemas import ActionResultSchema, PageQuerySchema
from hub.triage.closure_reasons import ClosureReason
from hub.triage.queue import TRIAGE_CURSOR_KINDS, TriageSort, TriageState


class TriageQuerySchema(PageQuerySchema):
    cursor = cursor_field(
        *TRIAGE_CURSOR_KINDS,
        metadata={
            "description": "The next_cursor of the previous page: the page goes on in that "
            "page's order (sort is then not needed)."
        },
    )
    sort = fields.String(
        load_default=str(TriageSort.OLDEST),
        validate=validate.OneOf([str(s) for s in TriageSort]),
        metadata={
            "description": "oldest or newest received first, or longest or shortest "
            "waiting (in the queue) first."
        },
    )
    state = fields.String(
        load_default=str(TriageState.WAITING),
        validate=validate.OneOf([str(s) for s in TriageState]),
        metadata={"description": "waiting (the queue) or closed (closed from it)."},
    )
    reason_code = fields.String(
        validate=validate.Length(1, 64),
        metadata={"description": "Why it needs a person (the latest decision's reason code)."},
    )
    source = fields.String(
        validate=validate.Length(1, 100),
        metadata={"description": "The campaign source (utm_source) it came with."},
    )
    waiting_days = fields.Integer(
        validate=validate.Range(0, 3650),
        metadata={"description": "Only those in the queue (or closed) at least this many days."},
    )
    q = fields.String(
        validate=validate.Length(max=MAX_TERM_LENGTH),
        metadata={
            "description": "Find a person in the queue: a reference, a name (full, or the "
            "surname), an e-mail address, a phone number in any format, a full postcode or a "
            "postcode district. Exact matches only; audited with the kind of term, never the "
            "term.",
            "format": "search-term",
        },
    )


class TriageItemSchema(Schema):
    reference = fields.String(required=True)
    status = fields.String(required=True, metadata={"example": "triage"})
    received_at = fields.DateTime(required=True)
    in_triage_since = fields.DateTime(
        required=True, metadata={"description": "In the queue since (closed since, if closed)."}
    )
    reason_code = fields.String(allow_none=True)
    interest = fields.String(required=True)
    preferred_authority_code = fields.String(allow_none=True)
    source = fields.String(allow_none=True, metadata={"description": "The campaign source."})


class TriagePageSchema(Schema):
    items = fields.List(fields.Nested(TriageItemSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    kind = fields.String(
        allow_none=True, metadata={"description": "What a search term was read as."}
    )


class CloseInSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.OneOf([str(r) for r in ClosureReason]))
    duplicate_of = fields.String(
        validate=validate.Regexp(REFERENCE_PATTERN.pattern),
        metadata={
            "description": "For a duplicate only: the other enquiry's reference.",
            "example": "FE-7K3M9Q2D",
        },
    )

    @validates_schema
    def _other_for_a_duplicate(self, data: dict[str, Any], **_kwargs: Any) -> None:
        duplicate = data.get("reason") == ClosureReason.DUPLICATE
        if duplicate and not data.get("duplicate_of"):
            raise ValidationError(
                "A duplicate needs the reference of the other enquiry.", field_name="duplicate_of"
            )
        if not duplicate and data.get("duplicate_of"):
            raise ValidationError("Only a duplicate names another enquiry.", "duplicate_of")

    @classmethod
    def openapi_constraints(cls) -> dict[str, Any]:
        """The rule of ``_other_for_a_duplicate`` in JSON Schema."""
        others = [str(r) for r in ClosureReason if r is not ClosureReason.DUPLICATE]
        return {
            "oneOf": [
                {
                    "properties": {"reason": {"enum": [str(ClosureReason.DUPLICATE)]}},
                    "required": ["duplicate_of"],
                },
                {
                    "properties": {"reason": {"enum": others}},
                    "not": {"required": ["duplicate_of"]},
                },
            ]
        }


class CloseResultSchema(ActionResultSchema):
    reason = fields.String(required=True)
    duplicate_of = fields.String()
    enquirer_emailed = fields.Boolean(required=True)


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
