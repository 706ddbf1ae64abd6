"""Phone numbers as people type them: any possible UK number, asked for only when it is needed."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from hub.platform.fields import normalise_uk_phone
from tests.intake.factories import enquiry_body
from tests.web.journey import ANSWERS, BROWSER, csrf_token, post_page


def _errors(response: Any) -> list[str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    return [e["field"] for e in response.get_json()["errors"]]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Not in libphonenumber's allocated ranges, but a possible mobile number.
        ("07911 654321", "+447911654321"),
        ("+44 (0)7911 654321", "+447911654321"),
        ("0044 7911 654321", "+447911654321"),
        ("01234 567890", "+441234567890"),
        ("016977 3456", "+44169773456"),  # one of the UK's shorter geographic numbers
    ],
)
def test_a_possible_uk_number_is_taken_in_its_one_stored_form(typed: str, stored: str) -> None:
    assert normalise_uk_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["0791", "07911 65432", "07911 6543210", "0800 123", "+1 202 555 0100", "07700 900123"],
)
def test_impossible_foreign_and_drama_numbers_are_refused(typed: str) -> None:
    assert normalise_uk_phone(typed) is None


def test_the_api_accepts_a_number_outside_the_allocated_ranges(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(phone="07911 654321"))
    assert response.status_code == 202, response.get_json()


@pytest.mark.parametrize("method", ["email", "either"])
def test_the_api_needs_no_phone_when_the_person_prefers_email(
    client: FlaskClient, method: str
) -> None:
    body = enquiry_body(preferred_contact=method)
    del body["phone"]
    assert client.post("/v1/enquiries", json=body).status_code == 202


@pytest.mark.parametrize("method", ["phone", "text"])
def test_the_api_needs_a_phone_for_a_call_or_a_text(client: FlaskClient, method: str) -> None:
    body = enquiry_body(preferred_contact=method)
    del body["phone"]
    response = client.post("/v1/enquiries", json=body)
    assert _errors(response) == ["phone"]
    assert "choose email" in response.get_json()["errors"][0]["message"]


def test_a_malformed_phone_has_one_error_not_two(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(preferred_contact="text", phone="12"))
    assert _errors(response) == ["phone"]


def test_the_form_takes_an_email_only_contact(client: FlaskClient) -> None:
    answers = {**ANSWERS["contact"], "phone": "", "preferred_contact": "email"}
    response = post_page(client, "contact", answers, csrf_token(client))
    assert response.status_code == 303


def test_the_form_asks_for_the_phone_when_a_text_is_wanted(client: FlaskClient) -> None:
    answers = {**ANSWERS["contact"], "phone": "", "preferred_contact": "text"}
    response = post_page(client, "contact", answers, csrf_token(client))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in page and 'href="#phone"' in page
    assert "Enter your phone number, or choose email" in page
    # Nothing of this page was kept.
    again = client.get("/enquire/contact", headers=BROWSER).get_data(as_text=True)
    assert ANSWERS["contact"]["email"] not in again
