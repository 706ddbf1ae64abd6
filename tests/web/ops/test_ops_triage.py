"""The triage pages: what an operator needs to decide, contact details on request (audited),
and routing by hand through the rules."""

from __future__ import annotations

from tests.support.council import KENT, MEDWAY, audit_rows, get_enquiry
from tests.web.ops_support import BROWSER, SPLIT_SECTOR, UNKNOWN_POSTCODE, csrf_from, in_triage
from tests.web.staff_support import sign_in


def _case_page(client, reference: str) -> str:
    response = client.get(f"/ops/triage/{reference}", headers=BROWSER)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_the_list_shows_district_candidates_reason_and_preference_never_contact_details(
    client, db
) -> None:
    unknown = in_triage(client, db, given_name="Zebedee", email="zeb@example.org")
    split = in_triage(client, db, postcode=SPLIT_SECTOR, preferred_authority="Medway")
    sign_in(client, db, hub_operator=True)

    response = client.get("/ops/triage", headers=BROWSER)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index(unknown) < html.index(split)  # oldest first
    assert "ZZ9" in html and UNKNOWN_POSTCODE not in html
    assert "ME5" in html
    assert "Medway: 53%" in html and "Kent: 47%" in html and "E06000035" not in html
    assert "not in the postcode directory" in html  # unknown_postcode, in words
    assert "covers more than one council" in html  # partial_postcode_ambiguous
    assert "Zebedee" not in html and "zeb@example.org" not in html
    assert [r.outcome for r in audit_rows(db, action="list_triage")] == ["ok"]


def test_contact_details_are_shown_on_request_and_audited(client, db) -> None:
    reference = in_triage(client, db, given_name="Zebedee", email="zeb@example.org")
    sign_in(client, db, hub_operator=True)
    assert "zeb@example.org" not in _case_page(client, reference)
    assert audit_rows(db, action="read_contact_details") == []
    # Opening the case is itself audited, as the API's read of its decisions.
    assert [r.enquiry_reference for r in audit_rows(db, action="read_decisions")] == [reference]

    response = client.get(f"/ops/triage/{reference}/contact", headers=BROWSER)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Zebedee" in html and "zeb@example.org" in html and UNKNOWN_POSTCODE in html
    assert response.headers["Cache-Control"] == "no-store"
    rows = audit_rows(db, action="read_contact_details")
    assert [(r.outcome, r.enquiry_reference, r.actor_scope) for r in rows] == [
        ("ok", reference, "hub")
    ]
    assert rows[0].request_id == response.headers["X-Request-ID"]


def test_contact_details_of_an_enquiry_not_in_triage_are_not_shown(client, db) -> None:
    from tests.support.council import routed

    reference = routed(client, db)  # Kent
    sign_in(client, db, hub_operator=True)
    response = client.get(f"/ops/triage/{reference}/contact", headers=BROWSER)
    assert response.status_code == 404
    assert [r.outcome for r in audit_rows(db, action="read_contact_details")] == ["denied"]


def test_an_operator_routes_by_hand_with_a_reason(client, db) -> None:
    reference = in_triage(client, db, postcode=SPLIT_SECTOR)
    sign_in(client, db, hub_operator=True)
    page = _case_page(client, reference)
    assert 'value="E06000035"' in page and 'value="E10000016"' in page  # the candidates

    response = client.post(
        f"/ops/triage/{reference}/route",
        data={
            "csrf_token": csrf_from(page),
            "authority": MEDWAY,
            "reason": "Phoned: lives in Chatham",
        },
        headers=BROWSER,
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/ops/triage")
    enquiry = get_enquiry(db, reference)
    assert (enquiry.status, enquiry.authority_code) == ("routed", MEDWAY)
    assert [r.outcome for r in audit_rows(db, action="route_manually")] == ["ok"]
    after = client.get("/ops/triage", headers=BROWSER).get_data(as_text=True)
    assert after.count(f"{reference} was sent to Medway") == 1
    assert "Nothing is waiting in triage" in after


def test_another_council_can_be_named_by_name(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, hub_operator=True)
    page = _case_page(client, reference)
    response = client.post(
        f"/ops/triage/{reference}/route",
        data={
            "csrf_token": csrf_from(page),
            "authority": "other",
            "other_authority": "Kent",
            "reason": "Phoned: lives in Maidstone",
        },
        headers=BROWSER,
    )
    assert response.status_code == 303
    assert get_enquiry(db, reference).authority_code == KENT


def test_a_route_without_a_reason_is_refused_with_the_error_summary(client, db) -> None:
    reference = in_triage(client, db, postcode=SPLIT_SECTOR)
    sign_in(client, db, hub_operator=True)
    page = _case_page(client, reference)
    response = client.post(
        f"/ops/triage/{reference}/route",
        data={"csrf_token": csrf_from(page), "authority": MEDWAY, "reason": ""},
        headers=BROWSER,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and 'href="#reason"' in html
    assert get_enquiry(db, reference).status == "triage"


def test_an_unknown_council_is_refused_and_changes_nothing(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, hub_operator=True)
    page = _case_page(client, reference)
    response = client.post(
        f"/ops/triage/{reference}/route",
        data={
            "csrf_token": csrf_from(page),
            "authority": "other",
            "other_authority": "Not A Council Anywhere",
            "reason": "Phoned: somewhere",
        },
        headers=BROWSER,
    )
    assert response.status_code == 422
    assert 'href="#other_authority"' in response.get_data(as_text=True)
    assert get_enquiry(db, reference).status == "triage"


def test_a_route_without_the_form_token_is_the_expired_page(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, hub_operator=True)
    response = client.post(
        f"/ops/triage/{reference}/route",
        data={"authority": KENT, "reason": "Phoned: lives in Maidstone"},
        headers=BROWSER,
    )
    assert response.status_code == 400
    assert get_enquiry(db, reference).status == "triage"


def test_a_case_routed_meanwhile_is_refused_with_the_reason_and_audited(client, db) -> None:
    reference = in_triage(client, db, postcode=SPLIT_SECTOR)
    sign_in(client, db, hub_operator=True)
    form = {"csrf_token": csrf_from(_case_page(client, reference)), "reason": "Phoned twice"}
    first = client.post(
        f"/ops/triage/{reference}/route", data={**form, "authority": MEDWAY}, headers=BROWSER
    )
    assert first.status_code == 303

    second = client.post(
        f"/ops/triage/{reference}/route", data={**form, "authority": KENT}, headers=BROWSER
    )

    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "only enquiries in triage are routed by hand" in html
    assert "no longer in triage" in html  # the form is gone
    assert get_enquiry(db, reference).authority_code == MEDWAY
    assert [r.outcome for r in audit_rows(db, action="route_manually")] == ["ok", "refused"]
