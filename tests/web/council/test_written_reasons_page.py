"""The council page records written reasons with a stop or a refusal, and shows the clocks'
basis (law, National Minimum Standards, or the council's own target)."""

from __future__ import annotations

import time_machine
from flask.testing import FlaskClient

from tests.support.council import KENT, routed, token_for
from tests.tracking.support import journey, london, progress
from tests.web.staff_support import BROWSER, csrf_from, own_address, sign_in


def _signed_in(client: FlaskClient, db) -> FlaskClient:
    own_address(client)
    sign_in(client, db, council="Kent")
    return client


def _post(client: FlaskClient, reference: str, **form: str):
    path = f"/council/referrals/{reference}"
    token = csrf_from(client.get(path, headers=BROWSER).get_data(as_text=True))
    return client.post(f"{path}/progress", data={"csrf_token": token, **form}, headers=BROWSER)


def test_not_progressed_without_written_reasons_is_an_error_on_the_date(client, db) -> None:
    kent = _signed_in(client, db)
    reference = routed(kent, db)
    response = _post(kent, reference, stage="not_progressed", reason="suitability")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#reasons-sent"' in page
    assert "needs the day written reasons were sent" in page
    assert journey(kent, token_for(db, KENT), reference)["stages"] == []


def test_not_progressed_with_the_day_written_reasons_were_sent_is_recorded(client, db) -> None:
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        kent = _signed_in(client, db)
        reference = routed(kent, db)
        response = _post(
            kent,
            reference,
            stage="not_progressed",
            reason="suitability",
            **{"reasons-sent-day": "2", "reasons-sent-month": "3", "reasons-sent-year": "2026"},
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        page = kent.get(f"/council/referrals/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "written reasons sent 2 March 2026" in page
    last = journey(kent, token_for(db, KENT), reference)["stages"][-1]
    assert last["written_reasons_sent_on"] == "2026-03-02"


def test_written_reasons_before_the_stage_day_are_refused_on_the_date(client, db) -> None:
    with time_machine.travel(london(2026, 3, 4, 10, 0), tick=False):
        kent = _signed_in(client, db)
        reference = routed(kent, db)
        response = _post(
            kent,
            reference,
            stage="not_progressed",
            reason="suitability",
            **{"reasons-sent-day": "3", "reasons-sent-month": "3", "reasons-sent-year": "2026"},
        )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must be on or after the stage date" in page


def test_the_page_says_which_targets_are_law_and_which_are_the_council_s(client, db) -> None:
    kent = _signed_in(client, db)
    reference = routed(kent, db)
    progress(kent, token_for(db, KENT), reference, "application")
    page = kent.get(f"/council/referrals/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "National Minimum Standards" in page  # panel within 8 months
    assert "Your council&#39;s own target" in page  # first contact
