"""Check the postcode with the person: a split or unlisted postcode is asked about, not guessed."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.referrals.route_enquiry import route_enquiry
from tests.web.journey import (
    ANSWERS,
    BROWSER,
    answer_everything,
    csrf_token,
    post_page,
    send,
    submission_token,
)

KINGSTON, RICHMOND = "E09000021", "E09000027"


def _where(client: FlaskClient, postcode: str) -> tuple[str, Any]:
    token = csrf_token(client, "/enquire/where-you-live")
    return token, post_page(client, "where-you-live", {"postcode": postcode}, token)


def _choose(client: FlaskClient, token: str, choice: str) -> Any:
    return client.post(
        "/enquire/check-postcode",
        data={"csrf_token": token, "home_authority": choice},
        headers=BROWSER,
    )


def _sent(client: FlaskClient, db, token: str) -> Enquiry:
    for slug, answers in ANSWERS.items():
        if slug != "where-you-live":
            assert post_page(client, slug, answers, token).status_code == 303
    assert send(client, token, submission_token(client)).status_code == 303
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    route_enquiry(db, enquiry.id)
    with db.sessions() as s:
        return s.scalars(select(Enquiry)).one()


def test_a_split_district_lists_its_councils_with_their_shares(client: FlaskClient) -> None:
    _, response = _where(client, "KT1")
    assert response.headers["Location"].endswith("/enquire/check-postcode")
    page = client.get("/enquire/check-postcode", headers=BROWSER).get_data(as_text=True)
    assert "KT1 is in Kingston upon Thames or Richmond upon Thames: which is yours?" in page
    assert "About 92% of KT1 postcodes" in page and "About 8% of KT1 postcodes" in page
    assert f'value="{KINGSTON}"' in page and 'value="not_sure"' in page


def test_the_council_chosen_is_where_the_enquiry_goes(client: FlaskClient, db) -> None:
    token, _ = _where(client, "KT1")
    response = _choose(client, token, RICHMOND)
    assert response.headers["Location"].endswith("/enquire/your-name")
    enquiry = _sent(client, db, token)
    assert enquiry.home_authority_code == RICHMOND
    assert enquiry.status == EnquiryStatus.ROUTED and enquiry.authority_code == RICHMOND


def test_not_sure_still_goes_to_triage(client: FlaskClient, db) -> None:
    token, _ = _where(client, "KT1")
    assert _choose(client, token, "not_sure").status_code == 303
    enquiry = _sent(client, db, token)
    assert enquiry.home_authority_code is None
    assert enquiry.status == EnquiryStatus.TRIAGE


@pytest.mark.parametrize("choice", ["", "E10000016", "x" * 5000, "E09000021\u200b"])
def test_no_choice_or_a_council_not_of_the_postcode_is_a_field_error(
    client: FlaskClient, db, choice: str
) -> None:
    token, _ = _where(client, "KT1")
    response = _choose(client, token, choice)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in page and 'href="#home_authority"' in page
    assert "govuk-error-message" in page
    with db.sessions() as s:
        assert s.scalars(select(Enquiry)).first() is None


def test_an_unlisted_postcode_can_be_typed_again(client: FlaskClient) -> None:
    token, response = _where(client, "ZZ99 9ZZ")
    assert response.headers["Location"].endswith("/enquire/check-postcode")
    page = client.get("/enquire/check-postcode", headers=BROWSER).get_data(as_text=True)
    assert "We could not find ZZ99 9ZZ" in page and "Continue with ZZ99 9ZZ" in page
    again = post_page(client, "where-you-live", {"postcode": "RG1 1AF"}, token)
    assert again.headers["Location"].endswith("/enquire/your-name")


def test_a_clear_postcode_has_no_check_step(client: FlaskClient) -> None:
    _where(client, "RG1 1AF")
    response = client.get("/enquire/check-postcode", headers=BROWSER)
    assert response.headers["Location"].endswith("/enquire/resume")


def test_a_new_postcode_forgets_the_council_chosen_for_the_old(client: FlaskClient, db) -> None:
    token, _ = _where(client, "KT1")
    _choose(client, token, RICHMOND)
    answer_everything(client)  # ME14 1XQ, all pages again
    page = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    assert "Richmond" not in page and "Council you live in" not in page


def test_check_answers_shows_the_council_chosen_with_a_change_link(client: FlaskClient) -> None:
    token, _ = _where(client, "KT1")
    _choose(client, token, KINGSTON)
    for slug, answers in ANSWERS.items():
        if slug != "where-you-live":
            post_page(client, slug, answers, token)
    page = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    assert "Council you live in" in page and "Kingston upon Thames" in page
    assert 'href="/enquire/check-postcode?change=1#home_authority"' in page
