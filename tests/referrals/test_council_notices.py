"""Home-council notices: the home council sees that another council took its resident."""

from __future__ import annotations

from tests.support.council import KENT, audit_rows, bearer, routed, token_for

MEDWAY = "E06000035"
SURREY = "E10000030"  # GU1 3AA


def test_home_council_sees_a_notice_when_a_preference_takes_its_resident_elsewhere(
    client, db
) -> None:
    # A Medway resident (ME4 4TR) asks for Kent; the cluster policy allows it.
    reference = routed(client, db, postcode="ME4 4TR", preferred_authority="Kent")
    medway = client.get("/v1/council/notices", headers=bearer(token_for(db, MEDWAY)))
    assert medway.status_code == 200
    [notice] = medway.get_json()["items"]
    assert notice["reference"] == reference
    assert notice["routed_to_code"] == KENT
    assert notice["home_council_code"] == MEDWAY
    assert "given_name" not in notice and "postcode" not in notice


def test_notices_are_only_for_the_home_council(client, db) -> None:
    routed(client, db, postcode="ME4 4TR", preferred_authority="Kent")
    kent = client.get("/v1/council/notices", headers=bearer(token_for(db, KENT)))
    assert kent.get_json()["items"] == []


def test_no_notice_when_the_enquiry_stays_with_the_home_council(client, db) -> None:
    routed(client, db, postcode="ME4 4TR")
    medway = client.get("/v1/council/notices", headers=bearer(token_for(db, MEDWAY)))
    assert medway.get_json()["items"] == []


def test_reading_notices_is_audited(client, db) -> None:
    reference = routed(client, db, postcode="ME4 4TR", preferred_authority="Kent")
    client.get("/v1/council/notices", headers=bearer(token_for(db, MEDWAY)))
    [row] = audit_rows(db, action="list_notices")
    assert row.outcome == "ok" and reference in row.detail["references"]


def test_notices_need_a_council_token(client) -> None:
    response = client.get("/v1/council/notices")
    assert response.status_code == 401


def _transfer(client, db, reference: str, by: str, to: str) -> None:
    response = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        json={"authority": to, "reason": "Agreed on the phone"},
        headers=bearer(token_for(db, by)),
    )
    assert response.status_code == 200, response.get_json()


def _notices(client, db) -> list[str]:
    response = client.get("/v1/council/notices", headers=bearer(token_for(db, MEDWAY)))
    assert response.status_code == 200
    return [item["reference"] for item in response.get_json()["items"]]


def test_the_notice_goes_when_the_referral_is_transferred_back_home(client, db) -> None:
    reference = routed(client, db, postcode="ME4 4TR", preferred_authority="Kent")
    assert _notices(client, db) == [reference]
    _transfer(client, db, reference, by=KENT, to=MEDWAY)
    assert _notices(client, db) == []


def test_a_home_council_that_sends_its_resident_away_again_is_not_told_of_it(client, db) -> None:
    reference = routed(client, db, postcode="ME4 4TR", preferred_authority="Kent")
    _transfer(client, db, reference, by=KENT, to=MEDWAY)  # back home: the notice goes
    _transfer(client, db, reference, by=MEDWAY, to=KENT)  # Medway's own act
    assert _notices(client, db) == []


def test_a_council_is_not_told_of_its_own_transfer(client, db) -> None:
    # A Kent resident (ME14 1XQ) transferred by Kent to Medway: Kent chose, Medway consults it.
    reference = routed(client, db)
    _transfer(client, db, reference, by=KENT, to=MEDWAY)
    kent = client.get("/v1/council/notices", headers=bearer(token_for(db, KENT)))
    assert kent.get_json()["items"] == []


def test_a_third_councils_resident_transferred_on_is_noticed_with_who_moved_it(client, db) -> None:
    # A Surrey resident asks for Kent; Kent transfers the referral to Medway.
    reference = routed(client, db, postcode="GU1 3AA", preferred_authority="Kent")
    _transfer(client, db, reference, by=KENT, to=MEDWAY)
    surrey = client.get("/v1/council/notices", headers=bearer(token_for(db, SURREY)))
    [notice] = surrey.get_json()["items"]
    assert notice["reference"] == reference and notice["routed_to_code"] == MEDWAY
    assert notice["transferred_from_code"] == KENT and notice["transferred_from_name"] == "Kent"
