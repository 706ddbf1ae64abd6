"""The booking pages: book a visit or a session from the referral page, the booking's own
page (record, move, cancel), the officer's day and the information events pages, with the
same scoping, audit and rules as the bookings API."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from flask.testing import FlaskClient

from tests.support.council import KENT, audit_rows, bearer, routed, token_for
from tests.tracking.support import clocks_of, journey, london
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    field_error,
    own_address,
    sign_in,
    visible_text,
)

MONDAY = london(2026, 11, 23, 9)
WEDNESDAY = {"booking-day": "25", "booking-month": "11", "booking-year": "2026"}
TODAY = {"booking-day": "23", "booking-month": "11", "booking-year": "2026"}


def _signed_in(client: FlaskClient, db, council: str = "Kent", role: str | None = None) -> None:
    own_address(client)
    sign_in(client, db, council=council, role=role)


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _post(client: FlaskClient, action: str, **form: str):
    token = csrf_from(_page(client, "/council/tray"))
    return client.post(action, data={"csrf_token": token, **form}, headers=BROWSER)


def _stay_signed_in_until(client: FlaskClient, traveller, hour: int, minute: int) -> None:
    """Move the clock on to ``hour:minute`` that Monday in steps shorter than the staff
    session's idle limit, opening a page at each, as an officer working through a morning."""
    target = london(2026, 11, 23, hour, minute).timestamp()
    while (now := time.time()) < target:
        traveller.shift(min(target - now, 20 * 60))
        _page(client, "/council/events")


def _booking_id(page: str, reference: str) -> int:
    found = re.findall(rf"/council/referrals/{reference}/bookings/(\d+)[/\"]", page)
    assert found, "no booking link on the page"
    return int(found[0])


