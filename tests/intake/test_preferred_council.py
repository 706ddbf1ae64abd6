"""A preferred council the hub does not know is an error on that field, with close names."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from hub.geo import suggest_authorities
from tests.intake.factories import enquiry_body
from tests.web.journey import csrf_token, post_page


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("Birmingam", "Birmingham"), ("Hamshire", "Hampshire"), ("Kingston", "Kingston upon Thames")],
)
def test_close_names_are_suggested(typed: str, suggested: str) -> None:
    assert suggested in suggest_authorities(typed)


def test_nothing_is_suggested_for_nonsense() -> None:
    assert suggest_authorities("zzzz") == [] and suggest_authorities("\u200b") == []


def test_the_api_names_the_field_and_suggests(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(preferred_authority="Birmingam"))
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "preferred_authority"
    assert "Did you mean Birmingham?" in error["message"]


def test_the_form_shows_it_on_the_field_not_as_a_postcode_problem(client: FlaskClient) -> None:
    token = csrf_token(client, "/enquire/where-you-live")
    answers = {"postcode": "ME14 1XQ", "preferred_authority": "Kingstn upon Thames"}
    response = post_page(client, "where-you-live", answers, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#preferred_authority"' in page and "Did you mean Kingston upon Thames" in page
    assert 'href="#postcode"' not in page
