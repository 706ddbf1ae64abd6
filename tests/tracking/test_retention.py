"""Retention: what has expired is anonymised once; reports give the same numbers after."""

from __future__ import annotations

import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from hub.cli import main
from hub.referrals.models import RoutingDecisionRecord
from hub.tracking.anonymise import district_of, run_retention
from hub.tracking.models import Anonymisation
from hub.tracking.report_queries import GroupBy
from hub.tracking.reports import ReportName, build_report
from tests.support.council import KENT, audit_rows, get_enquiry, routed, token_for
from tests.tracking.support import london, progress


def journeys(client, db) -> dict[str, str]:
    """Four Kent enquirers in March 2026, each ending differently."""
    token = token_for(db, KENT)
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        found = {
            name: routed(
                client, db, postcode="ME14 1XQ", campaign={"heard_from": "My neighbour Jane Smith"}
            )
            for name in ("silent", "withdrew", "fostering", "retired")
        }
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=False):
        progress(client, token, found["silent"], "first_contact", note="Left a message")
        progress(client, token, found["withdrew"], "application")
        progress(client, token, found["withdrew"], "withdrawn", reason="household_change")
        progress(client, token, found["fostering"], "approved")
        progress(client, token, found["retired"], "approved")
    with time_machine.travel(london(2027, 6, 1, 10, 0), tick=False):
        progress(client, token, found["retired"], "deregistered", reason="retirement")
    return found


def reports(db) -> list[dict]:
    return [
        build_report(
            db,
            name,
            start=london(2026, 1, 1).date(),
            end=london(2027, 12, 31).date(),
            by=GroupBy.COUNCIL,
            scope=[KENT],
        )
        for name in ReportName
    ]


def test_expired_enquiries_are_anonymised_and_reports_do_not_change(client, db) -> None:
    found = journeys(client, db)
    # The last activity was on 3 March 2026: kept for 3 years, to 3 March 2029 inclusive.
    with time_machine.travel(london(2029, 3, 3, 10, 0), tick=False):
        dry = run_retention(db, dry_run=True)
        assert (dry.anonymised, dry.by_category) == (0, {})
    with time_machine.travel(london(2029, 3, 4, 10, 0), tick=False):
        before = reports(db)
        dry = run_retention(db, dry_run=True)
        assert dry.by_category == {"no_application": 1, "application": 1}
        assert get_enquiry(db, found["silent"]).personal["given_name"]  # dry run: untouched
        result = run_retention(db)
        assert run_retention(db).anonymised == 0  # run twice: nothing twice
        after = reports(db)
    assert result.anonymised == 2
    assert after == before
    silent = get_enquiry(db, found["silent"])
    assert silent.personal == {"postcode": "ME14", "anonymised": True}
    assert silent.special_category is None
    assert silent.heard_from is None  # free text: it can name people
    assert get_enquiry(db, found["fostering"]).personal["given_name"]  # still fostering: kept
    assert get_enquiry(db, found["retired"]).personal["given_name"]  # 10 years after leaving
    with db.sessions() as s:
        decision = s.scalars(
            select(RoutingDecisionRecord).where(RoutingDecisionRecord.enquiry_id == silent.id)
        ).one()
        assert decision.detail == {"trace": [], "anonymised": True}
        assert {a.category for a in s.scalars(select(Anonymisation))} == {
            "no_application",
            "application",
        }
    assert {row.enquiry_reference for row in audit_rows(db, action="anonymise")} == {
        found["silent"],
        found["withdrew"],
    }
    # Audit rows of what happened before are kept.
    assert audit_rows(db, action="record_progress", enquiry_reference=found["silent"])


def test_notes_are_erased_with_the_personal_data(client, db) -> None:
    found = journeys(client, db)
    with time_machine.travel(london(2029, 6, 10, 10, 0), tick=False):
        run_retention(db)
        token = token_for(db, KENT)
        body = client.get(
            f"/v1/council/referrals/{found['silent']}/journey",
            headers={"Authorization": f"Bearer {token}"},
        ).get_json()
    assert body["stages"][0]["note"] is None


def test_hub_retention_run_dry_run_from_the_cli(client, db) -> None:
    journeys(client, db)
    with time_machine.travel(london(2029, 6, 10, 10, 0), tick=False):
        result = CliRunner().invoke(main, ["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "would anonymise 2 enquiries (application: 1, no_application: 1)"
    )


def test_only_a_postcodes_district_is_kept_never_other_text() -> None:
    assert [district_of(p) for p in ("ME14 1XQ", "me141xq", "ME14 1", "ME14")] == ["ME14"] * 4
    assert district_of("Flat 2, Jane Smith's house") is None
    assert district_of(None) is None
