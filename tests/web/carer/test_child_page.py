"""The form asks someone who wants to care for a child they already know for the child's
council (or postcode), once, and only them; bad answers are field errors on that page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hub.enquiries.models import Enquiry
from hub.referrals.route_enquiry import route_enquiry
from tests.support.council import KENT
from tests.web.journey import (
    BROWSER,
    answer_everything,
    csrf_token,
    post_page,
    send,
    submission_token,
)

GRANDPARENT = {"where-you-live": {"postcode": "RG1 1AF"}, "fostering": {"interest": "child_i_know"}}


def _count(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enquiry)) or 0)


def _with_child(client: FlaskClient, **child: str) -> str:
    token = answer_everything(client, **GRANDPARENT)
    response = post_page(client, "the-child", child, token)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return token


def test_choosing_a_child_they_know_asks_for_the_childs_council_next(client: FlaskClient) -> None:
    token = csrf_token(client)
    post_page(client, "where-you-live", {"postcode": "RG1 1AF"}, token)
    response = post_page(client, "fostering", {"interest": "child_i_know"}, token)
    assert response.headers["Location"].endswith("/enquire/the-child")
    page = client.get("/enquire/the-child", headers=BROWSER).get_data(as_text=True)
    assert "The child&#39;s council" in page or "The child's council" in page
    assert 'href="/enquire/fostering"' in page  # Back goes to the interest


def test_other_interests_never_see_the_page(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = post_page(client, "fostering", {"interest": "mainstream"}, token)
    assert response.headers["Location"].endswith("/enquire/household")
    assert client.get("/enquire/the-child", headers=BROWSER).status_code == 303
    page = client.get("/enquire/household", headers=BROWSER).get_data(as_text=True)
    assert 'href="/enquire/fostering"' in page  # Back skips the child's page


def test_the_enquiry_goes_to_the_childs_council_and_the_confirmation_says_why(
    client: FlaskClient, db
) -> None:
    token = _with_child(client, child_authority="Kent", child_postcode="")
    answers = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    assert "The child&#39;s council" in answers and "Kent" in answers
    assert "The child&#39;s postcode" not in answers
    send(client, token, submission_token(client))
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    assert (enquiry.connected_person, enquiry.child_authority_code) == (True, KENT)
    route_enquiry(db, enquiry.id)
    page = client.get("/enquire/confirmation", headers=BROWSER).get_data(as_text=True)
    assert "care for a child you already know" in page
    assert "the child&#39;s council, Kent council" in page


def test_a_double_submit_stores_one_enquiry(client: FlaskClient, db) -> None:
    token = _with_child(client, child_postcode="ME14 1XQ")
    submission = submission_token(client)
    assert send(client, token, submission).status_code == 303
    assert send(client, token, submission).status_code == 303
    assert _count(db) == 1


@pytest.mark.parametrize(
    ("child", "field", "words"),
    [
        ({}, "child_authority", "Enter the council of the child"),
        ({"child_authority": "   ", "child_postcode": ""}, "child_authority", "Enter the council"),
        ({"child_authority": "x" * 5000}, "child_authority", "We could not find a council"),
        ({"child_authority": "Kentt"}, "child_authority", "Did you mean Kent"),
        ({"child_authority": "\u202e\u200b"}, "child_authority", "We could not find a council"),
        ({"child_postcode": "\uff2d\uff25"}, "child_postcode", ""),
        ({"child_postcode": "KT1"}, "child_postcode", "is in more than one council"),
        ({"child_postcode": "ZZ99 9ZZ"}, "child_postcode", "We could not find ZZ99 9ZZ"),
    ],
)
def test_a_bad_answer_is_an_error_on_its_field_and_nothing_is_stored(
    client: FlaskClient, db, child: dict[str, str], field: str, words: str
) -> None:
    token = answer_everything(client, **GRANDPARENT)
    response = post_page(client, "the-child", child, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in page and words in page.replace("&#39;", "'")
    assert _count(db) == 0


def test_a_child_outside_england_is_signposted_on_the_page(client: FlaskClient, db) -> None:
    token = answer_everything(client, **GRANDPARENT)
    response = post_page(client, "the-child", {"child_postcode": "CF10 1EP"}, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="child-signpost"' in page and "Foster Wales" in page
    assert 'href="#child_postcode"' in page
    assert _count(db) == 0


def test_changing_the_interest_away_drops_the_childs_answers(client: FlaskClient, db) -> None:
    token = _with_child(client, child_authority="Kent")
    post_page(client, "fostering", {"interest": "mainstream"}, token)
    answers = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    assert "The child&#39;s council" not in answers
    send(client, token, submission_token(client))
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    assert (enquiry.connected_person, enquiry.child_authority_code) == (False, None)
