"""The accessible enquiry form: same rules as the API, errors a person can act on."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from hub.enquiries.models import Enquiry

GOOD = {
    "given_name": "Sam",
    "family_name": "Jones",
    "email": "sam@example.org",
    "phone": "07911 123456",
    "postcode": "rg1 1af",
    "preferred_contact": "phone",
    "interest": "mainstream",
    "adults": "2",
    "children": "0",
    "spare_bedroom": "yes",
    "privacy_notice": "yes",
}


def _csrf(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_form_has_a_label_for_every_input(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/").get_data(as_text=True)
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids and ids <= labelled
    assert 'lang="en-GB"' in page


def test_a_complete_form_stores_the_enquiry_and_shows_the_reference(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/enquire", data={**GOOD, "csrf": _csrf(client)})
    assert response.status_code == 201
    reference = re.search(r"FE-[2-9A-HJ-NP-Z]{8}", response.get_data(as_text=True))
    assert reference
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    assert enquiry.reference == reference.group(0)
    assert enquiry.personal["postcode"] == "RG1 1AF"


def test_problems_are_summarised_and_linked_to_their_fields(client, db) -> None:  # type: ignore[no-untyped-def]
    data = {**GOOD, "postcode": "not a postcode", "csrf": _csrf(client)}
    del data["privacy_notice"]
    response = client.post("/enquire", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert 'href="#postcode"' in page and 'href="#privacy_notice"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Sam"' in page  # what was typed is kept
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Enquiry)) == 0


def test_a_post_without_the_form_token_is_refused(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/enquire", data=GOOD)
    assert response.status_code == 400
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Enquiry)) == 0
