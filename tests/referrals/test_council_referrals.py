"""A council lists and reads its own referrals; every read of personal data is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.referrals.route_enquiry import route_enquiry
from tests.enquiries.factories import EnquiryFactory
from tests.support.council import (
    AFC,
    KENT,
    KINGSTON,
    RICHMOND,
    audit_rows,
    bearer,
    routed,
    submitted,
    token_for,
)


def _list(client, token, **params):
    return client.get("/v1/council/referrals", headers=bearer(token), query_string=params)


def test_list_holds_the_councils_routed_referrals_newest_first(client, db) -> None:
    first = routed(client, db)
    second = routed(client, db)
    body = _list(client, token_for(db, KENT)).get_json()
    assert [item["reference"] for item in body["items"]] == [second, first]
    assert body["next_cursor"] is None


def test_list_items_carry_the_name_and_no_other_personal_data(client, db) -> None:
    routed(client, db, given_name="Ada", family_name="Lovelace", email="ada@example.org")
    (item,) = _list(client, token_for(db, KENT)).get_json()["items"]
    assert (item["given_name"], item["family_name"]) == ("Ada", "Lovelace")
    assert item["authority_code"] == KENT
    assert item["cluster"] == "Local Authority Fostering South East"
    assert item["routed_at"] is not None
    assert not {"email", "phone", "postcode", "message", "household"} & set(item)


def test_list_leaves_out_enquiries_not_yet_routed(client, db) -> None:
    submitted(client)
    assert _list(client, token_for(db, KENT)).get_json()["items"] == []


def test_list_never_includes_another_councils_referrals(client, db) -> None:
    routed(client, db, postcode="ME4 4TR")  # Medway
    routed(client, db, postcode="KT1 1EU")  # Kingston
    mine = routed(client, db)
    items = _list(client, token_for(db, KENT)).get_json()["items"]
    assert [item["reference"] for item in items] == [mine]


def test_delivery_body_token_sees_all_its_councils(client, db) -> None:
    kingston = routed(client, db, postcode="KT1 1EU")
    richmond = routed(client, db, postcode="TW9 1DN")
    routed(client, db)  # Kent
    items = _list(client, token_for(db, AFC)).get_json()["items"]
    assert {item["reference"] for item in items} == {kingston, richmond}
    assert {item["authority_code"] for item in items} == {KINGSTON, RICHMOND}
    assert {item["delivery_body"] for item in items} == {AFC}


def test_list_pages_with_an_opaque_cursor(client, db) -> None:
    references = [routed(client, db) for _ in range(5)]
    token = token_for(db, KENT)
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = _list(client, token, **params).get_json()
        seen += [item["reference"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert seen == list(reversed(references))
    assert cursor is None


def test_garbled_cursor_is_a_400_problem(client, db) -> None:
    response = _list(client, token_for(db, KENT), cursor="not-a-cursor")
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"


def test_limit_over_100_is_refused(client, db) -> None:
    response = _list(client, token_for(db, KENT), limit=101)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_list_filters_by_status(client, db) -> None:
    token = token_for(db, KENT)
    acknowledged = routed(client, db)
    routed(client, db)
    client.post(f"/v1/council/referrals/{acknowledged}/acknowledge", headers=bearer(token))
    items = _list(client, token, status="acknowledged").get_json()["items"]
    assert [item["reference"] for item in items] == [acknowledged]


def test_list_filters_by_received_since(client, db) -> None:
    old = EnquiryFactory(db=db, created_at=datetime.now(UTC) - timedelta(days=3))
    route_enquiry(db, old.id)
    new = routed(client, db)
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    items = _list(client, token_for(db, KENT), received_since=since).get_json()["items"]
    assert [item["reference"] for item in items] == [new]


def test_list_read_is_audited_with_the_references_shown(client, db) -> None:
    reference = routed(client, db)
    _list(client, token_for(db, KENT), limit=10)
    (row,) = audit_rows(db, action="list_referrals")
    assert row.actor.startswith("token:")
    assert row.actor_scope == f"authority:{KENT}"
    assert row.outcome == "ok"
    assert row.detail["references"] == [reference]
    assert row.request_id


def test_detail_holds_the_enquirers_details_and_the_routing_explanation(client, db) -> None:
    reference = routed(
        client,
        db,
        email="sam@example.org",
        message="We have a spare room.",
        special_category={"religion": "Quaker"},
        campaign={"utm_source": "radio"},
    )
    response = client.get(f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, KENT)))
    assert response.status_code == 200
    body = response.get_json()
    assert body["enquirer"]["email"] == "sam@example.org"
    assert body["enquirer"]["postcode"] == "ME14 1XQ"
    assert body["enquirer"]["message"] == "We have a spare room."
    assert body["consent"] == {"privacy_notice": True, "keep_in_touch": False}
    assert body["campaign"] == {"utm_source": "radio"}
    assert body["special_category"] == {
        "special_category_data": True,
        "answers": {"religion": "Quaker"},
    }
    assert body["routing"]["explanation"].startswith("Send to Kent (E10000016)")
    assert body["routing"]["home_council_notice"] is None


def test_detail_carries_the_home_council_notice_for_a_preference(client, db) -> None:
    reference = routed(client, db, preferred_authority="Medway")
    body = client.get(
        f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, "E06000035"))
    ).get_json()
    assert body["routing"]["home_council_notice"]["authority_code"] == KENT


def test_detail_read_is_audited(client, db) -> None:
    reference = routed(client, db)
    client.get(
        f"/v1/council/referrals/{reference}",
        headers={**bearer(token_for(db, KENT)), "X-Request-ID": "req-123"},
    )
    (row,) = audit_rows(db, action="read_referral")
    assert (row.outcome, row.enquiry_reference, row.request_id) == ("ok", reference, "req-123")
    assert row.enquiry_id is not None
