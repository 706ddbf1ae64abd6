"""Repeat enquiries and duplicate marks as councils and operators read and send them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hub.platform.fields import CleanString, StrictSchema

MATCHED_ON = "What matched: email, phone, name_and_postcode."


class CouncilRepeatSchema(Schema):
    reference = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    outcome = fields.String(
        required=True, metadata={"description": "The journey stage reached, else the status."}
    )
    before = fields.Boolean(
        required=True, metadata={"description": "True: it came before this referral."}
    )
    matched_on = fields.List(fields.String(), required=True, metadata={"description": MATCHED_ON})


class ElsewhereSchema(Schema):
    received_on = fields.Date(required=True)
    before = fields.Boolean(required=True)


class DuplicateMarkSchema(Schema):
    reference = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "None when that referral is no longer yours."},
    )
    marked_at = fields.DateTime(required=True)
    marked_by = fields.String(required=True)


class CouncilRepeatsSchema(Schema):
    reference = fields.String(required=True)
    with_you = fields.List(
        fields.Nested(CouncilRepeatSchema),
        required=True,
        metadata={"description": "The person's other referrals that your council holds."},
    )
    elsewhere = fields.List(
        fields.Nested(ElsewhereSchema),
        required=True,
        metadata={
            "description": "Other enquiries by the person (another council, the hub): "
            "only the day each arrived."
        },
    )
    duplicate_of = fields.Nested(DuplicateMarkSchema, allow_none=True, required=True)
    marked_duplicates = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Your referrals marked as duplicates of this one."},
    )


class OperatorRepeatSchema(CouncilRepeatSchema):
    status = fields.String(required=True)
    authority_code = fields.String(allow_none=True)
    authority_name = fields.String(allow_none=True)


class OperatorRepeatsSchema(Schema):
    reference = fields.String(required=True)
    enquiries = fields.List(fields.Nested(OperatorRepeatSchema), required=True)
    duplicate_of = fields.Nested(DuplicateMarkSchema, allow_none=True, required=True)


class DuplicateInSchema(StrictSchema):
    duplicate_of = CleanString(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "The reference of another of your referrals.",
            "example": "FE-7K3M9Q2D",
        },
    )


class DuplicateResultSchema(Schema):
    reference = fields.String(required=True)
    duplicate_of = fields.String(allow_none=True, required=True)
    changed = fields.Boolean(required=True)
