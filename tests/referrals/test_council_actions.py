"""Acknowledge, return and transfer: state changes through the journey, audited."""

from __future__ import annotations

import threading

from sqlalchemy import select

from hub.enquiries.journey import JourneyEvent
from hub.referrals.models import RoutingDecisionRecord
from tests.support.council import (
    BIRMINGHAM,
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    enquiry_id_of,
    get_enquiry,
    routed,
    token_for,
)


def _post(client, token, reference, action, body=None):
    return client.post(
        f"/v1/council/referrals/{reference}/{action}", headers=bearer(token), json=body or {}
    )


def _events(db, reference) -> list[str]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(JourneyEvent.event)
                .where(JourneyEvent.enquiry_id == enquiry_id_of(db, reference))
                .order_by(JourneyEvent.id)
            )
        )


def test_acknowledge_records_the_time_and_a_journey_event(client, db) -> None:
    reference = routed(client, db)
    response = _post(client, token_for(db, KENT), reference, "acknowledge")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["changed"]) == ("acknowledged", True)
    assert get_enquiry(db, reference).acknowledged_at is not None
    assert _events(db, reference)[-1] == "acknowledged"


def test_acknowledging_twice_changes_nothing(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    _post(client, token, reference, "acknowledge")
    first = get_enquiry(db, reference)
    response = _post(client, token, reference, "acknowledge")
    assert response.status_code == 200
    assert response.get_json()["changed"] is False
    again = get_enquiry(db, reference)
    assert (again.acknowledged_at, again.row_version) == (first.acknowledged_at, first.row_version)
    assert _events(db, reference).count("acknowledged") == 1


def test_concurrent_acknowledgements_record_one_event(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    app = client.application
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def run() -> None:
        with app.test_client() as own:
            barrier.wait()
            codes.append(_post(own, token, reference, "acknowledge").status_code)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(codes) <= {200, 409}
    assert 200 in codes
    assert _events(db, reference).count("acknowledged") == 1


def test_acknowledge_is_audited(client, db) -> None:
    reference = routed(client, db)
    _post(client, token_for(db, KENT), reference, "acknowledge")
    (row,) = audit_rows(db, action="acknowledge")
    assert (row.outcome, row.enquiry_reference, row.visible_to) == ("ok", reference, KENT)


def test_return_sends_the_referral_back_to_triage(client, db) -> None:
    reference = routed(client, db)
    response = _post(client, token_for(db, KENT), reference, "return", {"reason": "duplicate"})
    assert response.status_code == 200
    enquiry = get_enquiry(db, reference)
    assert (enquiry.status, enquiry.authority_code, enquiry.cluster) == ("triage", None, None)
    assert _events(db, reference)[-1] == "returned"


def test_returned_referral_leaves_the_councils_inbox(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    _post(client, token, reference, "return", {"reason": "out_of_area"})
    assert client.get("/v1/council/referrals", headers=bearer(token)).get_json()["items"] == []
    assert (
        client.get(f"/v1/council/referrals/{reference}", headers=bearer(token)).status_code == 404
    )


def test_return_is_audited_with_its_reason_code(client, db) -> None:
    reference = routed(client, db)
    _post(client, token_for(db, KENT), reference, "return", {"reason": "not_a_fostering_enquiry"})
    (row,) = audit_rows(db, action="return")
    assert (row.outcome, row.detail, row.visible_to) == (
        "ok",
        {"reason": "not_a_fostering_enquiry"},
        KENT,
    )


def test_return_with_an_unknown_reason_is_422_with_errors(client, db) -> None:
    reference = routed(client, db)
    response = _post(client, token_for(db, KENT), reference, "return", {"reason": "busy"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "reason"
    assert get_enquiry(db, reference).status == "routed"


def test_return_keeps_the_free_text_note_out_of_journey_and_audit(client, db) -> None:
    reference = routed(client, db)
    note = "Spoke to Mrs Example on 07700 900123"
    _post(client, token_for(db, KENT), reference, "return", {"reason": "duplicate", "note": note})
    with db.sessions() as s:
        events = s.scalars(select(JourneyEvent.detail)).all()
    assert all(note not in str(detail) for detail in events)
    assert all(note not in str(row.detail) for row in audit_rows(db))


def test_transfer_reroutes_to_a_council_in_the_same_cluster(client, db) -> None:
    reference = routed(client, db)
    response = _post(
        client,
        token_for(db, KENT),
        reference,
        "transfer",
        {"authority": "Medway", "reason": "The enquirer works in Medway"},
    )
    assert response.status_code == 200, response.get_json()
    enquiry = get_enquiry(db, reference)
    assert (enquiry.status, enquiry.authority_code) == ("routed", MEDWAY)
    assert enquiry.acknowledged_at is None
    assert _events(db, reference)[-1] == "transferred"


def test_transfer_stores_a_decision_by_the_token_with_the_home_council_notice(client, db) -> None:
    reference = routed(client, db)
    _post(
        client,
        token_for(db, KENT),
        reference,
        "transfer",
        {"authority": MEDWAY, "reason": "The enquirer works in Medway"},
    )
    with db.sessions() as s:
        latest = s.scalars(
            select(RoutingDecisionRecord).order_by(RoutingDecisionRecord.id.desc())
        ).first()
    assert latest is not None
    assert latest.decided_by.startswith("token:")
    assert (latest.authority_code, latest.home_council_code) == (MEDWAY, KENT)
    assert latest.detail["trace"][0]["rule"] == "council_transfer"
    assert "The enquirer works in Medway" in latest.explanation


def test_transferred_referral_moves_to_the_receivers_inbox(client, db) -> None:
    reference = routed(client, db)
    kent, medway = token_for(db, KENT), token_for(db, MEDWAY)
    _post(client, kent, reference, "transfer", {"authority": MEDWAY, "reason": "Closer to work"})
    assert client.get(f"/v1/council/referrals/{reference}", headers=bearer(kent)).status_code == 404
    body = client.get(f"/v1/council/referrals/{reference}", headers=bearer(medway)).get_json()
    assert body["routing"]["home_council_notice"]["authority_code"] == KENT


def test_transfer_is_audited_for_both_councils(client, db) -> None:
    reference = routed(client, db)
    _post(
        client,
        token_for(db, KENT),
        reference,
        "transfer",
        {"authority": MEDWAY, "reason": "Closer to work"},
    )
    (out,) = audit_rows(db, action="transfer_out")
    (into,) = audit_rows(db, action="transfer_in")
    assert (out.visible_to, into.visible_to) == (KENT, MEDWAY)
    assert out.actor == into.actor
    assert out.outcome == into.outcome == "ok"


def test_transfer_outside_the_cluster_is_refused_by_the_rules(client, db) -> None:
    reference = routed(client, db)
    response = _post(
        client,
        token_for(db, KENT),
        reference,
        "transfer",
        {"authority": BIRMINGHAM, "reason": "Moving"},
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "routing_refused"
    assert "Birmingham" in problem["detail"]
    assert get_enquiry(db, reference).authority_code == KENT
    (row,) = audit_rows(db, action="transfer_out")
    assert row.outcome == "refused"


def test_transfer_without_a_reason_is_422(client, db) -> None:
    reference = routed(client, db)
    response = _post(client, token_for(db, KENT), reference, "transfer", {"authority": MEDWAY})
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"reason"}


def test_transfer_with_a_short_reason_is_422(client, db) -> None:
    reference = routed(client, db)
    response = _post(
        client, token_for(db, KENT), reference, "transfer", {"authority": MEDWAY, "reason": "no"}
    )
    assert response.status_code == 422


def test_transfer_to_an_unknown_council_is_422(client, db) -> None:
    reference = routed(client, db)
    response = _post(
        client,
        token_for(db, KENT),
        reference,
        "transfer",
        {"authority": "Atlantis", "reason": "Moving there"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "authority"


def test_transfer_to_the_same_council_is_refused(client, db) -> None:
    reference = routed(client, db)
    response = _post(
        client,
        token_for(db, KENT),
        reference,
        "transfer",
        {"authority": KENT, "reason": "Just because"},
    )
    assert response.status_code == 422


def test_action_body_must_be_json(client, db) -> None:
    reference = routed(client, db)
    response = client.post(
        f"/v1/council/referrals/{reference}/return",
        headers=bearer(token_for(db, KENT)),
        data="reason=duplicate",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
