"""Someone who wants to care for a child they already know names the child's council or
postcode; bad input is a field error and nothing is stored."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from hub.enquiries.models import Enquiry
from tests.intake.factories import enquiry_body
from tests.support.council import KENT, get_enquiry

IN_READING = {"postcode": "RG1 1AF", "interest": "child_i_know"}


def _count(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enquiry)) or 0)


def test_the_childs_council_is_stored_as_a_code_with_the_flag(client: FlaskClient, db) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(**IN_READING, child_authority="Kent"))
    assert response.status_code == 202, response.get_json()
    enquiry = get_enquiry(db, response.get_json()["reference"])
    assert (enquiry.connected_person, enquiry.child_authority_code) == (True, KENT)
    assert "child_postcode" not in enquiry.personal


def test_the_childs_postcode_is_kept_encrypted_with_the_enquirers_details(client, db) -> None:
    body = enquiry_body(**IN_READING, child_postcode="me141xq")
    reference = client.post("/v1/enquiries", json=body).get_json()["reference"]
    enquiry = get_enquiry(db, reference)
    assert enquiry.personal["child_postcode"] == "ME14 1XQ"
    assert enquiry.child_authority_code is None
    with db.sessions() as s:
        raw = s.execute(
            text("SELECT personal FROM enquiries WHERE reference = :r"), {"r": reference}
        ).scalar_one()
    assert "ME14" not in str(raw)


def test_with_both_the_council_decides_and_the_postcode_is_not_kept(client, db) -> None:
    body = enquiry_body(**IN_READING, child_authority=KENT, child_postcode="ME14 1XQ")
    enquiry = get_enquiry(db, client.post("/v1/enquiries", json=body).get_json()["reference"])
    assert enquiry.child_authority_code == KENT and "child_postcode" not in enquiry.personal


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({}, "child_authority", "Enter the council of the child"),
        ({"child_authority": ""}, "child_authority", "We could not find a council"),
        ({"child_authority": "K" * 300}, "child_authority", "We could not find a council"),
        ({"child_authority": "\u200b\u202e"}, "child_authority", "We could not find a council"),
        ({"child_authority": "Kentt"}, "child_authority", "Did you mean Kent"),
        ({"child_postcode": "not a postcode at all"}, "child_postcode", ""),
        ({"child_postcode": "M" * 50}, "child_postcode", "too long"),
    ],
)
def test_bad_childs_council_or_postcode_is_a_field_error(
    client: FlaskClient, db, extra: dict[str, str], field: str, words: str
) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(**IN_READING, **extra))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert words in errors[0]["message"]
    assert _count(db) == 0


def test_odd_unicode_around_a_council_name_is_stored_as_its_code_only(client, db) -> None:
    body = enquiry_body(**IN_READING, child_authority="Kent\u202e")
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 202
    assert get_enquiry(db, response.get_json()["reference"]).child_authority_code == KENT


def test_a_child_is_named_only_with_that_interest(client: FlaskClient, db) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(child_authority="Kent"))
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "child_authority" and "child_i_know" in error["message"]
    assert _count(db) == 0


def test_a_double_submit_with_one_key_stores_one_enquiry(client: FlaskClient, db) -> None:
    body = enquiry_body(**IN_READING, child_authority="Kent")
    headers = {"Idempotency-Key": "kinship-double-submit-1"}
    first = client.post("/v1/enquiries", json=body, headers=headers)
    second = client.post("/v1/enquiries", json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.get_json()["reference"] == second.get_json()["reference"]
    assert _count(db) == 1
