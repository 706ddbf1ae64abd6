"""Recording journey stages through the council API, and reading the journey back."""

from __future__ import annotations

from datetime import timedelta

from hub.platform.models import utcnow
from tests.support.council import (
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    routed,
    token_for,
)
from tests.tracking.support import clocks_of, journey, progress


def test_first_contact_is_recorded_and_starts_the_initial_visit_clock(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    response = progress(client, token, reference, "first_contact", note="Called back, keen")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["stage"] == "first_contact"
    assert [s["stage"] for s in body["stages"]] == ["first_contact"]
    assert body["stages"][0]["note"] == "Called back, keen"
    assert clocks_of(body)["initial_visit"]["state"] == "running"
    assert clocks_of(body)["initial_visit"]["target"] == "10 working days"
    assert clocks_of(body)["first_contact"]["target"] == "1 working day"  # not "1 working days"
    assert "information_session" in body["allowed_stages"]
    assert "first_contact" not in body["allowed_stages"]


def test_forward_skips_are_allowed_and_going_back_is_409_with_the_stages_that_can(
    client, db
) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    assert progress(client, token, reference, "application").status_code == 200
    response = progress(client, token, reference, "initial_visit")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "stage_not_allowed"
    assert problem["allowed_stages"] == [
        "stage_one_checks_received",
        "stage_one",
        "stage_two",
        "panel",
        "adm_decision",
        "approved",
        "brief_report",
        "withdrawn",
        "not_progressed",
        "on_hold",
    ]
    (refused,) = audit_rows(db, action="record_progress", outcome="refused")
    assert refused.enquiry_reference == reference


def test_withdrawn_needs_a_reason_from_the_list(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    missing = progress(client, token, reference, "withdrawn")
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "reason"
    wrong = progress(client, token, reference, "withdrawn", reason="bored")
    assert wrong.status_code == 422
    ok = progress(client, token, reference, "withdrawn", reason="assessment_not_as_expected")
    assert ok.status_code == 200
    assert ok.get_json()["stages"][0]["reason"] == "assessment_not_as_expected"
    assert ok.get_json()["stages"][0]["ofsted_code"] == "AW2"
    assert "Deprecation" not in ok.headers


def test_a_reason_on_a_progress_stage_is_refused(client, db) -> None:
    reference = routed(client, db)
    response = progress(client, token_for(db, KENT), reference, "first_contact", reason="timing")
    assert response.status_code == 422


def test_occurred_at_in_the_future_is_422(client, db) -> None:
    reference = routed(client, db)
    later = utcnow() + timedelta(hours=1)
    response = progress(client, token_for(db, KENT), reference, "first_contact", occurred_at=later)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "occurred_at", "message": "occurred_at is in the future."}
    ]


def test_occurred_at_before_the_referral_reached_the_council_is_422(client, db) -> None:
    reference = routed(client, db)
    earlier = utcnow() - timedelta(days=2)
    response = progress(
        client, token_for(db, KENT), reference, "first_contact", occurred_at=earlier
    )
    assert response.status_code == 422
    assert "before the referral reached your council" in response.get_json()["detail"]


def test_a_stage_before_the_last_recorded_one_is_422(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    assert progress(client, token, reference, "first_contact").status_code == 200
    earlier = utcnow() - timedelta(seconds=30)
    response = progress(client, token, reference, "initial_visit", occurred_at=earlier)
    # Routed a moment ago: either bound refuses it, and nothing is recorded.
    assert response.status_code == 422
    assert [s["stage"] for s in journey(client, token, reference)["stages"]] == ["first_contact"]


def test_on_hold_pauses_and_resumed_restarts_the_clocks(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "first_contact")
    held = progress(client, token, reference, "on_hold").get_json()
    assert clocks_of(held)["initial_visit"]["state"] == "paused"
    assert held["allowed_stages"] == ["resumed", "withdrawn", "not_progressed"]
    resumed = progress(client, token, reference, "resumed").get_json()
    assert clocks_of(resumed)["initial_visit"]["state"] == "running"


def test_withdrawn_stops_the_clocks(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "application")
    body = progress(client, token, reference, "withdrawn", reason="finances").get_json()
    # The first-contact clock (started at routing) was met by the application: it stays met.
    # The application starts the panel clock only: Stage 1's starts when the checks arrive.
    assert {c["kind"]: c["state"] for c in body["clocks"]} == {
        "first_contact": "met",
        "panel": "stopped",
    }


def test_transfer_carries_the_journey_to_the_new_council(client, db) -> None:
    reference = routed(client, db)
    kent, medway = token_for(db, KENT), token_for(db, MEDWAY)
    progress(client, kent, reference, "first_contact")
    moved = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(kent),
        json={"authority": MEDWAY, "reason": "Closer to family"},
    )
    assert moved.status_code == 200, moved.get_json()
    assert journey(client, medway, reference)["stage"] == "first_contact"
    assert progress(client, medway, reference, "initial_visit").status_code == 200
    # Kent no longer holds it: its reads and writes are 404 now.
    assert progress(client, kent, reference, "application").status_code == 404
    stages = journey(client, medway, reference)["stages"]
    assert [(s["stage"], s["authority_code"]) for s in stages] == [
        ("first_contact", KENT),
        ("initial_visit", MEDWAY),
    ]


def test_note_is_encrypted_at_rest(client, db) -> None:
    from sqlalchemy import text

    reference = routed(client, db)
    progress(client, token_for(db, KENT), reference, "first_contact", note="Lives with Sam")
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT note FROM journey_stages")).scalar_one()
    assert "Sam" not in stored
