"""What an enquiry looks like coming in, and what the hub says back."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from hub.schemas.fields import AuthorityRef, CleanString, Postcode, UKPhone

INTERESTS = (
    "mainstream",
    "short_breaks",
    "parent_and_child",
    "emergency",
    "long_term",
    "remand",
    "sibling_groups",
    "not_sure",
)
CONTACT_METHODS = ("email", "phone", "either")
BEST_TIMES = ("morning", "afternoon", "evening", "weekend", "any")
SPECIAL_CATEGORY_TEXT = validate.Length(max=100)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class HouseholdSchema(StrictSchema):
    adults = fields.Integer(required=True, strict=True, validate=validate.Range(1, 12))
    children = fields.Integer(required=True, strict=True, validate=validate.Range(0, 20))
    spare_bedroom = fields.Boolean(required=True, truthy={True}, falsy={False})


class ConsentSchema(StrictSchema):
    privacy_notice = fields.Boolean(required=True, truthy={True}, falsy={False})
    keep_in_touch = fields.Boolean(required=True, truthy={True}, falsy={False})

    @validates("privacy_notice")
    def _must_accept(self, value: bool, **_: Any) -> None:
        if value is not True:
            raise ValidationError("Please confirm you have read the privacy notice.")


class CampaignSchema(StrictSchema):
    utm_source = CleanString(validate=validate.Length(max=100))
    utm_medium = CleanString(validate=validate.Length(max=100))
    utm_campaign = CleanString(validate=validate.Length(max=100))
    utm_term = CleanString(validate=validate.Length(max=100))
    utm_content = CleanString(validate=validate.Length(max=100))
    heard_from = CleanString(validate=validate.Length(max=100))


class SpecialCategorySchema(StrictSchema):
    """Special category data (UK GDPR art. 9): optional, stored apart, marked as such."""

    ethnicity = CleanString(validate=SPECIAL_CATEGORY_TEXT)
    religion = CleanString(validate=SPECIAL_CATEGORY_TEXT)
    disability = CleanString(validate=SPECIAL_CATEGORY_TEXT)


class EnquiryInSchema(StrictSchema):
    """An enquiry from someone thinking about fostering."""

    given_name = CleanString(required=True, validate=validate.Length(min=1, max=100))
    family_name = CleanString(required=True, validate=validate.Length(min=1, max=100))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    phone = UKPhone(required=True)
    postcode = Postcode(required=True)
    preferred_contact = fields.String(required=True, validate=validate.OneOf(CONTACT_METHODS))
    best_time = fields.String(validate=validate.OneOf(BEST_TIMES))
    preferred_authority = AuthorityRef(
        metadata={"description": "The council you would like to foster for: GSS code or name."}
    )
    interest = fields.String(required=True, validate=validate.OneOf(INTERESTS))
    household = fields.Nested(HouseholdSchema, required=True)
    campaign = fields.Nested(CampaignSchema)
    consent = fields.Nested(ConsentSchema, required=True)
    message = CleanString(allow_newlines=True, validate=validate.Length(max=2000))
    special_category = fields.Nested(
        SpecialCategorySchema,
        metadata={"description": "Optional special category answers, kept apart and marked."},
    )


class EnquiryAcceptedSchema(Schema):
    reference = fields.String(required=True, metadata={"example": "FE-7K3M9Q2D"})
    status = fields.String(required=True)
    status_url = fields.String(required=True)


class EnquiryStatusSchema(Schema):
    reference = fields.String(required=True)
    status = fields.String(required=True)
    status_changed_at = fields.DateTime(required=True)
    received_at = fields.DateTime(required=True)
