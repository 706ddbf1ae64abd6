"""Stored enquiries, as intake leaves them (status ``received``), without going through HTTP."""

from __future__ import annotations

from typing import Any

import factory

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.enquiries.references import new_reference
from hub.platform.db import Database
from hub.platform.models import utcnow


class EnquiryFactory(factory.Factory):
    """``EnquiryFactory(db=db, postcode=..., created_at=...)`` stores an enquiry and returns it.

    Personal data is what intake stores after validation (normalised phone and postcode).
    No outbox row and no journey event are written: submit through the API for those.
    """

    class Meta:
        model = Enquiry

    class Params:
        given_name = factory.Faker("first_name", locale="en_GB")
        family_name = factory.Faker("last_name", locale="en_GB")
        email = factory.Sequence(lambda n: f"stored{n}@example.org")
        postcode = "ME14 1XQ"

    reference = factory.LazyFunction(new_reference)
    status = str(EnquiryStatus.RECEIVED)
    created_at = factory.LazyFunction(utcnow)
    status_changed_at = factory.SelfAttribute("created_at")
    personal = factory.LazyAttribute(
        lambda o: {
            "given_name": o.given_name,
            "family_name": o.family_name,
            "email": o.email,
            "phone": "+447911123456",
            "postcode": o.postcode,
            "preferred_contact": "email",
            "household": {"adults": 2, "children": 1, "spare_bedroom": True},
        }
    )
    special_category = None
    interest = "mainstream"
    preferred_authority_code = None
    campaign = factory.Dict({})
    consent_privacy_notice = True
    consent_keep_in_touch = False

    @classmethod
    def _create(cls, model_class: type[Enquiry], *args: Any, **kwargs: Any) -> Enquiry:
        db: Database = kwargs.pop("db")
        enquiry = model_class(*args, **kwargs)
        with db.transaction() as session:
            session.add(enquiry)
        return enquiry
