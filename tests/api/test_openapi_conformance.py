"""Schemathesis against /openapi.json: every operation, as a council and as a hub operator.

All of schemathesis's checks run (status codes, content types, headers, response schemas,
schema-valid requests accepted, schema-invalid ones refused, 405 with Allow, auth honoured),
with a bounded, derandomized number of examples per operation so CI is stable and quick.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

import phonenumbers
import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance

from hub.geo import list_authorities
from hub.intake.api import IDEMPOTENCY_KEY_PATTERN
from hub.platform.db import Database
from hub.platform.fields import PHONE_EXAMPLES
from tests.support.council import KENT, bearer, token_for

EXAMPLES_PER_OPERATION = 30

# The largest share of the suite's time. It checks the API's contract, which is the same on
# both backends; run once, on PostgreSQL, the production database and the stricter of the two
# (the inputs that only one database refuses are in test_hostile_inputs.py, on both).
pytestmark = pytest.mark.one_backend("services")


def _uk_numbers() -> list[str]:
    """Valid UK numbers written the ways people write them."""
    found = list(PHONE_EXAMPLES)
    for kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
    ):
        number = phonenumbers.example_number_for_type("GB", kind)
        assert number is not None
        found.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        found.append(
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        )
        found.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return found


# The custom formats the OpenAPI document declares (see hub/platform/fields.py).
schemathesis.openapi.format("uk-phone", st.sampled_from(_uk_numbers()))
schemathesis.openapi.format(
    "authority",
    st.sampled_from(
        [a.code for a in list_authorities()[:20]] + [a.name for a in list_authorities()[-20:]]
    ),
)
schemathesis.openapi.format(
    "uk-postcode",
    st.sampled_from(["ME14 1XQ", "me14 1xq", "ME141XQ", "KT1 1EU", "B1 1AA", "TW9 1DN", "KT1 2"]),
)

# Each kind of term the council search reads (hub/enquiries/search_keys.py).
SEARCH_TERMS = (
    *("FE-7K3M9Q2D", "fe 7k3m9q2d", "Jones", "José O'Brien", "sam@example.org"),
    *("07911 123456", "+44 7911 123456", "ME14 1XQ", "me141xq", "ME14"),
)
schemathesis.openapi.format(
    "search-term",
    st.sampled_from(SEARCH_TERMS),
)


@pytest.fixture
def api_schema(app: Flask, request: pytest.FixtureRequest) -> Any:
    # schemathesis 4.32's from_fixture renames the test item through Node._nodeid, which
    # pytest 9.2 no longer has (it keeps the id in Node._id); give it the attribute it reads.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")
conformance = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _fresh_idempotency_key(case: Any) -> None:
    """Make a well-formed Idempotency-Key unique to this request.

    Reusing a key with another body is refused by design (422, documented on the header), and
    the examples of one run share a database, so a key generated twice would test that rule
    rather than the schema. Malformed keys are left as generated (they must get a 400).
    """
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        case.headers["Idempotency-Key"] = f"{key[:200]}-{uuid.uuid4().hex}"


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _ordered_date_range(case: Any) -> None:
    """Put a generated ``from``/``to`` pair in order.

    A range whose ``to`` is before its ``from`` is refused with a clear 422 by design (a rule
    across two query parameters, which JSON Schema cannot state; the ``to`` parameter's
    description says so, and tests/api/test_conformance_findings.py checks the 422), so
    schemathesis's independently drawn dates would test that rule rather than the schema.
    Only two well-formed days are swapped; anything else is left as generated.
    """
    for values in (case.query, case.body):  # a list's query, or an export's filter body
        if not isinstance(values, dict):
            continue
        start, end = _day(values.get("from")), _day(values.get("to"))
        if start is not None and end is not None and end < start:
            values["from"], values["to"] = values["to"], values["from"]


def _phone_when_a_call_is_wanted(case: Any) -> None:
    """Give a generated enquiry that asks for a call or a text a phone number.

    The phone is required only when ``preferred_contact`` is ``phone`` or ``text``: a rule
    across two fields that the OpenAPI 3.0 document states in the phone's description, not as
    JSON Schema, and that tests/intake/test_phone_rule.py checks (422 on ``phone``). Only a
    body that names one of those two and has no phone is changed.
    """
    body = case.body
    if isinstance(body, dict) and body.get("preferred_contact") in ("phone", "text"):
        body.setdefault("phone", PHONE_EXAMPLES[0])


def _event_in_the_future_somewhere(case: Any) -> None:
    """Give a generated information event a future time and a place when it has neither a
    place nor a link.

    An event must be in the future and have a place or an online link: a rule of time and one
    across two fields, which the OpenAPI document states in the descriptions and
    tests/casework/test_events_api.py checks (422 on ``starts_at``, ``place``). Only a
    well-formed event body is changed.
    """
    body = case.body
    if case.path != "/v1/council/events" or not isinstance(body, dict):
        return
    when = body.get("starts_at")
    if isinstance(when, str):
        try:
            datetime.fromisoformat(when)
        except ValueError:
            pass  # a malformed time is the case's point: it must get its 422
        else:
            body["starts_at"] = "2099-01-05T19:00:00Z"
    place, link = body.get("place", ""), body.get("online_link", "")
    if isinstance(place, str) and isinstance(link, str) and not place.strip() and not link:
        body["place"] = "County Hall"


def _child_fields_with_a_child_you_know(case: Any) -> None:
    """Keep a generated enquiry's child fields to the interest they belong to.

    ``child_authority`` and ``child_postcode`` are asked only with the interest
    ``child_i_know``, and that interest needs one of them: a rule across fields that the
    OpenAPI 3.0 document states in the fields' descriptions, not as JSON Schema, and that
    tests/intake/test_connected_person.py checks (422 on the field). Only a schema-valid
    (positive) case is changed.
    """
    body = case.body
    negative = case._meta is not None and case._meta.generation.mode.is_negative
    if negative or not isinstance(body, dict) or not isinstance(body.get("interest"), str):
        return  # a negative case keeps its violation as generated
    if body["interest"] == "child_i_know":
        if not body.get("child_authority") and not body.get("child_postcode"):
            body["child_authority"] = "Kent"
    else:
        body.pop("child_authority", None)
        body.pop("child_postcode", None)


# A CSV file's rules (its header, its rows' references and stages) are in the request body's
# description, not in JSON Schema (a string): a schema-valid string is seldom a file the hub
# can read, so these operations are held to every check except "schema-valid data is
# accepted"; tests/case_system/test_import_api.py checks each file rule and its 422.
_FILE_BODIES = frozenset({"/v1/council/imports", "/v1/council/imports/preview"})


def _call(case: Any, token: str) -> None:
    excluded = [positive_data_acceptance] if case.path in _FILE_BODIES else None
    case.call_and_validate(headers=_token_headers(case, token), excluded_checks=excluded)


def _token_headers(case: Any, token: str) -> dict[str, str] | None:
    """The token as an explicit header, except on a case generated without ``Authorization``.

    Schemathesis leaves out the explicit header a negative case removed only when the case
    negates headers alone (``get_exclude_headers`` in schemathesis/transport/prepare.py keys on
    the phase's single ``parameter_location``). A fuzzing case that negates the query and drops
    ``Authorization`` at once (seen: ``{"before": 1, "": []}``, whose extra ``""`` property is
    an empty list and is never sent) would otherwise reach the server as a valid, authenticated
    ``?before=1`` and be judged as if both negations had been sent (ST201). Sending such a case
    without the token makes the request sent the request judged.
    """
    secured = bool(case.operation.definition.raw.get("security"))
    headers = case.headers or {}
    if secured and not any(name.lower() == "authorization" for name in headers):
        return None
    return bearer(token)


@pytest.fixture
def council_token(db: Database) -> str:
    return token_for(db, KENT)


@pytest.fixture
def operator_token(db: Database) -> str:
    return token_for(db, hub=True)


@schema.parametrize()
@conformance
def test_every_operation_conforms_with_a_council_token(case: Any, council_token: str) -> None:
    _fresh_idempotency_key(case)
    _ordered_date_range(case)
    _phone_when_a_call_is_wanted(case)
    _event_in_the_future_somewhere(case)
    _child_fields_with_a_child_you_know(case)
    _call(case, council_token)


@schema.parametrize()
@conformance
def test_every_operation_conforms_with_an_operator_token(case: Any, operator_token: str) -> None:
    _fresh_idempotency_key(case)
    _ordered_date_range(case)
    _phone_when_a_call_is_wanted(case)
    _child_fields_with_a_child_you_know(case)
    _call(case, operator_token)
