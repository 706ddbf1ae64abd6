"""Hub operators see the triage queue, route by hand and read the decision history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hub.referrals.route_enquiry import route_enquiry
from tests.enquiries.factories import EnquiryFactory
from tests.support.council import (
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    get_enquiry,
    routed,
    submitted,
    token_for,
)

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage


def _triage(client, db, **overrides) -> str:
    return routed(client, db, postcode=UNKNOWN_POSTCODE, **overrides)


def _route(client, token, reference, body):
    return client.post(f"/v1/ops/enquiries/{reference}/route", headers=bearer(token), json=body)


def test_triage_lists_waiting_enquiries_oldest_first_with_reason_codes(client, db) -> None:
    first = _triage(client, db)
    earlier = EnquiryFactory(
        db=db, postcode=UNKNOWN_POSTCODE, created_at=datetime.now(UTC) - timedelta(hours=1)
    )
    route_enquiry(db, earlier.id)  # received before `first`, routed after it
    second = earlier.reference
    routed(client, db)  # Kent: not in triage
    body = client.get("/v1/ops/triage", headers=bearer(token_for(db, hub=True))).get_json()
    assert [item["reference"] for item in body["items"]] == [second, first]
    assert {item["reason_code"] for item in body["items"]} == {"unknown_postcode"}
    assert "given_name" not in body["items"][0]


def test_triage_pages_with_a_cursor(client, db) -> None:
    references = [_triage(client, db) for _ in range(3)]
    token = token_for(db, hub=True)
    page1 = client.get("/v1/ops/triage?limit=2", headers=bearer(token)).get_json()
    page2 = client.get(
        "/v1/ops/triage",
        query_string={"limit": 2, "cursor": page1["next_cursor"]},
        headers=bearer(token),
    ).get_json()
    seen = [i["reference"] for i in page1["items"] + page2["items"]]
    assert seen == references
    assert page2["next_cursor"] is None


def test_returned_referral_shows_its_return_reason_in_triage(client, db) -> None:
    reference = routed(client, db)
    client.post(
        f"/v1/council/referrals/{reference}/return",
        headers=bearer(token_for(db, KENT)),
        json={"reason": "out_of_area"},
    )
    items = client.get("/v1/ops/triage", headers=bearer(token_for(db, hub=True))).get_json()[
        "items"
    ]
    assert [(i["reference"], i["reason_code"]) for i in items] == [
        (reference, "returned:out_of_area")
    ]


def test_operator_routes_a_triage_enquiry_by_hand(client, db) -> None:
    reference = _triage(client, db)
    response = _route(
        client,
        token_for(db, hub=True),
        reference,
        {"authority": "Kent", "reason": "Phoned: lives in Maidstone"},
    )
    assert response.status_code == 200, response.get_json()
    enquiry = get_enquiry(db, reference)
    assert (enquiry.status, enquiry.authority_code) == ("routed", KENT)
    assert enquiry.cluster == "Local Authority Fostering South East"


def test_hand_routed_referral_reaches_the_councils_inbox(client, db) -> None:
    reference = _triage(client, db)
    _route(
        client,
        token_for(db, hub=True),
        reference,
        {"authority": KENT, "reason": "Phoned: lives in Kent"},
    )
    body = client.get(
        f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, KENT))
    ).get_json()
    assert "by hand" in body["routing"]["explanation"]


def test_manual_route_is_recorded_as_a_manual_decision_and_audited(client, db) -> None:
    reference = _triage(client, db)
    token = token_for(db, hub=True)
    _route(client, token, reference, {"authority": KENT, "reason": "Phoned: lives in Kent"})
    decisions = client.get(
        f"/v1/ops/enquiries/{reference}/decisions", headers=bearer(token)
    ).get_json()["decisions"]
    assert [d["outcome"] for d in decisions] == ["triage", "routed"]
    manual = decisions[-1]
    assert manual["decided_by"].startswith("token:")
    assert manual["reason_code"] == "manual"
    assert manual["trace"][0]["rule"] == "manual_decision"
    (row,) = audit_rows(db, action="route_manually")
    assert (row.outcome, row.enquiry_reference) == ("ok", reference)


def test_manual_route_of_an_enquiry_not_in_triage_is_409(client, db) -> None:
    reference = routed(client, db)
    response = _route(
        client, token_for(db, hub=True), reference, {"authority": MEDWAY, "reason": "Try Medway"}
    )
    assert response.status_code == 409
    assert get_enquiry(db, reference).authority_code == KENT
    (row,) = audit_rows(db, action="route_manually")
    assert row.outcome == "refused"


def test_manual_route_of_an_unknown_reference_is_404(client, db) -> None:
    response = _route(
        client,
        token_for(db, hub=True),
        "FE-22222222",
        {"authority": KENT, "reason": "Lives in Kent"},
    )
    assert response.status_code == 404


def test_manual_route_needs_a_reason(client, db) -> None:
    reference = _triage(client, db)
    response = _route(client, token_for(db, hub=True), reference, {"authority": KENT})
    assert response.status_code == 422
    assert get_enquiry(db, reference).status == "triage"


def test_decision_history_explains_each_decision_and_is_audited(client, db) -> None:
    reference = routed(client, db)
    response = client.get(
        f"/v1/ops/enquiries/{reference}/decisions", headers=bearer(token_for(db, hub=True))
    )
    (decision,) = response.get_json()["decisions"]
    assert decision["explanation"].startswith("Send to Kent")
    assert decision["trace"]
    assert audit_rows(db, action="read_decisions")[0].outcome == "ok"


def test_decision_history_of_an_enquiry_never_routed_is_empty(client, db) -> None:
    reference = submitted(client)
    response = client.get(
        f"/v1/ops/enquiries/{reference}/decisions", headers=bearer(token_for(db, hub=True))
    )
    assert response.get_json()["decisions"] == []
