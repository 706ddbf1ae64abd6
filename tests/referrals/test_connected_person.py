"""A grandparent in Reading whose grandchild lives in Kent: the referral goes to Kent with the
connected-person flag, Kent sees the flag (referral, tray), and no other council sees it."""

from __future__ import annotations

from sqlalchemy import select

from hub.referrals.models import RoutingDecisionRecord
from tests.support.council import (
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    enquiry_id_of,
    get_enquiry,
    routed,
    token_for,
)

READING = "E06000038"
GRANDPARENT = {"postcode": "RG1 1AF", "interest": "child_i_know"}


def _decision(db, reference: str) -> RoutingDecisionRecord:
    with db.sessions() as s:
        return s.scalars(
            select(RoutingDecisionRecord).where(
                RoutingDecisionRecord.enquiry_id == enquiry_id_of(db, reference)
            )
        ).one()


def test_routed_to_the_childs_council_with_the_flag_and_the_reason(client, db) -> None:
    reference = routed(client, db, **GRANDPARENT, child_authority="Kent")
    enquiry = get_enquiry(db, reference)
    assert (enquiry.status, enquiry.authority_code) == ("routed", KENT)
    decision = _decision(db, reference)
    assert decision.connected_person is True
    assert decision.home_council_code == READING
    assert "A connected person" in decision.explanation
    assert decision.detail["child_authority"]["code"] == KENT


def test_the_childs_postcode_routes_it_too(client, db) -> None:
    reference = routed(client, db, **GRANDPARENT, child_postcode="ME14 1XQ")
    assert get_enquiry(db, reference).authority_code == KENT


def test_a_welsh_childs_postcode_is_signposted(client, db) -> None:
    reference = routed(client, db, **GRANDPARENT, child_postcode="CF10 1EP")
    assert get_enquiry(db, reference).status == "signposted"


def test_kent_sees_the_flag_on_the_referral_and_in_the_tray(client, db) -> None:
    reference = routed(client, db, **GRANDPARENT, child_authority="Kent")
    token = token_for(db, KENT)
    body = client.get(f"/v1/council/referrals/{reference}", headers=bearer(token)).get_json()
    assert body["connected_person"] is True
    assert body["child_authority_code"] == KENT
    assert body["routing"]["connected_person"] is True
    tray = client.get("/v1/council/tray", headers=bearer(token)).get_json()
    (item,) = [i for i in tray["items"] if i["reference"] == reference]
    assert "connected_person" in item["flags"]
    other = routed(client, db, postcode="ME14 1XQ")
    listed = client.get("/v1/council/tray", headers=bearer(token)).get_json()["items"]
    (plain,) = [i for i in listed if i["reference"] == other]
    assert "connected_person" not in plain["flags"]


def test_another_council_gets_404_and_a_denied_audit_row(client, db) -> None:
    reference = routed(client, db, **GRANDPARENT, child_authority="Kent")
    for council in (MEDWAY, READING):  # READING is the grandparent's own council
        response = client.get(
            f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, council))
        )
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    denied = [r for r in audit_rows(db, action="read_referral") if r.outcome == "denied"]
    assert {r.actor_scope for r in denied} == {f"authority:{MEDWAY}", f"authority:{READING}"}
