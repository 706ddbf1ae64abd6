"""The Stage 1 checks the law names, as tasks: consulting the home council (reg 26(1A)(d)) and
a previous provider's reference (reg 26(1A)(b)), opened with the application."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from sqlalchemy import select, text

from hub.tracking.models import AssessmentTask
from tests.casework.support import field_errors, tray
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import journey, london, progress

OUT_OF_AREA = {"postcode": "ME4 4TR", "preferred_authority": "Kent"}  # lives in Medway
CONSULT = "home_council_consultation"
REFERENCE = "previous_provider_reference"


def applied(client: Any, db: Any, when: Any, **enquiry: Any) -> tuple[str, str]:
    """A Kent referral with its application recorded at ``when``."""
    with time_machine.travel(when, tick=False):
        reference = routed(client, db, **enquiry)
        token = token_for(db, KENT)
        assert progress(client, token, reference, "application").status_code == 200
    return reference, token


def tasks_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {task["kind"]: task for task in body["tasks"]}


def record(client: Any, token: str, reference: str, kind: str, **body: Any) -> Any:
    return client.post(
        f"/v1/council/referrals/{reference}/tasks/{kind}", headers=bearer(token), json=body
    )


def task_rows(db: Any) -> list[AssessmentTask]:
    with db.sessions() as s:
        return list(s.scalars(select(AssessmentTask).order_by(AssessmentTask.id)))


def test_an_application_from_another_councils_area_opens_the_consultation(client, db) -> None:
    # Tuesday 1 December 2026; 20 working days skip the weekends, Christmas Day (Friday 25th)
    # and Boxing Day's substitute (Monday 28th): due Thursday 31 December.
    reference, token = applied(client, db, london(2026, 12, 1, 10, 0), **OUT_OF_AREA)
    with time_machine.travel(london(2026, 12, 2, 10, 0), tick=False):
        task = tasks_of(journey(client, token, reference))[CONSULT]
    assert (task["status"], task["consulted_code"], task["opened_by"]) == (
        "open",
        MEDWAY,
        "application",
    )
    assert task["source"].endswith("reg 26(1A)(d)")
    assert (task["due_on"], task["due_basis"], task["overdue"]) == ("2026-12-31", "local", False)
    assert REFERENCE not in tasks_of(journey(client, token, reference))


def test_an_application_from_the_councils_own_area_opens_no_task(client, db) -> None:
    reference, token = applied(client, db, london(2026, 6, 1, 10, 0))
    assert journey(client, token, reference)["tasks"] == []


def test_a_forward_skip_past_the_application_opens_the_tasks_too(client, db) -> None:
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        reference = routed(client, db, **OUT_OF_AREA)
        token = token_for(db, KENT)
        assert progress(client, token, reference, "stage_two").status_code == 200
    assert CONSULT in tasks_of(journey(client, token, reference))


@pytest.mark.parametrize(("answer", "opened"), [("agency", True), ("council", True), ("no", False)])
def test_the_screening_answer_opens_the_previous_providers_reference(
    client, db, answer, opened
) -> None:
    reference, token = applied(
        client, db, london(2026, 6, 1, 10, 0), screening={"fostering_now": answer}
    )
    tasks = tasks_of(journey(client, token, reference))
    assert (REFERENCE in tasks) is opened
    if opened:
        assert tasks[REFERENCE]["opened_by"] == "screening"
        assert tasks[REFERENCE]["source"].endswith("reg 26(1A)(b)")


def test_a_council_opens_the_reference_itself_once_the_application_is_recorded(client, db) -> None:
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        url = f"/v1/council/referrals/{reference}/tasks"
        early = client.post(url, headers=bearer(token), json={"kind": REFERENCE})
        assert (early.status_code, early.get_json()["code"]) == (409, "no_application")
        progress(client, token, reference, "application")
        first = client.post(url, headers=bearer(token), json={"kind": REFERENCE})
        again = client.post(url, headers=bearer(token), json={"kind": REFERENCE})
    assert first.status_code == 201 and again.status_code == 201
    assert first.get_json()["opened_by"].startswith("token:")
    assert len(task_rows(db)) == 1
    wrong = client.post(url, headers=bearer(token), json={"kind": CONSULT})
    assert "kind" in field_errors(wrong)


def test_request_sent_then_views_received_close_the_task(client, db) -> None:
    reference, token = applied(client, db, london(2026, 6, 1, 10, 0), **OUT_OF_AREA)
    with time_machine.travel(london(2026, 6, 20, 10, 0), tick=False):
        sent = record(client, token, reference, CONSULT, request_sent_on="2026-06-02")
        assert (sent.status_code, sent.get_json()["status"]) == (200, "requested")
        done = record(
            client, token, reference, CONSULT, received_on="2026-06-19", note="No concerns known"
        )
    body = done.get_json()
    assert (body["status"], body["request_sent_on"], body["received_on"]) == (
        "done",
        "2026-06-02",
        "2026-06-19",
    )
    assert body["note"] == "No concerns known"
    with db.engine.connect() as conn:  # the note is encrypted at rest
        stored = conn.execute(text("SELECT note FROM assessment_tasks")).scalar_one()
    assert "concerns" not in stored
    (row,) = [r for r in audit_rows(db, action="record_task") if r.detail["status"] == "done"]
    assert (row.outcome, row.enquiry_reference) == ("ok", reference)
    assert "No concerns" not in str(row.detail)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"request_sent_on": "2026-05-31"}, "request_sent_on", "on or after the application"),
        ({"request_sent_on": "2026-06-21"}, "request_sent_on", "not in the future"),
        ({"received_on": "2026-06-10"}, "received_on", "request was sent first"),
        (
            {"request_sent_on": "2026-06-10", "received_on": "2026-06-09"},
            "received_on",
            "on or after the request was sent",
        ),
    ],
)
def test_days_out_of_order_are_field_errors_and_nothing_is_stored(
    client, db, body, field, words
) -> None:
    reference, token = applied(client, db, london(2026, 6, 1, 10, 0), **OUT_OF_AREA)
    with time_machine.travel(london(2026, 6, 20, 10, 0), tick=False):
        response = record(client, token, reference, CONSULT, **body)
    assert response.status_code == 422
    assert words in field_errors(response)[field]
    (task,) = task_rows(db)
    assert (task.status, task.request_sent_on, task.received_on) == ("open", None, None)
    (row,) = audit_rows(db, action="record_task")
    assert row.outcome == "refused"


def test_another_council_cannot_record_the_task_404_and_denied(client, db) -> None:
    reference, _ = applied(client, db, london(2026, 6, 1, 10, 0), **OUT_OF_AREA)
    medway = token_for(db, MEDWAY)  # the home council itself, which does not hold it
    with time_machine.travel(london(2026, 6, 20, 10, 0), tick=False):
        response = record(client, medway, reference, CONSULT, request_sent_on="2026-06-02")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    (row,) = audit_rows(db, action="record_task")
    assert (row.outcome, row.enquiry_reference, row.actor_scope) == (
        "denied",
        reference,
        f"authority:{MEDWAY}",
    )
    (task,) = task_rows(db)
    assert task.request_sent_on is None


def test_the_council_that_transferred_the_referral_away_can_no_longer_close_its_task(
    client, db
) -> None:
    reference, kent = applied(
        client, db, london(2026, 6, 1, 10, 0), screening={"fostering_now": "agency"}
    )
    with time_machine.travel(london(2026, 6, 2, 10, 0), tick=False):
        moved = client.post(
            f"/v1/council/referrals/{reference}/transfer",
            json={"authority": MEDWAY, "reason": "Moving to Medway"},
            headers=bearer(kent),
        )
        assert moved.status_code == 200, moved.get_json()
        response = record(client, kent, reference, REFERENCE, request_sent_on="2026-06-02")
    assert response.status_code == 404
    (row,) = audit_rows(db, action="record_task")
    assert (row.outcome, row.actor_scope) == ("denied", f"authority:{KENT}")


def test_a_task_not_received_by_its_due_day_is_overdue_on_the_journey_and_the_tray(
    client, db
) -> None:
    reference, token = applied(client, db, london(2026, 6, 1, 10, 0), **OUT_OF_AREA)
    due_on = tasks_of(journey(client, token, reference))[CONSULT]["due_on"]
    assert due_on == "2026-06-29"  # 20 working days after Monday 1 June
    with time_machine.travel(london(2026, 6, 29, 23, 0), tick=False):
        assert not tasks_of(journey(client, token, reference))[CONSULT]["overdue"]
        (item,) = tray(client, token).get_json()["items"]
        assert "task_overdue" not in item["flags"]
    with time_machine.travel(london(2026, 6, 30, 9, 0), tick=False):
        assert tasks_of(journey(client, token, reference))[CONSULT]["overdue"]
        (item,) = tray(client, token).get_json()["items"]
        assert "task_overdue" in item["flags"]
        record(client, token, reference, CONSULT, request_sent_on="2026-06-02")
        record(client, token, reference, CONSULT, received_on="2026-06-30")
        (item,) = tray(client, token).get_json()["items"]
    assert "task_overdue" not in item["flags"]


def test_a_task_of_a_withdrawn_journey_is_not_overdue(client, db) -> None:
    reference, token = applied(client, db, london(2026, 6, 1, 10, 0), **OUT_OF_AREA)
    with time_machine.travel(london(2026, 6, 3, 10, 0), tick=False):
        withdrawn = progress(client, token, reference, "withdrawn", reason="timing")
        assert withdrawn.status_code == 200, withdrawn.get_json()
    with time_machine.travel(london(2026, 7, 30, 10, 0), tick=False):
        task = tasks_of(journey(client, token, reference))[CONSULT]
    assert task["status"] != "done" and task["overdue"] is False


def test_a_referral_transferred_to_the_home_council_has_no_one_left_to_consult(client, db) -> None:
    reference, kent = applied(client, db, london(2026, 6, 1, 10, 0), **OUT_OF_AREA)
    with time_machine.travel(london(2026, 6, 2, 10, 0), tick=False):
        moved = client.post(
            f"/v1/council/referrals/{reference}/transfer",
            json={"authority": MEDWAY, "reason": "The applicant prefers their own council"},
            headers=bearer(kent),
        )
        assert moved.status_code == 200, moved.get_json()
        medway = token_for(db, MEDWAY)
        assert journey(client, medway, reference)["tasks"] == []
        response = record(client, medway, reference, CONSULT, request_sent_on="2026-06-02")
    assert response.status_code == 404
    with time_machine.travel(london(2026, 7, 30, 10, 0), tick=False):
        (item,) = tray(client, medway).get_json()["items"]
    assert "task_overdue" not in item["flags"]
