"""Search within the caller's own council: by reference, name, e-mail, phone and postcode;
never across councils; every search audited with the kind of term, never the term."""

from __future__ import annotations

import pytest

from hub.platform.models import utcnow
from hub.tracking.anonymise import anonymise_enquiry
from tests.support.council import (
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    enquiry_id_of,
    routed,
    token_for,
)

JOSE = {
    "given_name": "José",
    "family_name": "O'Brien",
    "email": "Jose.OBrien@example.org",
    "phone": "07700 123456",
    "postcode": "ME14 1XQ",
}


def _search(client, token, q, **params):
    return client.get(
        "/v1/council/referrals", query_string={"q": q, **params}, headers=bearer(token)
    )


def _found(client, token, q) -> list[str]:
    response = _search(client, token, q)
    assert response.status_code == 200, response.get_json()
    return [item["reference"] for item in response.get_json()["items"]]


@pytest.fixture
def jose(client, db) -> str:
    routed(client, db, phone="07911 200001", postcode="CT1 1AA")  # someone else in Kent
    return routed(client, db, **JOSE)


@pytest.mark.parametrize(
    "q",
    [
        "07700 123456",
        "+44 7700 123456",
        "07700123456",
        "jose.obrien@EXAMPLE.org",
        "jose o'brien",
        "JOSE  OBRIEN",
        "O\u2019Brien",
        "me14 1xq",
    ],
)
def test_a_person_is_found_by_any_of_their_details(client, db, jose, q) -> None:
    assert _found(client, token_for(db, KENT), q) == [jose]


def test_a_district_finds_everyone_in_it_newest_first(client, db, jose) -> None:
    later = routed(client, db, phone="07911 200002", postcode="ME14 2LB")
    assert _found(client, token_for(db, KENT), "ME14") == [later, jose]


def test_a_reference_is_found_however_it_is_typed(client, db, jose) -> None:
    assert _found(client, token_for(db, KENT), jose.lower().replace("-", " ")) == [jose]


def test_another_councils_person_is_never_found(client, db, jose) -> None:
    medway = token_for(db, MEDWAY)
    assert _found(client, medway, "07700 123456") == []
    assert _found(client, medway, "jose o'brien") == []


def test_another_councils_reference_answers_no_match_and_is_audited_as_denied(
    client, db, jose
) -> None:
    medway = token_for(db, MEDWAY)
    theirs = _search(client, medway, jose).get_json()
    unknown = _search(client, medway, "FE-22222222").get_json()
    assert theirs == unknown == {"items": [], "next_cursor": None}
    row = audit_rows(db, action="search_referrals", enquiry_reference=jose)[-1]
    assert (row.outcome, row.actor_scope, row.enquiry_id) == (
        "denied",
        f"authority:{MEDWAY}",
        enquiry_id_of(db, jose),
    )
    assert row.detail["kind"] == "reference"


def test_every_search_is_audited_with_its_kind_never_the_term(client, db, jose) -> None:
    kent = token_for(db, KENT)
    for q in ("07700 123456", "jose.obrien@example.org", "O'Brien", "ME14 1XQ", "ME14"):
        _found(client, kent, q)
    rows = audit_rows(db, action="search_referrals")
    assert [r.detail["kind"] for r in rows] == ["phone", "email", "name", "postcode", "district"]
    assert all(r.outcome == "ok" and r.actor_scope == f"authority:{KENT}" for r in rows)
    assert rows[0].detail["references"] == [jose]
    text = " ".join(str(r.detail) for r in rows).lower()
    assert not any(
        s in text for s in ("07700", "123456", "obrien", "o'brien", "example.org", "1xq")
    )


def test_a_term_search_cannot_read_is_422_with_a_field_error(client, db) -> None:
    response = _search(client, token_for(db, KENT), "ME14 1")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "q"


def test_search_pages_with_the_lists_cursor(client, db) -> None:
    made = [routed(client, db, phone="07911 123457") for _ in range(3)]
    kent = token_for(db, KENT)
    first = _search(client, kent, "07911 123457", limit=2).get_json()
    second = _search(client, kent, "07911 123457", limit=2, cursor=first["next_cursor"]).get_json()
    found = [i["reference"] for i in first["items"] + second["items"]]
    assert sorted(found) == sorted(made) and second["next_cursor"] is None


def test_an_anonymised_enquiry_is_found_by_nothing_personal(client, db, jose) -> None:
    with db.transaction() as session:
        anonymise_enquiry(
            session, enquiry_id_of(db, jose), "no_application", utcnow().date(), utcnow()
        )
    kent = token_for(db, KENT)
    for q in ("07700 123456", "jose.obrien@example.org", "jose o'brien", "ME14 1XQ"):
        assert _found(client, kent, q) == []
    assert jose in _found(client, kent, "ME14")  # the district is kept, as reports keep it
