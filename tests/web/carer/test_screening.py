"""Screening that never refuses: optional questions, shown to the council, never a refusal."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.referrals.route_enquiry import route_enquiry
from tests.intake.factories import enquiry_body
from tests.support.council import KENT, MEDWAY, bearer, routed, token_for
from tests.web.journey import BROWSER, answer_everything, post_page, send, submission_token

SCREENING = {"age_band": "under_21", "fostering_now": "agency", "right_to_live_in_uk": "not_sure"}


def test_the_questions_can_all_be_skipped(client: FlaskClient, db) -> None:
    token = answer_everything(client)
    page = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    assert "About you (optional)" in page and 'id="under-21"' not in page
    send(client, token, submission_token(client))
    with db.sessions() as s:
        assert "screening" not in s.scalars(select(Enquiry)).one().personal


def test_under_21_is_told_and_the_enquiry_still_goes(client: FlaskClient, db) -> None:
    token = answer_everything(client, **{"about-you": SCREENING})
    page = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    assert 'id="under-21"' in page and "We will still send your enquiry" in page
    send(client, token, submission_token(client))
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    assert enquiry.personal["screening"] == SCREENING
    route_enquiry(db, enquiry.id)
    with db.sessions() as s:
        assert s.scalars(select(Enquiry)).one().status == EnquiryStatus.ROUTED


@pytest.mark.parametrize("value", ["20", "x" * 5000, "under_21\u200b", "\uff55nder_21"])
def test_an_answer_not_in_the_list_is_a_field_error(client: FlaskClient, value: str) -> None:
    token = answer_everything(client)
    response = post_page(client, "about-you", {"age_band": value}, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in page and 'href="#age_band"' in page


def test_the_council_sees_the_answers_and_another_council_does_not(client: FlaskClient, db) -> None:
    reference = routed(client, db, screening=SCREENING)
    own = client.get(f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, KENT)))
    assert own.status_code == 200
    assert own.get_json()["enquirer"]["screening"] == SCREENING
    other = token_for(db, MEDWAY)
    assert (
        client.get(f"/v1/council/referrals/{reference}", headers=bearer(other)).status_code == 404
    )


def test_the_api_refuses_an_unknown_answer_on_its_field(client: FlaskClient) -> None:
    body = enquiry_body(screening={"right_to_live_in_uk": "maybe"})
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["screening.right_to_live_in_uk"]
