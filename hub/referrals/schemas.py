"""What councils send and receive: referrals, actions, home-council notices."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hub.enquiries.search_keys import MAX_TERM_LENGTH
from hub.platform.fields import AuthorityRef, CleanString, StrictSchema, UTCDateTime
from hub.platform.pagination import cursor_field
from hub.referrals.inbox import REFERRALS_CURSOR
from hub.referrals.queries import REFERRAL_STATUSES
from hub.referrals.reasons import ReturnReason

MAX_PAGE = 100


class PageQuerySchema(Schema):
    limit = fields.Integer(
        load_default=25,
        validate=validate.Range(1, MAX_PAGE),
        metadata={"description": "Items per page (1 to 100)."},
    )
    cursor = cursor_field()


class ReferralQuerySchema(PageQuerySchema):
    cursor = cursor_field(REFERRALS_CURSOR)
    status = fields.String(validate=validate.OneOf(REFERRAL_STATUSES))
    received_since = UTCDateTime(
        metadata={"description": "Only referrals received at or after this ISO 8601 time."},
    )
    q = fields.String(
        validate=validate.Length(max=MAX_TERM_LENGTH),
        metadata={
            "description": "Find a person among your referrals: a reference, a name (full, or "
            "the surname), an e-mail address, a phone number in any format, a full postcode "
            "or a postcode district. Exact matches only (case, accents and spacing aside); "
            "audited with the kind of term, never the term.",
            "example": "07911 123456",
            # What hub.enquiries.search_keys.read_search_term reads; anything else is 422.
            "format": "search-term",
        },
    )


class ReferralSummarySchema(Schema):
    reference = fields.String(required=True, metadata={"example": "FE-7K3M9Q2D"})
    status = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    routed_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    interest = fields.String(required=True)
    connected_person = fields.Boolean(
        required=True,
        metadata={
            "description": "The enquirer wants to care for a child they already know (interest "
            "child_i_know): routed to the child's council."
        },
    )
    authority_code = fields.String(required=True)
    authority_name = fields.String(allow_none=True)
    cluster = fields.String(allow_none=True)
    delivery_body = fields.String(allow_none=True)
    given_name = fields.String(metadata={"description": "Personal data: to triage the list."})
    family_name = fields.String(metadata={"description": "Personal data: to triage the list."})


class ReferralPageSchema(Schema):
    items = fields.List(fields.Nested(ReferralSummarySchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class EnquirerSchema(Schema):
    given_name = fields.String()
    family_name = fields.String()
    email = fields.String()
    phone = fields.String()
    postcode = fields.String()
    preferred_contact = fields.String()
    best_time = fields.String(allow_none=True)
    household = fields.Dict()
    message = fields.String(allow_none=True)
    child_postcode = fields.String(
        metadata={
            "description": "A connected person's child's postcode, when they gave it instead "
            "of the child's council. Personal data of a child."
        }
    )
    screening = fields.Dict(
        metadata={
            "description": "Optional answers (age_band, fostering_now, right_to_live_in_uk): "
            "to prepare the first call, never a reason to refuse."
        }
    )


class SpecialCategoryOutSchema(Schema):
    special_category_data = fields.Boolean(
        required=True,
        metadata={"description": "Always true: UK GDPR article 9 data, handle accordingly."},
    )
    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class HomeCouncilNoticeSchema(Schema):
    authority_code = fields.String(required=True)
    authority_name = fields.String(allow_none=True)
    reason = fields.String(required=True)


class RoutingSummarySchema(Schema):
    decided_at = fields.DateTime(required=True)
    decided_by = fields.String(required=True)
    explanation = fields.String(required=True, metadata={"description": "In plain words."})
    connected_person = fields.Boolean(
        metadata={"description": "Decided as a connected person's enquiry (the child's council)."}
    )
    home_council_notice = fields.Nested(HomeCouncilNoticeSchema, allow_none=True)


class ReferralDetailSchema(ReferralSummarySchema):
    enquirer = fields.Nested(EnquirerSchema, required=True)
    consent = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    campaign = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    preferred_authority_code = fields.String(allow_none=True)
    home_authority_code = fields.String(
        allow_none=True,
        metadata={
            "description": "For a partial postcode: the council the enquirer said they live in."
        },
    )
    child_authority_code = fields.String(
        allow_none=True,
        metadata={"description": "A connected person's child's council, as the enquirer named it."},
    )
    special_category = fields.Nested(SpecialCategoryOutSchema, allow_none=True)
    routing = fields.Nested(RoutingSummarySchema, allow_none=True)


class ReturnInSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.OneOf([str(r) for r in ReturnReason]))
    note = CleanString(allow_newlines=True, validate=validate.Length(max=1000))


class RouteInSchema(StrictSchema):
    authority = AuthorityRef(
        required=True, metadata={"description": "The council: GSS code or name."}
    )
    reason = CleanString(required=True, validate=validate.Length(min=5, max=500))


class ActionResultSchema(Schema):
    reference = fields.String(required=True)
    status = fields.String(required=True)
    authority_code = fields.String(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    changed = fields.Boolean(required=True, metadata={"description": "False on a repeat."})


class NoticeToHomeCouncilSchema(Schema):
    reference = fields.String(required=True, metadata={"example": "FE-7K3M9Q2D"})
    received_at = fields.DateTime(required=True)
    home_council_code = fields.String(required=True)
    routed_to_code = fields.String(required=True)
    routed_to_name = fields.String(allow_none=True)
    decided_at = fields.DateTime(required=True)
    transferred_from_code = fields.String(
        allow_none=True,
        metadata={"description": "The council that transferred it there (None: routed there)."},
    )
    transferred_from_name = fields.String(allow_none=True)


class NoticeToHomeCouncilListSchema(Schema):
    items = fields.List(fields.Nested(NoticeToHomeCouncilSchema), required=True)
