"""The journey as the regulations and the standards shape it: Stage 1 from the checks, the
decision maker's 7 working days, a brief report's and a refusal's windows, written reasons."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import time_machine
from sqlalchemy import func, select

import hub.tracking.record_stage as record_stage
from hub.rules import get_active_rules
from hub.rules.tracking_policy import CouncilTracking
from hub.tracking.models import JourneyStage
from hub.tracking.sweep_clocks import sweep_clocks
from tests.support.council import KENT, MEDWAY, audit_rows, routed, token_for
from tests.tracking.support import clocks_of, journey, london, progress


def stage_rows(db: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(JourneyStage)) or 0)


def applied(client: Any, db: Any, when: Any) -> tuple[str, str]:
    """A Kent referral with its application recorded at ``when``."""
    with time_machine.travel(when, tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        assert progress(client, token, reference, "application").status_code == 200
    return reference, token


def test_the_stage_one_clock_starts_when_the_checks_arrive_not_at_the_application(
    client, db
) -> None:
    reference, token = applied(client, db, london(2026, 12, 1, 10, 0))
    assert "stage_one" not in clocks_of(journey(client, token, reference))
    # Thursday 24 December 2026: Christmas Day, Boxing Day's substitute (Monday 28th) and
    # New Year's Day are not working days, nor the weekends: 10 working days end on 12 January.
    with time_machine.travel(london(2026, 12, 24, 15, 0), tick=False):
        body = progress(client, token, reference, "stage_one_checks_received").get_json()
    clock = clocks_of(body)["stage_one"]
    assert (clock["target"], clock["state"], clock["basis"]) == (
        "10 working days",
        "running",
        "local",
    )
    assert clock["due_at"] == "2027-01-13T00:00:00+00:00"  # the end of Tuesday 12 January
    with time_machine.travel(london(2027, 1, 12, 16, 0), tick=False):
        met = progress(client, token, reference, "stage_one").get_json()
    assert (clocks_of(met)["stage_one"]["state"], clocks_of(met)["stage_one"]["on_time"]) == (
        "met",
        True,
    )


def test_checks_received_before_the_application_is_a_field_error_and_nothing_is_stored(
    client, db
) -> None:
    reference, token = applied(client, db, london(2026, 6, 10, 10, 0))
    before = stage_rows(db)
    with time_machine.travel(london(2026, 6, 20, 10, 0), tick=False):
        response = progress(
            client,
            token,
            reference,
            "stage_one_checks_received",
            occurred_at=london(2026, 6, 9, 10, 0),
        )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    (error,) = response.get_json()["errors"]
    assert error["field"] == "occurred_at" and "before the application" in error["message"]
    assert stage_rows(db) == before


def test_panel_is_due_within_8_months_of_the_application_as_the_standards_say(client, db) -> None:
    reference, token = applied(client, db, london(2026, 1, 30, 10, 0))
    panel = clocks_of(journey(client, token, reference))["panel"]
    assert (panel["target"], panel["basis"]) == ("8 months", "national_minimum_standards")
    assert "14.4" in panel["source"]
    assert panel["due_at"] == "2026-09-30T23:00:00+00:00"  # the end of 30 September (BST)


def test_the_decision_maker_has_7_working_days_from_panel_across_a_bank_holiday(client, db) -> None:
    reference, token = applied(client, db, london(2026, 1, 5, 10, 0))
    # Friday 22 May 2026; Monday 25 May is the spring bank holiday.
    with time_machine.travel(london(2026, 5, 22, 14, 0), tick=False):
        body = progress(client, token, reference, "panel").get_json()
    adm = clocks_of(body)["adm_decision"]
    assert (adm["target"], adm["basis"]) == ("7 working days", "national_minimum_standards")
    assert adm["due_at"] == "2026-06-03T23:00:00+00:00"  # the end of Wednesday 3 June
    assert "adm_decision" in body["allowed_stages"] and "refused" in body["allowed_stages"]
    with time_machine.travel(london(2026, 6, 4, 10, 0), tick=False):
        late = progress(client, token, reference, "adm_decision").get_json()
    assert (clocks_of(late)["adm_decision"]["state"], late["allowed_stages"][0]) == (
        "breached",
        "approved",
    )


def test_a_refusal_needs_written_reasons_meets_the_decision_clock_and_opens_28_days(
    client, db
) -> None:
    reference, token = applied(client, db, london(2026, 1, 5, 10, 0))
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        progress(client, token, reference, "panel")
    with time_machine.travel(london(2026, 6, 4, 10, 0), tick=False):
        missing = progress(client, token, reference, "refused")
        early = progress(client, token, reference, "refused", written_reasons_sent_on="2026-06-03")
        both = progress(
            client,
            token,
            reference,
            "refused",
            written_reasons_sent_on="2026-06-04",
            written_reasons_not_sent="other",
        )
        stored = stage_rows(db)
        body = progress(
            client, token, reference, "refused", written_reasons_sent_on="2026-06-04"
        ).get_json()
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "written_reasons_sent_on"
    assert early.status_code == 422
    assert early.get_json()["errors"] == [
        {
            "field": "written_reasons_sent_on",
            "message": "written_reasons_sent_on is before the decision they explain (2026-06-04).",
        }
    ]
    assert both.status_code == 422
    assert both.get_json()["errors"][0]["field"] == "written_reasons_not_sent"
    assert stored == 2  # application and panel only: the refused answers stored nothing
    assert body["stages"][-1]["written_reasons_sent_on"] == "2026-06-04"
    clocks = clocks_of(body)
    assert clocks["adm_decision"]["state"] == "met"
    window = clocks["representations"]
    assert (window["target"], window["basis"], window["state"]) == ("28 days", "law", "window_open")
    assert window["due_at"] == "2026-07-02T23:00:00+00:00"  # the end of 2 July
    assert body["allowed_stages"] == ["approved", "withdrawn", "not_progressed"]
    # A window is the applicant's time: the sweep never breaches or announces it.
    with time_machine.travel(london(2026, 7, 10, 10, 0), tick=False):
        assert sweep_clocks(db).breached == 0
        closed = clocks_of(journey(client, token, reference))["representations"]
    assert closed["state"] == "window_closed"


def test_a_brief_report_gives_10_working_days_for_observations_then_goes_to_panel(
    client, db
) -> None:
    reference, token = applied(client, db, london(2026, 3, 2, 10, 0))
    # Thursday 2 April 2026: Good Friday (3rd) and Easter Monday (6th) are not working days,
    # so the tenth working day is Monday 20 April.
    with time_machine.travel(london(2026, 4, 2, 10, 0), tick=False):
        body = progress(client, token, reference, "brief_report").get_json()
    window = clocks_of(body)["observations"]
    assert (window["target"], window["basis"], window["state"]) == (
        "10 working days",
        "law",
        "window_open",
    )
    assert window["due_at"] == "2026-04-20T23:00:00+00:00"  # the end of Monday 20 April
    assert body["allowed_stages"] == ["panel", "withdrawn", "not_progressed"]
    with time_machine.travel(london(2026, 4, 20, 10, 0), tick=False):
        assert progress(client, token, reference, "panel").status_code == 200


def test_a_brief_report_needs_an_application_and_comes_before_panel(client, db) -> None:
    token = token_for(db, KENT)
    reference = routed(client, db)
    assert progress(client, token, reference, "brief_report").status_code == 409
    progress(client, token, reference, "panel")
    late = progress(client, token, reference, "brief_report")
    assert late.status_code == 409 and "brief_report" not in late.get_json()["allowed_stages"]


def test_not_progressed_takes_why_written_reasons_were_not_sent(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    missing = progress(client, token, reference, "not_progressed", reason="not_eligible")
    assert missing.status_code == 422
    ok = progress(
        client,
        token,
        reference,
        "not_progressed",
        reason="not_eligible",
        written_reasons_not_sent="no_contact_details",
    )
    assert ok.status_code == 200, ok.get_json()
    last = ok.get_json()["stages"][-1]
    assert (last["written_reasons_sent_on"], last["written_reasons_not_sent"]) == (
        None,
        "no_contact_details",
    )


def test_written_reasons_on_another_stage_are_refused(client, db) -> None:
    reference = routed(client, db)
    response = progress(
        client,
        token_for(db, KENT),
        reference,
        "first_contact",
        written_reasons_sent_on="2026-01-01",
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "written_reasons_sent_on"


def test_another_council_cannot_record_a_refusal_and_is_audited(client, db) -> None:
    reference = routed(client, db)
    response = progress(
        client,
        token_for(db, MEDWAY),
        reference,
        "refused",
        written_reasons_not_sent="other",
    )
    assert response.status_code == 404
    assert audit_rows(db, action="record_progress", outcome="denied")
    assert stage_rows(db) == 0


def test_a_council_may_set_its_own_stage_one_target_in_the_rules_file(
    client, db, monkeypatch
) -> None:
    rules = get_active_rules()
    own = CouncilTracking(KENT, clocks=(("stage_one_working_days", 5),))
    kent_rules = replace(rules, tracking=replace(rules.tracking, councils=(own,)))
    monkeypatch.setattr(record_stage, "get_active_rules", lambda: kent_rules)
    reference, token = applied(client, db, london(2026, 3, 2, 10, 0))
    with time_machine.travel(london(2026, 3, 9, 10, 0), tick=False):  # a Monday
        body = progress(client, token, reference, "stage_one_checks_received").get_json()
    clock = clocks_of(body)["stage_one"]
    assert (clock["target"], clock["due_at"]) == ("5 working days", "2026-03-17T00:00:00+00:00")
