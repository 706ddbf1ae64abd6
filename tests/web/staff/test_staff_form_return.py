"""A form sent after the session ended: sign in again, land on its page, input kept."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask.testing import FlaskClient

from hub.platform.models import utcnow
from tests.support.council import KENT, get_enquiry, routed
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    invite,
    link_path,
    new_address,
    own_address,
    send_requested_links,
    use_link,
    visible_text,
)

NOTE = "Spoke to the enquirer's partner; they will call back on Friday after 4pm."


def _sign_in_as(client: FlaskClient, db, email: str, next_page: str = "") -> str:
    """Ask for a link at /sign-in (as a person would) and use it; where it lands."""
    page = client.get("/sign-in" + (f"?next={next_page}" if next_page else ""), headers=BROWSER)
    token = csrf_from(page.get_data(as_text=True))
    client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "next": next_page},
        headers=BROWSER,
    )
    send_requested_links(db)
    landed = use_link(client, link_path(email))
    assert landed.status_code == 303
    return str(landed.headers["Location"])


def _expired_post(client: FlaskClient, db, email: str):
    """Open a referral, let the session end while writing, press the button; the response."""
    reference = routed(client, db)
    path = f"/council/referrals/{reference}"
    token = csrf_from(client.get(path, headers=BROWSER).get_data(as_text=True))
    return reference, path, token


def test_a_form_sent_after_the_session_ended_comes_back_after_signing_in(client, db) -> None:
    own_address(client)
    email = new_address()
    invite(email, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in_as(client, db, email)
        reference, path, token = _expired_post(client, db, email)
        traveller.shift(timedelta(minutes=31))  # idle too long: the session has ended
        response = client.post(
            f"{path}/progress",
            data={"csrf_token": token, "stage": "first_contact", "note": NOTE},
            headers={**BROWSER, "Referer": f"http://localhost{path}"},
        )
        assert response.status_code == 303 and response.headers["Location"] == path
        assert get_enquiry(db, reference).status == "routed"  # nothing was recorded
        to_sign_in = client.get(path, headers=BROWSER)
        assert to_sign_in.status_code == 303
        assert to_sign_in.headers["Location"].startswith("/sign-in?next=/council/referrals")
        landed = _sign_in_as(client, db, email, next_page=path)
        assert landed == path
        page = client.get(path, headers=BROWSER).get_data(as_text=True)
    text = visible_text(page)
    assert "Your session ended before this was sent" in text
    assert NOTE.replace("'", "&#39;") in page
    assert '<option value="first_contact" selected>' in page
    # Kept once: the next visit shows a fresh form.
    again = client.get(path, headers=BROWSER).get_data(as_text=True)
    assert "Your session ended" not in again and "call back on Friday" not in again


def test_without_a_referer_the_form_comes_back_to_the_page_above_its_address(client, db) -> None:
    own_address(client)
    email = new_address()
    invite(email, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in_as(client, db, email)
        reference, path, token = _expired_post(client, db, email)
        traveller.shift(timedelta(minutes=31))
        response = client.post(
            f"{path}/transfer",
            data={"csrf_token": token, "authority": "Medway", "reason": "Moved to Chatham"},
            headers=BROWSER,
        )
        assert response.status_code == 303 and response.headers["Location"] == path
        assert get_enquiry(db, reference).authority_code == KENT
        assert _sign_in_as(client, db, email, next_page=path) == path
        page = client.get(path, headers=BROWSER).get_data(as_text=True)
    assert 'value="Medway"' in page and 'value="Moved to Chatham"' in page


def test_an_expired_form_token_also_brings_the_form_back(client, db) -> None:
    own_address(client)
    email = new_address()
    invite(email, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in_as(client, db, email)
        reference, path, token = _expired_post(client, db, email)
        traveller.shift(timedelta(minutes=61))  # the form's token is too old as well
        response = client.post(
            f"{path}/return",
            data={"csrf_token": token, "reason": "duplicate", "note": "Same as FE-AAAAAAAA"},
            headers=BROWSER,
        )
        assert response.status_code == 303 and response.headers["Location"] == path
        assert _sign_in_as(client, db, email, next_page=path) == path
        page = client.get(path, headers=BROWSER).get_data(as_text=True)
    assert "Same as FE-AAAAAAAA" in page and 'value="duplicate" checked' in page
    assert get_enquiry(db, reference).status == "routed"


def test_someone_else_signing_in_on_that_browser_sees_nothing_of_it(client, db) -> None:
    own_address(client)
    first, second = new_address(), new_address()
    invite(first, council="Kent")
    invite(second, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in_as(client, db, first)
        _reference, path, token = _expired_post(client, db, first)
        traveller.shift(timedelta(minutes=31))
        client.post(
            f"{path}/progress",
            data={"csrf_token": token, "stage": "first_contact", "note": NOTE},
            headers=BROWSER,
        )
        assert _sign_in_as(client, db, second, next_page=path) == path
        page = client.get(path, headers=BROWSER).get_data(as_text=True)
    assert "call back on Friday" not in page and "Your session ended" not in page


def test_a_follow_up_outcome_sent_late_lands_on_the_follow_ups_page_never_a_405(client, db) -> None:
    own_address(client)
    email = new_address()
    invite(email, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in_as(client, db, email)
        token = csrf_from(client.get("/council/follow-ups", headers=BROWSER).get_data(as_text=True))
        traveller.shift(timedelta(minutes=31))
        response = client.post(
            "/council/follow-ups/12345/outcome",
            data={"csrf_token": token, "outcome": "reached"},
            headers=BROWSER,
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/council/follow-ups"
        assert _sign_in_as(client, db, email, next_page="/council/follow-ups") == (
            "/council/follow-ups"
        )


def test_a_note_too_long_to_keep_is_not_kept_shortened_and_the_page_says_so(client, db) -> None:
    own_address(client)
    email = new_address()
    invite(email, council="Kent")
    long_note = "Called twice; " * 120  # about 1,700 characters
    with time_machine.travel(utcnow(), tick=False) as traveller:
        _sign_in_as(client, db, email)
        _reference, path, token = _expired_post(client, db, email)
        traveller.shift(timedelta(minutes=31))
        client.post(
            f"{path}/progress",
            data={"csrf_token": token, "stage": "first_contact", "note": long_note},
            headers=BROWSER,
        )
        assert _sign_in_as(client, db, email, next_page=path) == path
        page = client.get(path, headers=BROWSER).get_data(as_text=True)
    assert "too long to keep" in visible_text(page) and "Called twice" not in page