def test_an_officer_books_a_visit_sees_it_on_tray_and_day_and_records_it(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        client.post(
            f"/v1/council/referrals/{reference}/progress",
            headers=bearer(token),
            json={"stage": "first_contact"},
        )
        _signed_in(client, db)
        made = _post(
            client,
            f"/council/referrals/{reference}/bookings",
            kind="initial_visit",
            **{**TODAY, "booking-time": "10:30"},
        )
        assert made.status_code == 303, made.get_data(as_text=True)[:300]
        page = _page(client, f"/council/referrals/{reference}")
        assert "Initial visit booked" in page
        listed = visible_text(page)
        assert "23 November 2026, 10:30" in listed and "Booked" in listed
        tray = visible_text(_page(client, "/council/tray"))
        assert "Booked 23 November 2026, 10:30" in tray and "Booking overdue" not in tray
        week = visible_text(_page(client, "/council/my-day?period=week"))
        assert reference in week and "Initial visit" in week
        booking_id = _booking_id(page, reference)
        _stay_signed_in_until(client, traveller, 10, 45)
        assert "Booking overdue" in visible_text(_page(client, "/council/tray"))
        today = visible_text(_page(client, "/council/my-day"))
        assert reference in today and "Overdue: record what happened" in today
        done = _post(
            client,
            f"/council/referrals/{reference}/bookings/{booking_id}/outcome",
            outcome="attended",
        )
        assert done.status_code == 303
        after = visible_text(_page(client, f"/council/referrals/{reference}"))
        body = journey(client, token, reference)
    assert "Initial visit recorded on the journey" in after and "Happened" in after
    assert body["stage"] == "initial_visit"
    assert clocks_of(body)["initial_visit"]["state"] == "met"
    assert [r.outcome for r in audit_rows(db, action="read_my_day")] == ["ok"] * 2


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {
                "kind": "initial_visit",
                "booking-day": "20",
                "booking-month": "11",
                "booking-year": "2026",
                "booking-time": "10:00",
            },
            "booking",
            "The booking must be for a time in the future.",
        ),
        (
            {"kind": "initial_visit", **WEDNESDAY, "booking-time": "25:00"},
            "booking-time",
            "The booking time must be a real time, like 14:30",
        ),
        (
            {"kind": "initial_visit", "booking-time": "10:00"},
            "booking",
            "Enter the booking date in full",
        ),
        ({**WEDNESDAY, "booking-time": "10:00"}, "booking-kind", "Choose what to book"),
    ],
)
def test_a_bad_booking_shows_the_error_on_its_field_and_stores_nothing(
    client, db, form, field, message
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        _signed_in(client, db)
        refused = _post(client, f"/council/referrals/{reference}/bookings", **form)
        assert refused.status_code == 422
        assert field_error(refused.get_data(as_text=True), field) == message
        assert "Nothing booked yet" in _page(client, f"/council/referrals/{reference}")


def test_a_booking_is_moved_and_cancelled_from_its_page(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        reference = routed(client, db)
        _signed_in(client, db)
        _post(
            client,
            f"/council/referrals/{reference}/bookings",
            kind="initial_visit",
            **{**WEDNESDAY, "booking-time": "10:30"},
        )
        booking_id = _booking_id(_page(client, f"/council/referrals/{reference}"), reference)
        path = f"/council/referrals/{reference}/bookings/{booking_id}"
        assert "Move it" in _page(client, path)
        no_reason = _post(client, f"{path}/move", **{**WEDNESDAY, "booking-time": "15:00"})
        assert field_error(no_reason.get_data(as_text=True), "move-reason") == (
            "Choose why it is moved"
        )
        moved = _post(
            client,
            f"{path}/move",
            reason="enquirer_asked",
            **{**WEDNESDAY, "booking-time": "3pm"},
        )
        assert moved.status_code == 303
        assert "25 November 2026, 15:00" in visible_text(
            _page(client, f"/council/referrals/{reference}")
        )
        cancelled = _post(client, f"{path}/cancel", reason="council_rearranged")
        assert cancelled.status_code == 303
        page = visible_text(_page(client, f"/council/referrals/{reference}"))
    assert "Booking cancelled" in page and "(council rearranged)" in page
    assert [r.detail["reason"] for r in audit_rows(db, action="move_booking")] == ["enquirer_asked"]


def test_an_event_is_created_a_referral_booked_onto_it_and_attendance_recorded(client, db):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        _signed_in(client, db)
        bad = _post(client, "/council/events", title="Evening", capacity="0")
        assert bad.status_code == 422
        page = bad.get_data(as_text=True)
        assert field_error(page, "event") == "Enter the event date in full"
        assert field_error(page, "event-capacity") == (
            "The number of places must be between 1 and 1000"
        )
        created = _post(
            client,
            "/council/events",
            title="Fostering information evening",
            place="County Hall, Maidstone",
            capacity="12",
            **{"event-day": "23", "event-month": "11", "event-year": "2026", "event-time": "10am"},
        )
        assert created.status_code == 303
        event_path = created.headers["Location"]
        event_id = int(event_path.rstrip("/").rsplit("/", 1)[1])
        referral_page = _page(client, f"/council/referrals/{reference}")
        assert "Fostering information evening, 23 November 2026, 10:00 (12 places left)" in (
            visible_text(referral_page)
        )
        booked = _post(
            client,
            f"/council/referrals/{reference}/bookings",
            kind="information_session",
            event_id=str(event_id),
        )
        assert booked.status_code == 303, booked.get_data(as_text=True)[:300]
        event_page = visible_text(_page(client, event_path))
        assert reference in event_page and "11 of 12" in event_page
        assert "11 of 12" in visible_text(_page(client, "/council/events"))
        _stay_signed_in_until(client, traveller, 10, 30)
        page = _page(client, event_path)
        booking_id = _booking_id(page, reference)
        went = _post(
            client,
            f"/council/referrals/{reference}/bookings/{booking_id}/outcome",
            outcome="attended",
            back=str(event_id),
        )
        assert went.status_code == 303 and went.headers["Location"].endswith(event_path)
        assert "Happened" in visible_text(_page(client, event_path))
        stage = journey(client, token_for(db, KENT), reference)["stage"]
    assert stage == "information_session"


ACTIONS = {
    "book": ("/bookings", {"kind": "initial_visit", **WEDNESDAY, "booking-time": "10:00"}),
    "move_booking": (
        "/bookings/{id}/move",
        {"reason": "other", **WEDNESDAY, "booking-time": "11:00"},
    ),
    "cancel_booking": ("/bookings/{id}/cancel", {"reason": "other"}),
    "record_booking_outcome": ("/bookings/{id}/outcome", {"outcome": "did_not_attend"}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_another_councils_officer_gets_404_on_every_booking_form_and_it_is_audited(
    client, db, action
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        kents = routed(client, db)
        made = client.post(
            f"/v1/council/referrals/{kents}/bookings",
            headers=bearer(token_for(db, KENT)),
            json={"kind": "initial_visit", "starts_at": "2026-11-25T10:00:00Z"},
        ).get_json()
        _signed_in(client, db, council="Medway", role="manager")
        suffix, form = ACTIONS[action]
        response = _post(
            client, f"/council/referrals/{kents}{suffix.format(id=made['id'])}", **form
        )
        page = client.get(f"/council/referrals/{kents}/bookings/{made['id']}", headers=BROWSER)
    assert response.status_code == 404 and page.status_code == 404
    denied = [r for r in audit_rows(db, action=action) if r.outcome == "denied"]
    assert [r.enquiry_reference for r in denied] == [kents]
    assert [r.outcome for r in audit_rows(db, action="read_casework")] == ["denied"]


def test_another_councils_event_page_is_404_and_audited(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        event = client.post(
            "/v1/council/events",
            headers=bearer(token_for(db, KENT)),
            json={
                "title": "Evening",
                "starts_at": "2026-11-26T19:00:00Z",
                "place": "Hall",
                "capacity": 5,
            },
        ).get_json()
        _signed_in(client, db, council="Medway")
        response = client.get(f"/council/events/{event['id']}", headers=BROWSER)
        listed = visible_text(_page(client, "/council/events"))
    assert response.status_code == 404
    assert "Evening" not in listed
    (row,) = audit_rows(db, action="read_event")
    assert row.outcome == "denied"
