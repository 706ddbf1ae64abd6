"""What an enquiry looks like coming in, and what the hub says back."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hub.enquiries.models import CONNECTED_INTEREST
from hub.platform.fields import (
    AuthorityRef,
    CleanString,
    Postcode,
    StrictBoolean,
    StrictInteger,
    StrictSchema,
    UKPhone,
)

INTERESTS = (
    "mainstream",
    "short_breaks",
    "parent_and_child",
    "emergency",
    "long_term",
    "remand",
    "sibling_groups",
    "not_sure",
    CONNECTED_INTEREST,
)
# A connected person's enquiry (CONNECTED_INTEREST) names the child's council or postcode.
CHILD_FIELDS = ("child_authority", "child_postcode")
CONTACT_METHODS = ("email", "phone", "text", "either")
# The ways of contact that need a phone number: the phone is asked for only with these.
PHONE_CONTACT_METHODS = frozenset({"phone", "text"})
BEST_TIMES = ("morning", "afternoon", "evening", "weekend", "any")
SPECIAL_CATEGORY_TEXT = validate.Length(max=100)
# Screening answers: optional, shown to the receiving council, never used to refuse or route.
AGE_BANDS = ("under_21", "21_to_34", "35_to_49", "50_to_64", "65_or_over")
FOSTERING_NOW = ("no", "council", "agency")
RIGHT_TO_LIVE = ("yes", "no", "not_sure")


def _says(required: str) -> dict[str, str | list[Any] | dict[Any, Any]]:
    """Field error messages a member of the public can act on (marshmallow's are terse)."""
    return {"required": required, "null": required}


class HouseholdSchema(StrictSchema):
    adults = StrictInteger(
        required=True,
        validate=validate.Range(1, 12, error="Enter a number of adults from 1 to 12."),
        error_messages={
            **_says("Enter how many adults live in your home, as a number."),
            "invalid": "Enter how many adults live in your home, as a number.",
        },
    )
    children = StrictInteger(
        required=True,
        validate=validate.Range(0, 20, error="Enter a number of children from 0 to 20."),
        error_messages={
            **_says("Enter how many children live in your home, as a number."),
            "invalid": "Enter how many children live in your home, as a number.",
        },
    )
    spare_bedroom = StrictBoolean(
        required=True,
        error_messages={
            **_says("Tell us whether you have a spare bedroom."),
            "invalid": "Answer true or false: do you have a spare bedroom?",
        },
    )


class ConsentSchema(StrictSchema):
    privacy_notice = StrictBoolean(
        required=True,
        # Documented as enum [true]: an enquiry without it is refused.
        validate=validate.Equal(True, error="Please confirm you have read the privacy notice."),
        error_messages={
            **_says("Please confirm you have read the privacy notice."),
            "invalid": "Please confirm you have read the privacy notice (true).",
        },
    )
    keep_in_touch = StrictBoolean(
        required=True,
        error_messages={
            **_says("Tell us whether we may keep in touch (true or false)."),
            "invalid": "Tell us whether we may keep in touch (true or false).",
        },
    )


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


class ScreeningSchema(StrictSchema):
    """Optional answers that help the council prepare; none of them refuses an enquiry."""

    age_band = fields.String(
        validate=validate.OneOf(AGE_BANDS, error="Choose an age band from the list, or skip it.")
    )
    fostering_now = fields.String(
        validate=validate.OneOf(FOSTERING_NOW, error="Choose an answer from the list, or skip it.")
    )
    right_to_live_in_uk = fields.String(
        validate=validate.OneOf(RIGHT_TO_LIVE, error="Choose yes, no or not sure, or skip it.")
    )


class EnquiryInSchema(StrictSchema):
    """An enquiry from someone thinking about fostering."""

    given_name = CleanString(
        required=True,
        validate=validate.Length(
            min=1, max=100, error="Enter a first name of up to 100 characters."
        ),
        error_messages=_says("Enter your first name."),
    )
    family_name = CleanString(
        required=True,
        validate=validate.Length(
            min=1, max=100, error="Enter a last name of up to 100 characters."
        ),
        error_messages=_says("Enter your last name."),
    )
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254, error="Enter an email address of up to 254 characters."),
        error_messages={
            **_says("Enter your email address."),
            "invalid": "Enter an email address in the correct format, like name@example.com.",
        },
    )
    phone = UKPhone(
        metadata={"description": "Required when preferred_contact is phone or text."},
    )
    postcode = Postcode(required=True, error_messages=_says("Enter your postcode."))
    preferred_contact = fields.String(
        required=True,
        validate=validate.OneOf(CONTACT_METHODS, error="Choose email, phone, text or either."),
        error_messages=_says("Choose how you would like us to contact you."),
    )
    best_time = fields.String(
        validate=validate.OneOf(BEST_TIMES, error="Choose a time from the list, or leave it out.")
    )
    preferred_authority = AuthorityRef(
        metadata={"description": "The council you would like to foster for: GSS code or name."}
    )
    home_authority = AuthorityRef(
        metadata={
            "description": "For a partial or unknown postcode: the council the enquirer lives "
            "in (GSS code or name), one of the postcode's councils. Routing uses it only then."
        }
    )
    child_authority = AuthorityRef(
        metadata={
            "description": "Only with interest child_i_know: the council of the child the "
            "enquirer wants to care for (GSS code or name). The enquiry goes to that council."
        }
    )
    child_postcode = Postcode(
        metadata={
            "description": "Only with interest child_i_know, when the child's council is not "
            "known: the child's postcode, which gives the child's council. Not kept when "
            "child_authority is given."
        }
    )
    interest = fields.String(
        required=True,
        validate=validate.OneOf(INTERESTS, error="Choose one of the kinds of fostering listed."),
        error_messages=_says("Choose the kind of fostering that interests you."),
    )
    household = fields.Nested(
        HouseholdSchema, required=True, error_messages=_says("Tell us about your household.")
    )
    campaign = fields.Nested(CampaignSchema)
    consent = fields.Nested(
        ConsentSchema,
        required=True,
        error_messages=_says("Please confirm you have read the privacy notice."),
    )
    message = CleanString(
        allow_newlines=True,
        validate=validate.Length(max=2000, error="Keep your message to 2,000 characters or fewer."),
    )
    screening = fields.Nested(
        ScreeningSchema,
        metadata={
            "description": "Optional: age band, already fostering or approved with another "
            "service, right to live in the UK. Shown to the receiving council; never used to "
            "refuse or route an enquiry."
        },
    )
    special_category = fields.Nested(
        SpecialCategorySchema,
        metadata={"description": "Optional special category answers, kept apart and marked."},
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _phone_when_wanted(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        # Checked even when other fields have errors, so the page shows every error at once;
        # a phone given but malformed has its field's own error, not this one too.
        given = isinstance(original, dict) and original.get("phone") not in (None, "")
        if data.get("preferred_contact") in PHONE_CONTACT_METHODS and not given:
            raise ValidationError(
                "Enter your phone number, or choose email as the way to contact you.", "phone"
            )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _child_when_connected(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        # Only checked when the interest itself is known and valid, and only fields that have
        # no error of their own (a bad child postcode is its field's error, not this one too).
        # A field sent empty has its own error ("could not find a council called that").
        given = {
            name
            for name in CHILD_FIELDS
            if isinstance(original, dict) and original.get(name) is not None
        }
        interest = data.get("interest")
        if interest == CONNECTED_INTEREST and not given:
            raise ValidationError(
                "Enter the council of the child you want to care for, or the child's postcode.",
                "child_authority",
            )
        if interest is not None and interest != CONNECTED_INTEREST and given:
            raise ValidationError(
                "Leave this out unless the interest is a child you already know (child_i_know).",
                sorted(given)[0],
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
