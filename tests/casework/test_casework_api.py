"""The casework API: the tray, owners, contact attempts, notes and closing as no response."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import text

from hub.access.models import StaffRole
from hub.platform.models import utcnow
from tests.casework.support import attempt, casework, field_errors, staff_id, tray
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import clocks_of, journey, london, progress


def _owner(client, token, reference, user_id=None):
    body = {} if user_id is None else {"user_id": user_id}
    return client.post(f"/v1/council/referrals/{reference}/owner", headers=bearer(token), json=body)


# -- the tray -----------------------------------------------------------------------------


def test_the_tray_lists_what_is_due_first_with_stage_owner_and_flags(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        older = routed(client, db)  # first contact due by the end of Tuesday 24th
        traveller.shift(timedelta(days=1))
        newer = routed(client, db)  # due by the end of Wednesday 25th
        elsewhere = routed(client, db, postcode="ME4 4TR")
        token = token_for(db, KENT)
        progress(client, token, newer, "first_contact")  # no running first-contact clock now
        later = routed(client, db)  # due by the end of Wednesday 25th, after `newer`'s none
        response = tray(client, token)
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    # `newer` has only its initial-visit clock (10 working days): due last.
    assert [i["reference"] for i in items] == [older, later, newer]
    assert elsewhere not in {i["reference"] for i in items}
    first = items[0]
    assert first["stage"] is None and first["owner"] is None
    assert first["next_due_at"] is not None and first["given_name"]
    assert "not_yet_contacted" in first["flags"]
    assert items[2]["stage"] == "first_contact" and "not_yet_contacted" not in items[2]["flags"]
    (row,) = audit_rows(db, action="list_tray")
    assert row.detail["references"] == [older, later, newer]


def test_a_breached_clock_is_flagged_and_filtered(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        late = routed(client, db)
        token = token_for(db, KENT)
        traveller.shift(timedelta(days=3))  # Thursday: Tuesday's deadline has passed
        fresh = routed(client, db)
        breached = tray(client, token, clock="breached").get_json()["items"]
        running = tray(client, token, clock="running").get_json()["items"]
    assert [i["reference"] for i in breached] == [late]
    assert "clock_breached" in breached[0]["flags"]
    assert [i["reference"] for i in running] == [fresh]


def test_tray_views_filters_and_pages(client, db) -> None:
    references = [routed(client, db) for _ in range(3)]
    token = token_for(db, KENT, manage=True)
    officer = staff_id(db, "Kent")
    assert _owner(client, token, references[1], officer).status_code == 200
    unallocated = tray(client, token, view="unallocated").get_json()["items"]
    assert {i["reference"] for i in unallocated} == {references[0], references[2]}
    owned = tray(client, token, owner=str(officer)).get_json()["items"]
    assert [i["reference"] for i in owned] == [references[1]]
    assert owned[0]["owner"]["user_id"] == officer
    assert tray(client, token, owner="none").get_json()["items"] == unallocated
    assert tray(client, token, stage="none").get_json()["items"] != []
    assert tray(client, token, stage="first_contact").get_json()["items"] == []
    first = tray(client, token, limit="2").get_json()
    second = tray(client, token, limit="2", cursor=first["next_cursor"]).get_json()
    seen = [i["reference"] for i in first["items"] + second["items"]]
    assert sorted(seen) == sorted(references) and second["next_cursor"] is None


def test_the_tray_filters_by_the_day_received(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        monday = routed(client, db)
        traveller.shift(timedelta(days=1))
        tuesday = routed(client, db)
        token = token_for(db, KENT)
        only_tuesday = tray(client, token, **{"from": "2026-11-24"}).get_json()["items"]
        only_monday = tray(client, token, to="2026-11-23").get_json()["items"]
        backwards = tray(client, token, **{"from": "2026-11-24", "to": "2026-11-23"})
    assert [i["reference"] for i in only_tuesday] == [tuesday]
    assert [i["reference"] for i in only_monday] == [monday]
    assert backwards.status_code == 422 and "to" in field_errors(backwards)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"view": "everyone"}, "view"),
        ({"stage": "lunch"}, "stage"),
        ({"owner": "someone"}, "owner"),
        ({"clock": "late"}, "clock"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_a_bad_tray_filter_is_a_field_error(client, db, query, field) -> None:
    response = tray(client, token_for(db, KENT), **query)
    assert response.status_code == 422
    assert field in field_errors(response)


# -- owners -------------------------------------------------------------------------------


def test_a_manager_assigns_and_reassigns_and_each_is_audited_without_a_reason(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT, manage=True)
    first, second = staff_id(db, "Kent"), staff_id(db, "Kent", StaffRole.MANAGER)
    assert _owner(client, token, reference, first).get_json()["changed"] is True
    assert casework(client, token, reference)["owner"]["user_id"] == first
    assert _owner(client, token, reference, second).status_code == 200
    assert casework(client, token, reference)["owner"]["user_id"] == second
    rows = audit_rows(db, action="assign_owner")
    assert [r.detail["owner"] for r in rows] == [f"user:{first}", f"user:{second}"]
    assert rows[1].detail["previous"] == f"user:{first}"
    assert all("reason" not in r.detail for r in rows)


def test_another_councils_officer_cannot_be_the_owner(client, db) -> None:
    reference = routed(client, db)
    medway_officer = staff_id(db, "Medway")
    response = _owner(client, token_for(db, KENT, manage=True), reference, medway_officer)
    assert response.status_code == 422
    assert field_errors(response) == {
        "user_id": "Choose someone on a team that holds this referral."
    }
    assert casework(client, token_for(db, KENT), reference)["owner"] is None
    (row,) = audit_rows(db, action="assign_owner")
    assert row.outcome == "refused"


def test_an_unknown_staff_id_is_the_same_field_error(client, db) -> None:
    reference = routed(client, db)
    response = _owner(client, token_for(db, KENT, manage=True), reference, 987654)
    assert response.status_code == 422 and "user_id" in field_errors(response)


def test_only_a_manager_assigns_and_a_token_cannot_take(client, db) -> None:
    reference = routed(client, db)
    officer = staff_id(db, "Kent")
    assert _owner(client, token_for(db, KENT), reference, officer).status_code == 403
    taking = _owner(client, token_for(db, KENT, manage=True), reference)
    assert taking.status_code == 422 and "user_id" in field_errors(taking)
    bad = _owner(client, token_for(db, KENT, manage=True), reference, "seven")
    assert bad.status_code == 422 and "user_id" in field_errors(bad)


def test_a_transfer_away_clears_the_owner(client, db) -> None:
    reference = routed(client, db)
    kent = token_for(db, KENT, manage=True)
    assert _owner(client, kent, reference, staff_id(db, "Kent")).status_code == 200
    moved = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(kent),
        json={"authority": MEDWAY, "reason": "Closer to family"},
    )
    assert moved.status_code == 200, moved.get_json()
    medway = token_for(db, MEDWAY)
    assert casework(client, medway, reference)["owner"] is None
    assert [
        i["reference"] for i in tray(client, medway, view="unallocated").get_json()["items"]
    ] == [reference]


def test_a_return_to_the_hub_clears_the_owner(client, db) -> None:
    from hub.referrals.route_enquiry import route_enquiry
    from tests.support.council import enquiry_id_of

    reference = routed(client, db)
    kent = token_for(db, KENT, manage=True)
    assert _owner(client, kent, reference, staff_id(db, "Kent")).status_code == 200
    back = client.post(
        f"/v1/council/referrals/{reference}/return",
        headers=bearer(kent),
        json={"reason": "out_of_area"},
    )
    assert back.status_code == 200, back.get_json()
    with db.transaction() as session:  # the hub routes it again (to Kent, by its postcode)
        session.execute(
            text("UPDATE enquiries SET status = 'received' WHERE reference = :r"), {"r": reference}
        )
    route_enquiry(db, enquiry_id_of(db, reference))
    assert casework(client, kent, reference)["owner"] is None


# -- contact attempts ---------------------------------------------------------------------


def test_the_first_reached_attempt_records_first_contact_and_meets_the_clock(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        traveller.shift(timedelta(hours=2))
        assert attempt(client, token, reference).get_json()["first_contact"] is False
        reached = attempt(client, token, reference, outcome="reached", note="Keen, call Fri")
        again = attempt(client, token, reference, outcome="reached")
        body = journey(client, token, reference)
    assert reached.status_code == 201, reached.get_json()
    assert reached.get_json()["first_contact"] is True
    assert again.get_json()["first_contact"] is False
    assert [s["stage"] for s in body["stages"]] == ["first_contact"]
    assert clocks_of(body)["first_contact"]["state"] == "met"
    (row, *_) = audit_rows(db, action="record_contact")
    assert "note" not in row.detail and "Keen" not in str(row.detail)


def test_an_officer_can_say_a_reached_attempt_was_not_the_first_contact(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    response = attempt(client, token, reference, outcome="reached", first_contact=False)
    assert response.status_code == 201 and response.get_json()["first_contact"] is False
    assert journey(client, token, reference)["stages"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"attempted_at": "2099-01-01T10:00:00+00:00"}, "attempted_at"),
        ({"attempted_at": "2020-01-01T10:00:00+00:00"}, "attempted_at"),
        ({"channel": "pigeon"}, "channel"),
        ({"outcome": "maybe"}, "outcome"),
        ({"note": "x" * 2001}, "note"),
        ({"first_contact": "yes"}, "first_contact"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_contact_attempt_is_a_field_error(client, db, body, field) -> None:
    reference = routed(client, db)
    response = attempt(client, token_for(db, KENT), reference, **body)
    assert response.status_code == 422, response.get_json()
    assert field in field_errors(response)
    assert casework(client, token_for(db, KENT), reference)["attempts"] == []


def test_an_attempt_on_a_referral_transferred_away_is_404(client, db) -> None:
    reference = routed(client, db)
    kent = token_for(db, KENT)
    client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(kent),
        json={"authority": MEDWAY, "reason": "Closer to family"},
    )
    assert attempt(client, kent, reference).status_code == 404
    (row,) = audit_rows(db, action="record_contact")
    assert row.outcome == "denied"


def test_the_new_holder_does_not_see_the_old_holders_log_or_notes(client, db) -> None:
    reference = routed(client, db)
    kent = token_for(db, KENT)
    attempt(client, kent, reference)
    client.post(
        f"/v1/council/referrals/{reference}/notes", headers=bearer(kent), json={"text": "A"}
    )
    client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(kent),
        json={"authority": MEDWAY, "reason": "Closer to family"},
    )
    seen = casework(client, token_for(db, MEDWAY), reference)
    assert seen["attempts"] == [] and seen["notes"] == []


def _sent(db) -> tuple[int, int]:
    """How many deliveries (webhooks, e-mails) and outbox messages (tasks) there are."""
    with db.engine.connect() as conn:
        deliveries = conn.execute(text("SELECT count(*) FROM deliveries")).scalar_one()
        messages = conn.execute(text("SELECT count(*) FROM outbox_messages")).scalar_one()
    return int(deliveries), int(messages)


# -- notes --------------------------------------------------------------------------------


def test_notes_are_encrypted_newest_first_and_audited_without_their_text(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    before = _sent(db)
    with time_machine.travel(utcnow() + timedelta(minutes=1), tick=False) as traveller:
        for words in ("Lives with Sam", "Prefers evenings"):
            posted = client.post(
                f"/v1/council/referrals/{reference}/notes",
                headers=bearer(token),
                json={"text": words},
            )
            assert posted.status_code == 201, posted.get_json()
            traveller.shift(timedelta(minutes=1))
        notes = casework(client, token, reference)["notes"]
    assert [n["text"] for n in notes] == ["Prefers evenings", "Lives with Sam"]
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM case_notes")).scalars().all()
    assert stored and all("Sam" not in s and "evenings" not in s for s in stored)
    rows = audit_rows(db, action="add_note")
    assert len(rows) == 2 and all("Sam" not in str(r.detail) for r in rows)
    assert _sent(db) == before  # no webhook, e-mail or task follows a note


@pytest.mark.parametrize(("body", "field"), [({"text": "x" * 2001}, "text"), ({}, "text")])
def test_a_bad_note_is_a_field_error(client, db, body, field) -> None:
    reference = routed(client, db)
    response = client.post(
        f"/v1/council/referrals/{reference}/notes", headers=bearer(token_for(db, KENT)), json=body
    )
    assert response.status_code == 422 and field in field_errors(response)


# -- closing as no response ---------------------------------------------------------------


def test_no_response_needs_two_attempts_on_two_working_days_then_a_manager(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        reference = routed(client, db)
        officer, manager = token_for(db, KENT), token_for(db, KENT, manage=True)
        close = f"/v1/council/referrals/{reference}/no-response"
        assert attempt(client, officer, reference).status_code == 201
        early = client.post(close, headers=bearer(officer))
        traveller.shift(timedelta(days=1))
        assert attempt(client, officer, reference, outcome="voicemail_left").status_code == 201
        asked = client.post(close, headers=bearer(officer))
        again = client.post(close, headers=bearer(officer))
        waiting = casework(client, officer, reference)["no_response"]
        closed = client.post(close, headers=bearer(manager))
        body = journey(client, manager, reference)
    assert early.status_code == 422
    assert early.get_json()["missing"] == "1 more attempt on another working day"
    assert asked.get_json()["state"] == "requested"
    assert again.status_code == 409
    assert waiting["waiting_for_manager"] is True
    assert closed.get_json()["state"] == "closed", closed.get_json()
    assert (body["stage"], body["stages"][-1]["reason"]) == ("not_progressed", "no_response")
    assert clocks_of(body)["first_contact"]["state"] == "stopped"
    assert [r.action for r in audit_rows(db, outcome="ok") if "no_response" in r.action] == [
        "request_no_response",
        "close_no_response",
    ]


def test_progress_refuses_no_response_so_the_rule_cannot_be_skipped(client, db) -> None:
    reference = routed(client, db)
    response = progress(
        client, token_for(db, KENT), reference, "not_progressed", reason="no_response"
    )
    assert response.status_code == 422
    assert "reason" in field_errors(response)


# -- another council ----------------------------------------------------------------------

CALLS = {
    "read_casework": ("GET", "/casework", None),
    "assign_owner": ("POST", "/owner", {"user_id": 1}),
    "record_contact": ("POST", "/contact-attempts", {"channel": "phone", "outcome": "no_answer"}),
    "add_note": ("POST", "/notes", {"text": "Hello"}),
    "close_no_response": ("POST", "/no-response", None),
}


@pytest.mark.parametrize("action", list(CALLS))
def test_another_councils_referral_is_404_and_audited_as_denied(client, db, action) -> None:
    kents = routed(client, db)
    method, suffix, body = CALLS[action]
    response = client.open(
        f"/v1/council/referrals/{kents}{suffix}",
        method=method,
        headers=bearer(token_for(db, MEDWAY, manage=True)),
        json=body,
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    (row,) = audit_rows(db, action=action)
    assert (row.outcome, row.enquiry_reference) == ("denied", kents)


def test_a_tokens_own_view_is_empty(client, db) -> None:
    routed(client, db)
    response = tray(client, token_for(db, KENT), view="mine")
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_another_councils_referrals_are_not_in_the_tray(client, db) -> None:
    routed(client, db)
    assert tray(client, token_for(db, MEDWAY)).get_json()["items"] == []


def test_no_response_cannot_be_asked_for_once_the_journey_has_ended(client, db) -> None:
    with time_machine.travel(london(2026, 11, 23, 9), tick=False) as traveller:
        reference = routed(client, db)
        officer = token_for(db, KENT)
        attempt(client, officer, reference)
        traveller.shift(timedelta(days=1))
        attempt(client, officer, reference)
        progress(client, officer, reference, "withdrawn", reason="timing")
        asked = client.post(
            f"/v1/council/referrals/{reference}/no-response", headers=bearer(officer)
        )
    assert asked.status_code == 409 and asked.get_json()["code"] == "stage_not_allowed"
