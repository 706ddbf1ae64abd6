"""The casework pages: the duty tray, and the referral page's owner, contact log, notes and
closing as no response, with the same scoping, audit and rules as the casework API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from flask.testing import FlaskClient

from hub.platform.models import utcnow
from tests.casework.support import staff_id
from tests.support.council import KENT, audit_rows, bearer, routed, token_for
from tests.tracking.support import journey, london
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    field_error,
    own_address,
    sign_in,
    visible_text,
)


def _signed_in(client: FlaskClient, db, council: str = "Kent", role: str | None = None) -> int:
    """Sign ``client`` in as a new member of ``council``'s team; their staff id."""
    own_address(client)
    sign_in(client, db, council=council, role=role)
    actor = [row.actor for row in audit_rows(db, action="sign_in")][-1]
    return int(actor.removeprefix("user:"))


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _post(client: FlaskClient, action: str, **form: str):
    token = csrf_from(_page(client, "/council/tray"))
    return client.post(action, data={"csrf_token": token, **form}, headers=BROWSER)


def _tray_references(page: str) -> list[str]:
    return re.findall(r'href="/council/referrals/(FE-[A-Z0-9]+)"', page)


def test_an_officer_takes_a_referral_and_the_tray_shows_it_as_theirs(client, db) -> None:
    reference = routed(client, db)
    _signed_in(client, db)
    tray = visible_text(_page(client, "/council/tray"))
    assert reference in tray and "Unallocated" in tray and "Not yet contacted" in tray
    taken = _post(client, f"/council/referrals/{reference}/owner")
    assert taken.status_code == 303
    page = _page(client, f"/council/referrals/{reference}")
    assert "You own this referral now" in page
    assert re.search(r'id="owner-now">You since', page)
    assert _tray_references(_page(client, "/council/tray?view=mine")) == [reference]
    assert _tray_references(_page(client, "/council/tray?view=unallocated")) == []


def test_an_officer_cannot_take_a_referral_someone_else_owns(client, db) -> None:
    reference = routed(client, db)
    colleague = staff_id(db, "Kent")
    manager = token_for(db, KENT, manage=True)
    client.post(
        f"/v1/council/referrals/{reference}/owner",
        headers=bearer(manager),
        json={"user_id": colleague},
    )
    _signed_in(client, db)
    refused = _post(client, f"/council/referrals/{reference}/owner")
    assert refused.status_code == 409
    assert "Ask a manager to reassign it" in field_error(refused.get_data(as_text=True), "user_id")


def test_a_manager_assigns_but_never_to_another_councils_officer(client, db) -> None:
    reference = routed(client, db)
    _signed_in(client, db, role="manager")
    kent_officer, medway_officer = staff_id(db, "Kent"), staff_id(db, "Medway")
    page = _page(client, f"/council/referrals/{reference}")
    assert f'value="{kent_officer}"' in page and f'value="{medway_officer}"' not in page
    refused = _post(client, f"/council/referrals/{reference}/owner", user_id=str(medway_officer))
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "user_id") == (
        "Choose someone on a team that holds this referral."
    )
    assigned = _post(client, f"/council/referrals/{reference}/owner", user_id=str(kent_officer))
    assert assigned.status_code == 303
    assert "Referral assigned" in _page(client, f"/council/referrals/{reference}")


def test_a_reached_attempt_records_first_contact_and_is_listed(client, db) -> None:
    reference = routed(client, db)
    _signed_in(client, db)
    done = _post(
        client,
        f"/council/referrals/{reference}/contact-attempts",
        channel="phone",
        outcome="reached",
        note="Keen, call on Friday",
        first_contact="yes",
    )
    assert done.status_code == 303
    page = visible_text(_page(client, f"/council/referrals/{reference}"))
    assert "Contact attempt recorded, and first contact recorded on the journey" in page
    assert "Reached (first contact)" in page and "Keen, call on Friday" in page
    assert journey(client, token_for(db, KENT), reference)["stage"] == "first_contact"


def test_an_unticked_first_contact_box_records_no_stage(client, db) -> None:
    reference = routed(client, db)
    _signed_in(client, db)
    done = _post(
        client,
        f"/council/referrals/{reference}/contact-attempts",
        channel="text",
        outcome="reached",
    )
    assert done.status_code == 303
    assert journey(client, token_for(db, KENT), reference)["stages"] == []


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"attempted-day": "1", "attempted-month": "1", "attempted-year": "2099"},
            "attempted",
            "The attempt date must be today or in the past",
        ),
        (
            {"attempted-day": "1", "attempted-month": "1", "attempted-year": "2020"},
            "attempted",
            "The attempt cannot be before the enquiry was received",
        ),
        ({"channel": "pigeon"}, "channel", "Must be one of"),
        ({"note": "x" * 2001}, "contact-note", "Keep the note to 2000 characters or fewer"),
    ],
)
def test_a_bad_contact_attempt_shows_the_error_on_its_field(client, db, form, field, message):
    reference = routed(client, db)
    _signed_in(client, db)
    sent = {"channel": "phone", "outcome": "no_answer", **form}
    refused = _post(client, f"/council/referrals/{reference}/contact-attempts", **sent)
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), field).startswith(message)


