"""Staff sign-in by a one-time e-mailed link; sessions that expire; sign-out; hub users."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select, text
from structlog.testing import capture_logs

from hub.access.models import SignInLink, StaffUser
from hub.cli import main
from hub.platform.models import utcnow
from tests.support.council import KENT, audit_rows
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    invite,
    link_path,
    mails_to,
    new_address,
    own_address,
    send_requested_links,
    sign_in,
    use_link,
)


@pytest.fixture(autouse=True)
def _own_address(client) -> None:
    own_address(client)


def _ask_for_link(client, email: str):
    token = csrf_from(client.get("/sign-in", headers=BROWSER).get_data(as_text=True))
    return client.post("/sign-in", data={"csrf_token": token, "email": email}, headers=BROWSER)


def _user(db, email: str) -> StaffUser:
    with db.sessions() as s:
        return s.scalars(select(StaffUser).where(StaffUser.with_email(email))).one()


def test_an_invitation_link_signs_in_once_and_lands_on_the_council_pages(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    path = link_path(email)
    response = use_link(client, path)
    assert response.status_code == 303 and response.headers["Location"] == "/council/"
    page = client.get("/council/", headers=BROWSER).get_data(as_text=True)
    assert email in page and "Sign out" in page
    # The same link again, in another browser: used up.
    again = client.application.test_client().get(path, headers=BROWSER)
    assert again.status_code == 400 and "expired or has been used" in again.get_data(as_text=True)
    user = _user(db, email)
    assert [row.actor for row in audit_rows(db, action="sign_in")][-1] == f"user:{user.id}"


def test_opening_a_link_does_not_use_it_up(client, db) -> None:
    """A mail scanner that follows the link (GET) must not sign in or spend the link."""
    email = new_address()
    invite(email, council="Kent")
    path = link_path(email)
    assert client.get(path, headers=BROWSER).status_code == 200
    assert client.get("/council/", headers=BROWSER).status_code == 303
    assert use_link(client, path).status_code == 303


def test_only_a_hash_of_the_link_is_stored(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    secret = link_path(email).rsplit("/", 1)[1]
    with db.sessions() as s:
        stored = s.scalars(select(SignInLink).order_by(SignInLink.id.desc())).first()
    assert stored is not None and secret not in stored.token_hash and len(stored.token_hash) == 64


def test_the_invitation_names_no_one_but_its_reader(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    (text,) = mails_to(email)
    assert "Kent" not in text and "fostering enquiry hub" in text
    assert "/sign-in/link/" in text


def test_a_sign_in_link_works_for_15_minutes(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        assert _ask_for_link(client, email).status_code == 303
        assert send_requested_links(db) == 1
        path = link_path(email)
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert client.get(path, headers=BROWSER).status_code == 400
    email2 = new_address()
    invite(email2, council="Kent")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        assert _ask_for_link(client, email2).status_code == 303
        assert send_requested_links(db) == 1
        path = link_path(email2)
        traveller.shift(timedelta(minutes=14, seconds=59))
        assert use_link(client, path).status_code == 303


def test_known_and_unknown_addresses_get_the_same_answer(client, db) -> None:
    known = new_address()
    invite(known, council="Kent")
    stranger = new_address()
    a = _ask_for_link(client, known)
    b = _ask_for_link(client, stranger)
    assert (a.status_code, a.headers["Location"]) == (b.status_code, b.headers["Location"])
    first = client.get(a.headers["Location"], headers=BROWSER).get_data(as_text=True)
    second = client.get(b.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "If the address you entered has an account" in first and first == second
    assert send_requested_links(db) == 1
    assert len(mails_to(known)) == 2 and mails_to(stranger) == []


def test_a_disabled_account_gets_no_link_and_its_session_ends(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    assert use_link(client, link_path(email)).status_code == 303
    user = _user(db, email)
    result = CliRunner().invoke(main, ["users", "disable", str(user.id)])
    assert result.exit_code == 0, result.output
    assert client.get("/council/", headers=BROWSER).status_code == 303
    _ask_for_link(client, email)
    assert send_requested_links(db) == 0
    assert len(mails_to(email)) == 1  # the invitation only


def test_the_sign_in_form_is_rate_limited(client, db) -> None:
    statuses = [_ask_for_link(client, new_address()).status_code for _ in range(11)]
    assert statuses[:10] == [303] * 10 and statuses[10] == 429


def test_a_malformed_address_is_an_error_on_the_page(client, db) -> None:
    response = _ask_for_link(client, "not an address")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page and 'href="#email"' in page


def test_signing_in_needs_the_form_token(client, db) -> None:
    email = new_address()
    invite(email, council="Kent")
    response = client.post(link_path(email), data={}, headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "This form has expired" in page
    assert "Fostering enquiry hub for staff" in page


def test_a_staff_page_sends_a_stranger_to_sign_in_and_back(client, db) -> None:
    response = client.get("/council/follow-ups", headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=/council/follow-ups"
    email = new_address()
    invite(email, council="Kent")
    token = csrf_from(
        client.get(response.headers["Location"], headers=BROWSER).get_data(as_text=True)
    )
    client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "next": "/council/follow-ups"},
        headers=BROWSER,
    )
    send_requested_links(db)
    assert use_link(client, link_path(email)).headers["Location"] == "/council/follow-ups"


def test_next_never_leaves_the_site(client, db) -> None:
    page = client.get("/sign-in?next=//evil.example/x", headers=BROWSER).get_data(as_text=True)
    assert "evil.example" not in page


def test_a_session_ends_after_30_idle_minutes(client, db) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        sign_in(client, db, council=KENT)
        traveller.shift(timedelta(minutes=29))
        assert client.get("/council/", headers=BROWSER).status_code == 200
        traveller.shift(timedelta(minutes=29))  # active 29 minutes ago: still signed in
        assert client.get("/council/", headers=BROWSER).status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        response = client.get("/council/", headers=BROWSER)
        assert response.status_code == 303
        page = client.get(response.headers["Location"], headers=BROWSER).get_data(as_text=True)
        assert "You were signed out" in page


def test_a_session_ends_after_12_hours_however_busy(client, db) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        sign_in(client, db, council=KENT)
        for _ in range(24):
            traveller.shift(timedelta(minutes=29))
            assert client.get("/council/notices", headers=BROWSER).status_code == 200
        traveller.shift(timedelta(minutes=25))  # 12 h 1 min after signing in
        assert client.get("/council/notices", headers=BROWSER).status_code == 303


def test_sign_out_ends_the_session_and_any_copy_of_its_cookie(client, db) -> None:
    sign_in(client, db, council=KENT)
    cookie = client.get_cookie("session")
    assert cookie is not None
    page = client.get("/council/", headers=BROWSER).get_data(as_text=True)
    response = client.post("/sign-out", data={"csrf_token": csrf_from(page)}, headers=BROWSER)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert client.get("/council/", headers=BROWSER).status_code == 303
    thief = client.application.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/council/", headers=BROWSER).status_code == 303


def test_sign_out_needs_the_form_token(client, db) -> None:
    sign_in(client, db, council=KENT)
    assert client.post("/sign-out", data={}, headers=BROWSER).status_code == 400
    assert client.get("/council/", headers=BROWSER).status_code == 200


def test_users_list_and_invite_errors(client, db) -> None:
    email = new_address()
    invite(email, delivery_body="achieving for children")
    listed = CliRunner().invoke(main, ["users", "list"])
    assert f"{email}\tdelivery_body:Achieving for Children\tactive" in listed.output
    for args in (
        ["users", "invite", new_address()],
        ["users", "invite", new_address(), "--council", "Kent", "--hub-operator"],
        ["users", "invite", new_address(), "--council", "Atlantis"],
        ["users", "invite", "nobody", "--council", "Kent"],
        ["users", "invite", new_address(), "--delivery-body", "Kent"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0, (args, result.output)
    assert CliRunner().invoke(main, ["users", "disable", "999999"]).exit_code == 1


def test_an_invitation_link_starts_with_the_given_base_url(client, db) -> None:
    email = new_address()
    result = CliRunner().invoke(
        main,
        ["users", "invite", email, "--council", "Kent", "--base-url", "http://127.0.0.1:5731/"],
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5731/sign-in/link/" in mails_to(email)[0]


def test_signing_in_and_out_leaves_the_address_in_no_audit_row_or_log(
    client, db, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    email = new_address()
    with capture_logs() as logged:
        invite(email, council="Kent")
        _ask_for_link(client, email.upper())
        assert send_requested_links(db) == 1
        assert use_link(client, link_path(email)).status_code == 303
        token = csrf_from(client.get("/council/", headers=BROWSER).get_data(as_text=True))
        client.post("/sign-out", data={"csrf_token": token}, headers=BROWSER)
    local_part = email.split("@")[0]
    with db.engine.connect() as conn:
        audited = " ".join(
            str(value) for row in conn.execute(text("SELECT * FROM audit_events")) for value in row
        )
    assert "user:" in audited and local_part not in audited.lower()
    assert local_part not in str(logged).lower()
    assert local_part not in caplog.text.lower()
