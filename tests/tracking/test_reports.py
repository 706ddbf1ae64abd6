"""Reports: the funnel, clocks and retention; suppression of small counts across councils."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import time_machine
from click.testing import CliRunner

from hub.cli import main
from hub.tracking.report_queries import GroupBy
from hub.tracking.reports import ReportName, _percentile, build_report
from hub.tracking.sweep_clocks import sweep_clocks
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import london, progress

PERIOD = "from=2026-03-01&to=2026-03-31"


def kent_journeys(client, db) -> list[str]:
    """Seven Kent referrals in March 2026: all contacted, 3 applications, 1 approval, 2 out."""
    token = token_for(db, KENT)
    references = []
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        for _ in range(7):
            references.append(routed(client, db))
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=False):  # 1 working day later
        for reference in references:
            progress(client, token, reference, "first_contact")
    with time_machine.travel(london(2026, 3, 10, 10, 0), tick=False):
        for reference in references[:3]:
            progress(client, token, reference, "application")
        progress(client, token, references[3], "withdrawn", reason="finances")
        progress(client, token, references[4], "withdrawn", reason="timing")
    with time_machine.travel(london(2026, 3, 20, 10, 0), tick=False):
        progress(client, token, references[0], "approved")
    return references


def test_council_funnel_counts_its_own_journeys_without_suppression(client, db) -> None:
    kent_journeys(client, db)
    with time_machine.travel(london(2026, 4, 1, 10, 0), tick=False):
        token = token_for(db, KENT)
        body = client.get(f"/v1/council/reports/funnel?{PERIOD}", headers=bearer(token))
    assert body.status_code == 200, body.get_json()
    report = body.get_json()
    assert (report["from"], report["suppressed_under"]) == ("2026-03-01", None)
    (row,) = report["rows"]
    assert row["key"] == KENT
    assert (row["enquiries"], row["reached_first_contact"], row["reached_application"]) == (7, 7, 3)
    assert (row["approvals"], row["conversion_application"]) == (1, round(3 / 7, 4))
    assert row["first_contact_median_working_days"] == 1.0
    assert row["first_contact_within_target_share"] == 1.0
    assert (row["withdrawn:finances"], row["withdrawn:timing"]) == (1, 1)
    assert audit_rows(db, action="read_report")[0].outcome == "ok"


def test_cross_council_figures_suppress_counts_under_five(client, db) -> None:
    kent_journeys(client, db)
    operator = token_for(db, hub=True)
    report = client.get(f"/v1/ops/reports/funnel?{PERIOD}", headers=bearer(operator)).get_json()
    (row,) = report["rows"]
    assert report["suppressed_under"] == 5
    assert (row["enquiries"], row["reached_first_contact"]) == (7, 7)
    assert (row["reached_application"], row["approvals"], row["withdrawn:timing"]) == (
        None,
        None,
        None,
    )
    assert row["conversion_application"] is None
    assert "reached_application" in row["suppressed"].split(";")


def test_a_council_report_never_includes_another_councils_journeys(client, db) -> None:
    kent_journeys(client, db)
    medway = token_for(db, MEDWAY)
    report = client.get(f"/v1/council/reports/funnel?{PERIOD}", headers=bearer(medway)).get_json()
    assert report["rows"] == []


def test_clocks_report_counts_met_and_breached_by_kind(client, db) -> None:
    kent_journeys(client, db)
    with time_machine.travel(london(2026, 4, 1, 10, 0), tick=False):
        sweep_clocks(db)
        token = token_for(db, KENT)
        report = client.get(f"/v1/council/reports/clocks?{PERIOD}", headers=bearer(token))
    rows = {row["kind"]: row for row in report.get_json()["rows"]}
    assert (rows["first_contact"]["started"], rows["first_contact"]["met_on_time"]) == (7, 7)
    # No initial visit was recorded: 3 met by the application, 2 stopped by withdrawal, 2 breached.
    assert rows["initial_visit"]["breached_open"] == 2
    assert rows["initial_visit"]["stopped"] == 2
    # Decided: the 3 met on time and the 2 breached; the stopped ones do not count.
    assert rows["initial_visit"]["on_time_share"] == round(3 / 5, 4)
    # Applications start the panel clock; no checks were received, so no Stage 1 clock runs.
    assert rows["panel"]["started"] == 3
    assert "stage_one" not in rows


def test_retention_report_counts_approvals_and_follow_ups(client, db) -> None:
    kent_journeys(client, db)
    with time_machine.travel(london(2026, 3, 21, 10, 0), tick=False):
        token = token_for(db, KENT)
        report = client.get(f"/v1/council/reports/retention?{PERIOD}", headers=bearer(token))
    (row,) = report.get_json()["rows"]
    assert (row["approved"], row["eligible_12_months"]) == (1, 0)
    assert row["retained_12_months_share"] is None
    assert row["follow_ups_due"] == 2  # the stalled follow-ups of two contacted enquirers


def test_report_as_csv_from_the_cli(client, db) -> None:
    kent_journeys(client, db)
    result = CliRunner().invoke(
        main, ["report", "funnel", "--from", "2026-03-01", "--to", "2026-03-31", "--by", "month"]
    )
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["key"], row["enquiries"], row["reached_application"]) == ("2026-03", "7", "")


def test_report_as_json_from_the_cli_by_cluster(client, db) -> None:
    kent_journeys(client, db)
    result = CliRunner().invoke(
        main,
        [
            "report",
            "clocks",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--by",
            "cluster",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {row["key"] for row in report["rows"]} == {"Local Authority Fostering South East"}


def test_report_period_must_not_end_before_it_starts(client, db) -> None:
    operator = token_for(db, hub=True)
    response = client.get(
        "/v1/ops/reports/funnel?from=2026-03-31&to=2026-03-01", headers=bearer(operator)
    )
    assert response.status_code == 422


def test_council_report_as_csv_over_the_api(client, db) -> None:
    kent_journeys(client, db)
    token = token_for(db, KENT)
    response = client.get(f"/v1/council/reports/funnel?{PERIOD}&format=csv", headers=bearer(token))
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    (row,) = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert (row["key"], row["enquiries"], row["reached_application"]) == (KENT, "7", "3")


def test_openapi_describes_the_tracking_endpoints(client) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in (
        "/v1/council/referrals/{reference}/progress",
        "/v1/council/referrals/{reference}/journey",
        "/v1/council/follow-ups",
        "/v1/council/follow-ups/{follow_up_id}/outcome",
        "/v1/ops/clocks",
    ):
        assert path in paths
    assert any(path.startswith("/v1/ops/reports/") for path in paths)


def test_weighted_percentiles_use_the_nearest_rank() -> None:
    waits = [(1, 5), (3, 4), (10, 1)]  # ten enquiries: 5 waited 1 day, 4 waited 3, 1 waited 10
    assert _percentile(waits, 0.5) == 1.0
    assert _percentile(waits, 0.9) == 3.0
    assert _percentile(waits, 1.0) == 10.0
    assert _percentile([], 0.5) is None


def test_report_from_a_data_dir_without_a_database_fails_and_creates_nothing(tmp_path) -> None:
    missing = tmp_path / "no-hub-here"
    args = ["report", "funnel", "--from", "2026-03-01", "--to", "2026-03-31"]
    result = CliRunner().invoke(main, [*args, "--data-dir", str(missing)])
    assert result.exit_code != 0
    assert "no hub database" in str(result.exception) + result.output
    assert not (missing / "hub.db").exists()


def test_a_year_on_counts_from_midnight_in_england_not_utc(client, db) -> None:
    with time_machine.travel(london(2025, 6, 16, 10, 0), tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        progress(client, token, reference, "first_contact")
        progress(client, token, reference, "application")
        progress(client, token, reference, "approved")
    # 00:30 on 16 June 2026 in England is still 15 June in UTC.
    with time_machine.travel(london(2026, 6, 16, 0, 30), tick=False):
        report = build_report(
            db,
            ReportName.RETENTION,
            start=date(2025, 6, 1),
            end=date(2025, 6, 30),
            by=GroupBy.COUNCIL,
            scope=[KENT],
        )
    (row,) = report["rows"]
    assert (row["approved"], row["eligible_12_months"]) == (1, 1)