def test_notes_are_shown_newest_first_with_their_author(client, db) -> None:
    reference = routed(client, db)
    email_user = _signed_in(client, db)
    with time_machine.travel(utcnow() + timedelta(minutes=1), tick=False) as traveller:
        for words in ("First note", "Second note"):
            assert (
                _post(client, f"/council/referrals/{reference}/notes", text=words).status_code
                == 303
            )
            traveller.shift(timedelta(minutes=1))
        page = _page(client, f"/council/referrals/{reference}")
        too_long = _post(client, f"/council/referrals/{reference}/notes", text="x" * 2001)
    notes = page[page.index('id="notes"') :]
    assert notes.index("Second note") < notes.index("First note")
    assert email_user and "staff-" in notes  # the author's address
    assert too_long.status_code == 422
    assert field_error(too_long.get_data(as_text=True), "note-text") == (
        "Keep the note to 2000 characters or fewer."
    )


def test_the_page_says_what_closing_as_no_response_still_needs(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False):
        reference = routed(client, db)  # on Monday 23 November 2026
    _signed_in(client, db)
    path = f"/council/referrals/{reference}/contact-attempts"
    monday = {"attempted-day": "23", "attempted-month": "11", "attempted-year": "2026"}
    assert _post(client, path, channel="phone", outcome="no_answer", **monday).status_code == 303
    page = visible_text(_page(client, f"/council/referrals/{reference}"))
    assert "Before you can close it: 1 more attempt on another working day." in page
    early = _post(client, f"/council/referrals/{reference}/no-response")
    assert early.status_code == 422
    assert "1 more attempt on another working day" in field_error(
        early.get_data(as_text=True), "no-response"
    )
    tuesday = {**monday, "attempted-day": "24"}
    _post(client, path, channel="email", outcome="email_sent", **tuesday)
    asked = _post(client, f"/council/referrals/{reference}/no-response")
    assert asked.status_code == 303
    page = visible_text(_page(client, f"/council/referrals/{reference}"))
    assert "Asked a manager to close this enquiry as no response" in page
    assert "asked a manager to close it" in page
    assert "Ask a manager to close as no response" not in page  # asked already


def test_a_manager_closes_as_no_response_from_the_page(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        client.post(
            f"/v1/council/referrals/{reference}/contact-attempts",
            headers=bearer(token),
            json={"channel": "phone", "outcome": "no_answer"},
        )
        traveller.shift(timedelta(days=1))
        client.post(
            f"/v1/council/referrals/{reference}/contact-attempts",
            headers=bearer(token),
            json={"channel": "phone", "outcome": "voicemail_left"},
        )
        _signed_in(client, db, role="manager")
        closed = _post(client, f"/council/referrals/{reference}/no-response")
        assert closed.status_code == 303
        page = visible_text(_page(client, f"/council/referrals/{reference}"))
    assert "Closed as no response" in page
    assert journey(client, token, reference)["stage"] == "not_progressed"


ACTIONS = {
    "assign_owner": ("/owner", {}),
    "record_contact": ("/contact-attempts", {"channel": "phone", "outcome": "no_answer"}),
    "add_note": ("/notes", {"text": "Hello"}),
    "close_no_response": ("/no-response", {}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_another_councils_officer_gets_404_on_every_form_and_it_is_audited(
    client, db, action
) -> None:
    kents = routed(client, db)
    _signed_in(client, db, council="Medway", role="manager")
    suffix, form = ACTIONS[action]
    response = _post(client, f"/council/referrals/{kents}{suffix}", **form)
    assert response.status_code == 404
    (row,) = audit_rows(db, action=action)
    assert (row.outcome, row.enquiry_reference) == ("denied", kents)


def test_another_councils_tray_and_referral_page_do_not_show_it(client, db) -> None:
    kents = routed(client, db)
    _signed_in(client, db, council="Medway")
    assert kents not in _page(client, "/council/tray")
    assert client.get(f"/council/referrals/{kents}", headers=BROWSER).status_code == 404


def test_a_bad_tray_filter_says_so(client, db) -> None:
    _signed_in(client, db)
    response = client.get(
        "/council/tray?from-day=40&from-month=1&from-year=2026&clock=late", headers=BROWSER
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "from").startswith("The received from date must be a real date")
    assert field_error(page, "clock")
