"""Filling in the enquiry form with Flask's test client, page by page, as a browser posts it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

ANSWERS: dict[str, dict[str, str]] = {
    "where-you-live": {"postcode": "me14 1xq"},
    "your-name": {"given_name": "Sam", "family_name": "Jones"},
    "contact": {"email": "sam@example.org", "phone": "07911 123456", "preferred_contact": "phone"},
    "fostering": {"interest": "mainstream"},
    "household": {"adults": "2", "children": "0", "spare_bedroom": "yes"},
    "about-you": {},  # optional questions, skipped
    "anything-else": {"message": ""},
    "your-information": {"privacy_notice": "yes"},
}


def csrf_from(page: str) -> str:
    """The CSRF token of a page's form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/enquire/your-name") -> str:
    return csrf_from(client.get(path, headers=BROWSER).get_data(as_text=True))


def post_page(client: FlaskClient, slug: str, answers: dict[str, str], token: str) -> Any:
    return client.post(f"/enquire/{slug}", data={"csrf_token": token, **answers}, headers=BROWSER)


def answer_everything(client: FlaskClient, **changes: dict[str, str]) -> str:
    """Post every page (with ``changes`` per page slug); returns the CSRF token used."""
    token = csrf_token(client)
    for slug, answers in ANSWERS.items():
        response = post_page(client, slug, {**answers, **changes.get(slug, {})}, token)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return token


def submission_token(client: FlaskClient) -> str:
    page = client.get("/enquire/check-answers", headers=BROWSER).get_data(as_text=True)
    match = re.search(r'name="submission" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def send(client: FlaskClient, token: str, submission: str) -> Any:
    return client.post(
        "/enquire", data={"csrf_token": token, "submission": submission}, headers=BROWSER
    )
