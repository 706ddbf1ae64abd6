"""Enquiry bodies: what a carer would send to ``POST /v1/enquiries``."""

from __future__ import annotations

from typing import Any

import factory


class EnquiryBodyFactory(factory.DictFactory):
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"carer{n}@example.org")
    phone = "07911 123456"
    postcode = "ME14 1XQ"
    preferred_contact = "email"
    interest = "mainstream"
    household = factory.Dict({"adults": 2, "children": 1, "spare_bedroom": True})
    consent = factory.Dict({"privacy_notice": True, "keep_in_touch": False})


def enquiry_body(**overrides: Any) -> dict[str, Any]:
    return dict(EnquiryBodyFactory(**overrides))
