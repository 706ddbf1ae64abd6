"""Bookings over the API: an initial visit or an information session planned for a time, on
the tray and the casework read, moved or cancelled with a reason, and recorded as the stage."""

from __future__ import annotations

import pytest
import time_machine

from tests.casework.support import booking, casework, change, field_errors, tray
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import clocks_of, journey, london, progress

MONDAY = london(2026, 11, 23, 9)
WEDNESDAY_10 = london(2026, 11, 25, 10)


def test_a_visit_is_booked_and_shows_on_the_casework_and_the_tray(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        made = booking(client, token, reference, starts_at=WEDNESDAY_10)
        assert made.status_code == 201, made.get_json()
        body = made.get_json()
        assert (body["kind"], body["state"], body["status"]) == (
            "initial_visit",
            "booked",
            "upcoming",
        )
        (listed,) = casework(client, token, reference)["bookings"]
        assert listed["id"] == body["id"] and listed["status"] == "upcoming"
        (item,) = tray(client, token).get_json()["items"]
    assert item["next_booking_at"].startswith("2026-11-25T10:00")
    assert "booking_overdue" not in item["flags"]
    (row,) = audit_rows(db, action="book")
    assert (row.outcome, row.enquiry_reference) == ("ok", reference)
    assert row.detail["kind"] == "initial_visit" and row.detail["booking_id"] == body["id"]


def test_a_booking_past_its_time_without_an_outcome_is_flagged(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        assert booking(client, token, reference, starts_at=WEDNESDAY_10).status_code == 201
        traveller.move_to(london(2026, 11, 25, 11))
        (item,) = tray(client, token).get_json()["items"]
        (listed,) = casework(client, token, reference)["bookings"]
    assert "booking_overdue" in item["flags"]
    assert listed["status"] == "overdue"


def test_the_tray_puts_a_booking_due_before_any_clock_first(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        first = routed(client, db)  # first contact due by the end of Tuesday
        second = routed(client, db)
        token = token_for(db, KENT)
        assert booking(client, token, second, starts_at=london(2026, 11, 23, 15)).status_code == 201
        items = tray(client, token).get_json()["items"]
    assert [i["reference"] for i in items] == [second, first]


def test_recording_the_visit_meets_the_clock_and_closes_the_booking(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        assert progress(client, token, reference, "first_contact").status_code == 200
        made = booking(client, token, reference, starts_at=WEDNESDAY_10).get_json()
        early = change(client, token, reference, made["id"], "outcome", outcome="attended")
        assert early.status_code == 422 and "occurred_at" in field_errors(early)
        traveller.move_to(london(2026, 11, 25, 12))
        done = change(client, token, reference, made["id"], "outcome", outcome="attended")
        assert done.status_code == 200, done.get_json()
        assert (done.get_json()["state"], done.get_json()["status"]) == ("attended", "attended")
        body = journey(client, token, reference)
        (item,) = tray(client, token).get_json()["items"]
    assert body["stage"] == "initial_visit"
    visit = clocks_of(body)["initial_visit"]
    assert visit["state"] == "met" and visit["met_at"].startswith("2026-11-25T10:00")
    assert item["next_booking_at"] is None and "booking_overdue" not in item["flags"]
    again = change(client, token, reference, made["id"], "outcome", outcome="attended")
    assert again.status_code == 409 and again.get_json()["code"] == "booking_closed"


def test_the_visit_recorded_on_the_progress_page_closes_the_booking_too(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        made = booking(client, token, reference, starts_at=WEDNESDAY_10).get_json()
        traveller.move_to(london(2026, 11, 25, 12))
        assert progress(client, token, reference, "initial_visit").status_code == 200
        (listed,) = casework(client, token, reference)["bookings"]
        (item,) = tray(client, token).get_json()["items"]
    assert listed["id"] == made["id"] and listed["status"] == "stage_recorded"
    assert "booking_overdue" not in item["flags"]


def test_a_booking_is_moved_and_cancelled_with_a_reason_each_audited(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        made = booking(client, token, reference, starts_at=WEDNESDAY_10).get_json()
        later = london(2026, 11, 26, 14)
        moved = change(
            client, token, reference, made["id"], "move", starts_at=later, reason="enquirer_asked"
        )
        assert moved.status_code == 200, moved.get_json()
        assert moved.get_json()["moves"] == 1
        assert moved.get_json()["starts_at"].startswith("2026-11-26T14:00")
        no_reason = change(client, token, reference, made["id"], "cancel")
        assert no_reason.status_code == 422 and "reason" in field_errors(no_reason)
        gone = change(
            client, token, reference, made["id"], "cancel", reason="enquirer_not_proceeding"
        )
        assert gone.get_json()["state"] == "cancelled"
        closed = change(
            client, token, reference, made["id"], "move", starts_at=later, reason="other"
        )
    assert closed.status_code == 409
    (move_row,) = audit_rows(db, action="move_booking", outcome="ok")
    assert move_row.detail["reason"] == "enquirer_asked"
    assert move_row.detail["from"].startswith("2026-11-25T10:00")
    (cancel_row,) = audit_rows(db, action="cancel_booking", outcome="ok")
    assert cancel_row.detail["reason"] == "enquirer_not_proceeding"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": london(2026, 11, 23, 8)}, "starts_at"),  # an hour ago
        ({}, "starts_at"),
        ({"starts_at": WEDNESDAY_10, "event_id": 1}, "event_id"),  # a visit is on no event
        ({"starts_at": WEDNESDAY_10, "kind": "lunch"}, "kind"),
        ({"starts_at": WEDNESDAY_10, "officer_id": 999999}, "officer_id"),
    ],
)
def test_a_bad_booking_is_a_field_error_and_nothing_is_stored(client, db, body, field) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        response = booking(client, token, reference, **body)
        assert response.status_code == 422
        assert field in field_errors(response), response.get_json()
        assert casework(client, token, reference)["bookings"] == []


def test_a_second_open_booking_of_the_same_kind_is_refused(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        assert booking(client, token, reference, starts_at=WEDNESDAY_10).status_code == 201
        again = booking(client, token, reference, starts_at=london(2026, 11, 27, 10))
        session = booking(
            client, token, reference, kind="information_session", starts_at=WEDNESDAY_10
        )
    assert again.status_code == 422 and "kind" in field_errors(again)
    assert session.status_code == 201


def test_another_councils_officer_cannot_be_sent(client, db) -> None:
    from tests.casework.support import staff_id

    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        medway_officer = staff_id(db, "Medway")
        response = booking(
            client,
            token_for(db, KENT),
            reference,
            starts_at=WEDNESDAY_10,
            officer_id=medway_officer,
        )
    assert response.status_code == 422 and "officer_id" in field_errors(response)


def test_a_booking_on_a_referral_transferred_away_is_404_and_audited(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        kent = token_for(db, KENT)
        made = booking(client, kent, reference, starts_at=WEDNESDAY_10).get_json()
        moved = client.post(
            f"/v1/council/referrals/{reference}/transfer",
            headers=bearer(kent),
            json={"authority": MEDWAY, "reason": "Closer to family"},
        )
        assert moved.status_code == 200, moved.get_json()
        response = booking(client, kent, reference, starts_at=WEDNESDAY_10)
        cancel = change(client, kent, reference, made["id"], "cancel", reason="other")
        medway = token_for(db, MEDWAY)
        # The new holder never sees the old holder's booking, and cannot change it.
        assert casework(client, medway, reference)["bookings"] == []
        theirs = change(client, medway, reference, made["id"], "cancel", reason="other")
    assert response.status_code == 404 and cancel.status_code == 404
    assert theirs.status_code == 404
    assert [r.outcome for r in audit_rows(db, action="book")] == ["ok", "denied"]
    assert [r.outcome for r in audit_rows(db, action="cancel_booking")] == ["denied", "denied"]


CALLS = {
    "book": ("/bookings", {"kind": "initial_visit", "starts_at": "2026-11-25T10:00:00Z"}),
    "move_booking": (
        "/bookings/{id}/move",
        {"reason": "other", "starts_at": "2026-11-26T10:00:00Z"},
    ),
    "cancel_booking": ("/bookings/{id}/cancel", {"reason": "other"}),
    "record_booking_outcome": ("/bookings/{id}/outcome", {"outcome": "did_not_attend"}),
}


@pytest.mark.parametrize("action", list(CALLS))
def test_another_councils_referral_is_404_and_audited_as_denied(client, db, action) -> None:
    with time_machine.travel(MONDAY, tick=False):
        kents = routed(client, db)
        made = booking(client, token_for(db, KENT), kents, starts_at=WEDNESDAY_10).get_json()
        suffix, body = CALLS[action]
        response = client.post(
            f"/v1/council/referrals/{kents}{suffix.format(id=made['id'])}",
            headers=bearer(token_for(db, MEDWAY, manage=True)),
            json=body,
        )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    rows = [r for r in audit_rows(db, action=action) if r.outcome == "denied"]
    assert [r.enquiry_reference for r in rows] == [kents]


def test_an_api_tokens_day_is_empty(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        booking(client, token, reference, starts_at=london(2026, 11, 23, 15))
        response = client.get("/v1/council/my-day", headers=bearer(token))
        bad = client.get("/v1/council/my-day?period=month", headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["items"] == []
    assert bad.status_code == 422 and "period" in field_errors(bad)


def test_did_not_attend_closes_the_booking_without_a_stage(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        made = booking(client, token, reference, starts_at=WEDNESDAY_10).get_json()
        traveller.move_to(london(2026, 11, 25, 12))
        missed = change(client, token, reference, made["id"], "outcome", outcome="did_not_attend")
        assert missed.get_json()["status"] == "did_not_attend"
        (item,) = tray(client, token).get_json()["items"]
        again = booking(client, token, reference, starts_at=london(2026, 11, 30, 10))
    assert "booking_overdue" not in item["flags"] and item["stage"] is None
    assert again.status_code == 201  # a new visit can be booked
