"""The referral page's Stage 1 tasks: see the consultation, record the request and the views,
days out of order shown on their boxes, another council's task a 404 page, audited; the
duty tray flags an overdue task; the Ofsted return is in the staff navigation."""

from __future__ import annotations

import time_machine
from flask.testing import FlaskClient

from tests.support.council import KENT, MEDWAY, audit_rows, routed, token_for
from tests.tracking.support import journey, london, progress
from tests.web.staff_support import BROWSER, csrf_from, own_address, sign_in

OUT_OF_AREA = {"postcode": "ME4 4TR", "preferred_authority": "Kent"}  # lives in Medway
CONSULT = "home_council_consultation"


def _signed_in(client: FlaskClient, db, council: str = "Kent") -> FlaskClient:
    own_address(client)
    sign_in(client, db, council=council)
    return client


def _applied(client: FlaskClient, db) -> str:
    reference = routed(client, db, **OUT_OF_AREA)
    assert progress(client, token_for(db, KENT), reference, "application").status_code == 200
    return reference


def _post(client: FlaskClient, path: str, **form: str):
    page = client.get(path.rsplit("/tasks", 1)[0], headers=BROWSER).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(page), **form}, headers=BROWSER)


def _day(part: str, day: int, month: int, year: int) -> dict[str, str]:
    prefix = f"task-{CONSULT}-{part}"
    return {f"{prefix}-day": str(day), f"{prefix}-month": str(month), f"{prefix}-year": str(year)}


def test_the_consultation_is_seen_and_recorded_on_the_referral_page(client, db) -> None:
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        reference = _applied(client, db)
    with time_machine.travel(london(2026, 6, 10, 10, 0), tick=False):
        kent = _signed_in(client, db)
        path = f"/council/referrals/{reference}"
        page = kent.get(path, headers=BROWSER).get_data(as_text=True)
        assert "Consult the home council" in page and "Medway" in page
        assert "regulation 26(1A)(b)" in page  # the offer to open a previous provider's reference
        assert "own target; the regulations set no deadline" in page
        sent = _post(kent, f"{path}/tasks/{CONSULT}", **_day("sent", 2, 6, 2026))
        assert sent.status_code == 303, sent.get_data(as_text=True)[:400]
        back = _post(kent, f"{path}/tasks/{CONSULT}", **_day("received", 9, 6, 2026))
        assert back.status_code == 303
        page = kent.get(path, headers=BROWSER).get_data(as_text=True)
    assert "2 June 2026" in page and "9 June 2026" in page and "Received" in page
    (task,) = journey(kent, token_for(db, KENT), reference)["tasks"]
    assert (task["status"], task["request_sent_on"], task["received_on"]) == (
        "done",
        "2026-06-02",
        "2026-06-09",
    )


def test_a_day_before_the_application_is_an_error_on_its_boxes(client, db) -> None:
    with time_machine.travel(london(2026, 6, 3, 10, 0), tick=False):
        kent = _signed_in(client, db)
        reference = _applied(kent, db)
        response = _post(
            kent,
            f"/council/referrals/{reference}/tasks/{CONSULT}",
            **_day("sent", 1, 6, 2026),
        )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#task-{CONSULT}-sent"' in page
    assert "on or after the application" in page
    (task,) = journey(kent, token_for(db, KENT), reference)["tasks"]
    assert task["request_sent_on"] is None


def test_another_councils_task_is_the_404_page_and_audited_as_denied(client, db) -> None:
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        reference = _applied(client, db)
        medway = _signed_in(client, db, council="Medway")
        page = medway.get("/council/referrals", headers=BROWSER).get_data(as_text=True)
        response = medway.post(
            f"/council/referrals/{reference}/tasks/{CONSULT}",
            data={"csrf_token": csrf_from(page), **_day("sent", 1, 6, 2026)},
            headers=BROWSER,
        )
    assert response.status_code == 404
    (row,) = audit_rows(db, action="record_task")
    assert (row.outcome, row.enquiry_reference, row.actor_scope) == (
        "denied",
        reference,
        f"authority:{MEDWAY}",
    )


def test_the_tray_shows_an_overdue_task_and_the_navigation_has_the_ofsted_return(
    client, db
) -> None:
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        _applied(client, db)
    with time_machine.travel(london(2026, 6, 30, 10, 0), tick=False):
        kent = _signed_in(client, db)
        page = kent.get("/council/tray", headers=BROWSER).get_data(as_text=True)
    assert "Stage 1 task overdue" in page
    assert 'href="/council/reports/ofsted"' in page
