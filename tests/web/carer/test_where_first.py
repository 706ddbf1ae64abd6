"""Where you live first: someone outside England is signposted at once, with nothing more asked."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.referrals.route_enquiry import route_enquiry
from hub.web.carer.questions import PAGES
from tests.web.journey import (
    BROWSER,
    answer_everything,
    csrf_token,
    post_page,
    send,
    submission_token,
)

NOT_ENGLAND = [
    ("CF10 1EP", "Foster Wales", "https://fosterwales.gov.wales"),
    ("EH1 1YZ", "Fosterline Scotland", "https://www.fosterlinescotland.co.uk"),
    ("BT1 5GS", "HSC NI Adoption and Foster Care", "https://adoptionandfostercare.hscni.net"),
]


def _enquiries(db) -> list[Enquiry]:
    with db.sessions() as s:
        return list(s.scalars(select(Enquiry)))


def _count(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enquiry)) or 0)


def _where(client: FlaskClient, postcode: str) -> tuple[str, Any]:
    token = csrf_token(client, "/enquire/where-you-live")
    return token, post_page(client, "where-you-live", {"postcode": postcode}, token)


def test_the_postcode_is_the_first_question(client: FlaskClient) -> None:
    assert PAGES[0].slug == "where-you-live"
    start = client.get("/", headers=BROWSER).get_data(as_text=True)
    assert 'href="/enquire/where-you-live"' in start


def test_an_english_postcode_goes_on_to_the_name(client: FlaskClient) -> None:
    _, response = _where(client, "RG1 1AF")
    assert response.headers["Location"].endswith("/enquire/your-name")


@pytest.mark.parametrize(("postcode", "name", "url"), NOT_ENGLAND)
def test_outside_england_is_signposted_at_once(
    client: FlaskClient, db, postcode: str, name: str, url: str
) -> None:
    _, response = _where(client, postcode)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/enquire/outside-england")
    page = client.get("/enquire/outside-england", headers=BROWSER).get_data(as_text=True)
    assert f"Contact {name}" in page and f'href="{url}"' in page
    # Someone outside England who wants to care for a child they know in England is told where
    # to go (the child's council), not only the signpost for where they live.
    assert "A child you already know who lives in England" in page
    # Nothing more is asked: no other question page opens, and nothing is stored.
    for slug in ("your-name", "contact", "check-answers"):
        moved = client.get(f"/enquire/{slug}", headers=BROWSER)
        assert moved.headers["Location"].endswith("/enquire/outside-england"), slug
    assert _count(db) == 0


def test_the_scottish_signpost_links_fosterline_and_invents_no_number(client: FlaskClient) -> None:
    _where(client, "EH1 1YZ")
    page = client.get("/enquire/outside-england", headers=BROWSER).get_data(as_text=True)
    assert 'href="https://www.fosterlinescotland.co.uk"' in page
    assert "0141" not in page and "0800" not in page


def test_a_post_to_a_later_page_is_not_kept_once_signposted(client: FlaskClient, db) -> None:
    token, _ = _where(client, "CF10 1EP")
    response = post_page(client, "your-name", {"given_name": "Sam", "family_name": "Jones"}, token)
    assert response.headers["Location"].endswith("/enquire/outside-england")
    _where(client, "RG1 1AF")  # changed their postcode: the name was never kept
    page = client.get("/enquire/your-name", headers=BROWSER).get_data(as_text=True)
    assert "Jones" not in page


def test_the_email_copy_keeps_the_postcode_and_address_only(client: FlaskClient, db) -> None:
    token, _ = _where(client, "CF10 1EP")
    data = {"csrf_token": token, "email": " sam@example.org "}
    first = client.post("/enquire/outside-england", data=data, headers=BROWSER)
    again = client.post("/enquire/outside-england", data=data, headers=BROWSER)  # double click
    assert first.headers["Location"].endswith("/enquire/confirmation")
    assert again.headers["Location"].endswith("/enquire/confirmation")
    (enquiry,) = _enquiries(db)
    assert enquiry.personal == {
        "postcode": "CF10 1EP",
        "email": "sam@example.org",
        "preferred_contact": "email",
    }
    assert enquiry.consent_privacy_notice is False and enquiry.consent_keep_in_touch is False
    route_enquiry(db, enquiry.id)
    (enquiry,) = _enquiries(db)
    assert enquiry.status == EnquiryStatus.SIGNPOSTED
    page = client.get("/enquire/confirmation", headers=BROWSER).get_data(as_text=True)
    assert "Go to Foster Wales" in page and 'id="emailed"' in page


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter your email address"),
        ("x" * 250 + "@example.org", "254 characters"),
        ("sam\u200b@example.org", "correct format"),
        ("sam\u202e@example.org", "correct format"),
        ("sam@exa mple.org", "correct format"),
    ],
)
def test_a_bad_email_address_is_a_field_error_and_nothing_is_stored(
    client: FlaskClient, db, typed: str, says: str
) -> None:
    token, _ = _where(client, "CF10 1EP")
    response = client.post(
        "/enquire/outside-england", data={"csrf_token": token, "email": typed}, headers=BROWSER
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in page and 'href="#email"' in page and says in page
    assert "govuk-error-message" in page
    assert _count(db) == 0


def test_the_signpost_page_needs_a_postcode_outside_england(client: FlaskClient) -> None:
    response = client.get("/enquire/outside-england", headers=BROWSER)
    assert response.headers["Location"].endswith("/enquire/resume")
    _where(client, "RG1 1AF")
    response = client.get("/enquire/outside-england", headers=BROWSER)
    assert response.headers["Location"].endswith("/enquire/resume")


@pytest.mark.parametrize(
    "path",
    [
        "/enquire/where-you-live",
        "/enquire/your-name",
        "/enquire/check-answers",
        "/enquire/outside-england",
        "/enquire/confirmation",
    ],
)
def test_no_page_of_the_form_is_kept_by_a_browser_or_cache(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def test_the_start_page_and_privacy_notice_may_be_cached(client: FlaskClient) -> None:
    for path in ("/", "/privacy"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


def test_the_sent_answers_are_gone_from_every_page(client: FlaskClient, db) -> None:
    token = answer_everything(client)
    send(client, token, submission_token(client))
    for page in PAGES:
        text = client.get(f"/enquire/{page.slug}", headers=BROWSER).get_data(as_text=True)
        assert "Jones" not in text and "sam@example.org" not in text and "ME14" not in text
