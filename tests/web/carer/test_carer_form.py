"""The enquiry form: GOV.UK patterns, the API's rules, one enquiry per submission token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from hub.enquiries.models import Enquiry
from hub.platform.models import utcnow
from hub.web.carer.drafts import DRAFT_IDLE, purge_expired_drafts
from hub.web.carer.models import FormDraft
from hub.web.carer.questions import PAGES
from tests.web.journey import (
    ANSWERS,
    BROWSER,
    answer_everything,
    csrf_token,
    post_page,
    send,
    submission_token,
)


def _enquiries(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enquiry)) or 0)


@pytest.mark.parametrize("slug", [page.slug for page in PAGES])
def test_every_question_page_labels_every_input(client, slug: str) -> None:
    if slug == "the-child":  # asked only of someone who wants to care for a child they know
        answer = {"interest": "child_i_know"}
        assert post_page(client, "fostering", answer, csrf_token(client)).status_code == 303
    page = client.get(f"/enquire/{slug}").get_data(as_text=True)
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page))
    labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', page))
    assert ids and ids <= labelled
    assert 'lang="en-GB"' in page
    assert "<script>" not in page and " style=" not in page  # nothing inline (CSP)


def test_a_complete_journey_stores_one_enquiry_and_redirects_to_its_confirmation(
    client, db
) -> None:
    token = answer_everything(client)
    response = send(client, token, submission_token(client))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/enquire/confirmation")
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    assert enquiry.personal["postcode"] == "ME14 1XQ"
    assert enquiry.personal["household"] == {"adults": 2, "children": 0, "spare_bedroom": True}
    page = client.get("/enquire/confirmation", headers=BROWSER).get_data(as_text=True)
    assert enquiry.reference in page


def test_sending_the_same_submission_again_stores_nothing_more(client, db) -> None:
    token = answer_everything(client)
    submission = submission_token(client)
    first = send(client, token, submission)
    again = send(client, token, submission)  # a refresh of the POST, or Back and Send
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert _enquiries(db) == 1


def test_back_to_check_answers_after_sending_shows_the_confirmation(client, db) -> None:
    token = answer_everything(client)
    send(client, token, submission_token(client))
    response = client.get("/enquire/check-answers", headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/enquire/confirmation")
    assert _enquiries(db) == 1


def test_a_submission_token_of_another_session_sends_nothing(app, client, db) -> None:
    token = answer_everything(client)
    submission = submission_token(client)
    other = app.test_client()
    response = send(other, csrf_token(other), submission)
    assert response.status_code == 303 and "/enquire/resume" in response.headers["Location"]
    assert _enquiries(db) == 0
    assert send(client, token, submission).status_code == 303
    assert _enquiries(db) == 1


def test_the_confirmation_is_found_by_the_session_receipt_only(app, client, db) -> None:
    token = answer_everything(client)
    send(client, token, submission_token(client))
    with db.sessions() as s:
        reference = s.scalars(select(Enquiry.reference)).one()
    other = app.test_client()
    response = other.get("/enquire/confirmation", headers=BROWSER)
    assert response.status_code == 404
    assert reference not in response.get_data(as_text=True)
    assert reference not in response.headers.get("Location", "")


def test_problems_are_summarised_and_linked_to_their_fields(client, db) -> None:
    token = csrf_token(client)
    response = post_page(client, "where-you-live", {"postcode": "not a postcode"}, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and "govuk-error-summary" in page
    assert 'href="#postcode"' in page
    assert 'aria-describedby="postcode-hint postcode-error"' in page
    assert 'value="not a postcode"' in page  # what was typed is kept
    assert "<title>Error: " in page
    missing = post_page(client, "your-information", {}, token)
    assert missing.status_code == 422 and 'href="#privacy_notice"' in missing.get_data(as_text=True)
    assert _enquiries(db) == 0


@pytest.mark.parametrize("adults", ["²", "9" * 5000, "\uff12", "-1", "1e3", " "])
def test_odd_numbers_of_adults_are_a_422_page_never_a_5xx(client, db, adults: str) -> None:
    token = csrf_token(client)
    response = post_page(client, "household", {**ANSWERS["household"], "adults": adults}, token)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#adults"' in page and "adults" in page
    assert response.mimetype == "text/html"


def test_the_phone_example_in_the_hint_is_accepted(client) -> None:
    page = client.get("/enquire/contact").get_data(as_text=True)
    example = re.search(r"For example, ([0-9 ]+)", page)
    assert example
    token = csrf_token(client)
    answers = {**ANSWERS["contact"], "phone": example.group(1).strip()}
    assert post_page(client, "contact", answers, token).status_code == 303


def test_change_links_come_back_to_check_answers(client) -> None:
    token = answer_everything(client)
    page = client.get("/enquire/check-answers").get_data(as_text=True)
    assert 'href="/enquire/where-you-live?change=1#postcode"' in page
    response = client.post(
        "/enquire/where-you-live?change=1",
        data={"csrf_token": token, "postcode": "RG1 1AF"},
        headers=BROWSER,
    )
    assert response.headers["Location"].endswith("/enquire/check-answers")
    assert "RG1 1AF" in client.get("/enquire/check-answers").get_data(as_text=True)


def test_check_answers_sends_an_unfinished_form_back_to_its_first_gap(client) -> None:
    token = csrf_token(client)
    post_page(client, "where-you-live", ANSWERS["where-you-live"], token)
    post_page(client, "your-name", ANSWERS["your-name"], token)
    response = client.get("/enquire/check-answers")
    assert response.status_code == 303 and response.headers["Location"].endswith("/contact")


def test_draft_answers_are_encrypted_at_rest_and_emptied_once_sent(client, db) -> None:
    token = answer_everything(client, **{"your-name": {"family_name": "Zebedee-Quist"}})
    with db.sessions() as s:
        raw = s.execute(text("SELECT answers, token_hash FROM web_form_drafts")).one()
    assert "Zebedee" not in raw[0] and "sam@example.org" not in raw[0]
    session_token = client.get_cookie("session")
    assert session_token is not None
    send(client, token, submission_token(client))
    with db.sessions() as s:
        draft = s.scalars(select(FormDraft)).one()
    assert draft.answers == {} and draft.enquiry_id is not None


def test_expired_drafts_are_purged_and_live_ones_kept(client, db) -> None:
    answer_everything(client)
    assert purge_expired_drafts(db) == 0
    assert purge_expired_drafts(db, now=utcnow() + DRAFT_IDLE + timedelta(seconds=1)) == 1
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(FormDraft)) == 0


def test_opening_the_send_address_goes_to_the_first_question(client) -> None:
    response = client.get("/enquire", headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/enquire/where-you-live")
