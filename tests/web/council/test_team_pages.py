"""A council's team run by its managers: invite, change a role, disable; never another
team's member, never the last manager; officers can do none of it; operators invite the
first manager. Every change and refusal is audited."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from hub.access.models import StaffUser
from hub.cli import main
from tests.support.council import KENT, MEDWAY, audit_rows
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    field_error,
    invite,
    link_path,
    mails_to,
    new_address,
    own_address,
    sign_in,
    use_link,
)


def _user(db, email: str) -> StaffUser | None:
    with db.sessions() as s:
        return s.scalars(select(StaffUser).where(StaffUser.with_email(email))).first()


def _manager(client: FlaskClient, db, council: str = "Kent") -> str:
    own_address(client)
    return sign_in(client, db, council=council, role="manager")


def _post(client: FlaskClient, page: str, action: str, **form: str):
    got = client.get(page, headers=BROWSER)
    assert got.status_code == 200, (page, got.status_code)
    token = csrf_from(got.get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **form}, headers=BROWSER)


@pytest.fixture
def manager(client: FlaskClient, db) -> FlaskClient:
    _manager(client, db)
    return client


def test_a_manager_invites_an_officer_who_signs_in_by_the_emailed_link(manager, db, app) -> None:
    email = new_address()
    response = _post(manager, "/council/team", "/council/team/invite", email=email, role="officer")
    assert response.status_code == 303
    user = _user(db, email)
    assert user is not None and (user.scope_value, user.role) == (KENT, "officer")
    assert "You have been given access" in mails_to(email)[-1]
    [row] = audit_rows(db, action="invite_staff", outcome="ok")
    assert row.detail["user_id"] == user.id and row.detail["role"] == "officer"
    officer = app.test_client()
    assert use_link(officer, link_path(email)).status_code == 303
    assert officer.get("/council/", headers=BROWSER).status_code == 200


def test_a_duplicate_invitation_is_refused_on_the_field_and_changes_nothing(manager, db) -> None:
    email = new_address()
    _post(manager, "/council/team", "/council/team/invite", email=email, role="officer")
    again = _post(manager, "/council/team", "/council/team/invite", email=email, role="manager")
    assert again.status_code == 422
    assert "already on this team" in field_error(again.get_data(as_text=True), "email")
    assert _user(db, email).role == "officer"  # type: ignore[union-attr]
    assert len(mails_to(email)) == 1
    assert audit_rows(db, action="invite_staff", outcome="refused")


def test_an_address_on_another_councils_team_is_refused(manager, db) -> None:
    email = new_address()
    invite(email, council="Medway")
    response = _post(manager, "/council/team", "/council/team/invite", email=email, role="officer")
    assert response.status_code == 422
    assert "another team" in field_error(response.get_data(as_text=True), "email")
    assert _user(db, email).scope_value == MEDWAY  # type: ignore[union-attr]


def test_an_address_that_is_not_one_is_refused_on_the_field(manager, db) -> None:
    response = _post(manager, "/council/team", "/council/team/invite", email="not-an-address")
    assert response.status_code == 422
    assert "correct format" in field_error(response.get_data(as_text=True), "email")


def test_the_last_manager_can_neither_demote_nor_disable_themselves(client, db) -> None:
    email = _manager(client, db, council="Medway")
    me = _user(db, email)
    assert me is not None
    demote = _post(client, "/council/team", f"/council/team/{me.id}/role", role="officer")
    assert demote.status_code == 422
    assert "at least one manager" in field_error(demote.get_data(as_text=True), f"m{me.id}-role")
    disable = _post(client, "/council/team", f"/council/team/{me.id}/disable")
    assert disable.status_code == 422
    assert _user(db, email).role == "manager"  # type: ignore[union-attr]
    assert _user(db, email).disabled_at is None  # type: ignore[union-attr]
    assert len(audit_rows(db, action="change_staff_role", outcome="refused")) == 1
    assert len(audit_rows(db, action="disable_staff", outcome="refused")) == 1


def test_with_a_second_manager_the_first_can_step_down(client, db) -> None:
    email = _manager(client, db, council="Medway")
    other = new_address()
    _post(client, "/council/team", "/council/team/invite", email=other, role="manager")
    me = _user(db, email)
    assert me is not None
    response = _post(client, "/council/team", f"/council/team/{me.id}/role", role="officer")
    assert response.status_code == 303
    assert _user(db, email).role == "officer"  # type: ignore[union-attr]
    # Now an officer: the team page is the 404 page.
    assert client.get("/council/team", headers=BROWSER).status_code == 404


def test_a_manager_disables_an_officer_whose_session_ends(manager, db, app) -> None:
    email = new_address()
    _post(manager, "/council/team", "/council/team/invite", email=email, role="officer")
    officer = app.test_client()
    use_link(officer, link_path(email))
    user = _user(db, email)
    assert user is not None
    response = _post(manager, "/council/team", f"/council/team/{user.id}/disable")
    assert response.status_code == 303
    assert _user(db, email).disabled_at is not None  # type: ignore[union-attr]
    assert officer.get("/council/", headers=BROWSER).status_code == 303  # to sign-in
    assert audit_rows(db, action="disable_staff", outcome="ok")


def test_another_councils_member_is_not_found_and_audited(manager, db) -> None:
    email = new_address()
    invite(email, council="Medway", role="officer")
    stranger = _user(db, email)
    assert stranger is not None
    for action, form in (("role", {"role": "manager"}), ("disable", {})):
        path = f"/council/team/{stranger.id}/{action}"
        assert _post(manager, "/council/team", path, **form).status_code == 404
    assert len(audit_rows(db, action="change_staff_role", outcome="denied")) == 1
    assert len(audit_rows(db, action="disable_staff", outcome="denied")) == 1
    assert _user(db, email).role == "officer"  # type: ignore[union-attr]
    assert _user(db, email).disabled_at is None  # type: ignore[union-attr]


def test_an_officer_has_no_team_link_and_the_team_pages_are_not_found(client, db) -> None:
    own_address(client)
    sign_in(client, db, council="Kent", role="officer")
    home = client.get("/council/", headers=BROWSER).get_data(as_text=True)
    assert 'href="/council/team"' not in home and 'href="/council/subscriptions"' not in home
    assert client.get("/council/team", headers=BROWSER).status_code == 404
    token = csrf_from(home)
    response = client.post(
        "/council/team/invite",
        data={"csrf_token": token, "email": new_address(), "role": "manager"},
        headers=BROWSER,
    )
    assert response.status_code == 404
    assert len(audit_rows(db, action="open_page", outcome="denied")) == 2
    assert not audit_rows(db, action="invite_staff")


def test_an_operator_invites_a_councils_first_manager(client, db, app) -> None:
    own_address(client)
    sign_in(client, db, hub_operator=True)
    email = new_address()
    response = _post(client, "/ops/invitations", "/ops/invitations", council="Medway", email=email)
    assert response.status_code == 303
    user = _user(db, email)
    assert user is not None and (user.scope_value, user.role) == (MEDWAY, "manager")
    assert "as a manager for Medway." in mails_to(email)[-1]
    manager = app.test_client()
    use_link(manager, link_path(email))
    assert manager.get("/council/team", headers=BROWSER).status_code == 200


def test_an_operator_naming_an_unknown_council_is_told_on_the_field(client, db) -> None:
    own_address(client)
    sign_in(client, db, hub_operator=True)
    email = new_address()
    response = _post(
        client, "/ops/invitations", "/ops/invitations", council="E99999999", email=email
    )
    assert response.status_code == 422
    assert "No council" in field_error(response.get_data(as_text=True), "council")
    assert _user(db, email) is None
    assert not mails_to(email)


def test_a_council_manager_cannot_open_the_operators_invitation_page(manager, db) -> None:
    assert manager.get("/ops/invitations", headers=BROWSER).status_code == 404


def test_the_users_command_invites_a_manager_with_role_manager(db) -> None:
    email = new_address()
    result = CliRunner().invoke(
        main, ["users", "invite", email, "--council", "Kent", "--role", "manager"]
    )
    assert result.exit_code == 0, result.output
    assert "manager" in result.output
    assert _user(db, email).role == "manager"  # type: ignore[union-attr]
    other = new_address()
    CliRunner().invoke(main, ["users", "invite", other, "--council", "Kent"])
    assert _user(db, other).role == "officer"  # type: ignore[union-attr]
    refused = CliRunner().invoke(
        main, ["users", "invite", new_address(), "--hub-operator", "--role", "manager"]
    )
    assert refused.exit_code != 0


def test_a_delivery_bodys_manager_runs_its_own_team_the_same_way(client, db) -> None:
    own_address(client)
    sign_in(client, db, delivery_body="Achieving for Children", role="manager")
    email = new_address()
    response = _post(client, "/council/team", "/council/team/invite", email=email, role="officer")
    assert response.status_code == 303
    user = _user(db, email)
    assert user is not None
    assert (user.scope, user.scope_value, user.role) == (
        "delivery_body",
        "Achieving for Children",
        "officer",
    )
    assert "as an officer for Achieving for Children." in mails_to(email)[-1]


def test_a_disabled_member_invited_again_comes_back_without_old_sessions(manager, db, app) -> None:
    email = new_address()
    _post(manager, "/council/team", "/council/team/invite", email=email, role="officer")
    old = app.test_client()
    use_link(old, link_path(email))
    user = _user(db, email)
    assert user is not None
    _post(manager, "/council/team", f"/council/team/{user.id}/disable")
    again = _post(manager, "/council/team", "/council/team/invite", email=email, role="officer")
    assert again.status_code == 303
    assert _user(db, email).disabled_at is None  # type: ignore[union-attr]
    assert old.get("/council/", headers=BROWSER).status_code == 303  # the old session stays ended
    fresh = app.test_client()
    assert use_link(fresh, link_path(email)).status_code == 303
