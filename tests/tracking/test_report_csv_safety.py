"""Reports as CSV: text an enquirer wrote never opens as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from click.testing import CliRunner

from hub.cli import main
from tests.support.council import KENT, bearer, routed, token_for
from tests.tracking.support import london

PERIOD = "from=2026-03-01&to=2026-03-31"
FORMULA = '=HYPERLINK("https://evil.example","Click")'


def _campaign_rows(text: str) -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture
def tagged(client, db) -> None:
    """Kent referrals in March 2026 whose campaign tags start like formulas, and one plain."""
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        for campaign in (FORMULA, "+1+cmd|'/c calc'!A0", "-2+3", "@SUM(A1)", "-7", "spring"):
            routed(client, db, campaign={"utm_campaign": campaign})


def _assert_neutralised(rows: dict[str, dict[str, str]]) -> None:
    assert "'" + FORMULA in rows and FORMULA not in rows
    assert {"'+1+cmd|'/c calc'!A0", "'-2+3", "'@SUM(A1)"} <= set(rows)
    # A plain number is not a formula: it is left as it is, as are ordinary tags and counts.
    assert {"-7", "spring"} <= set(rows)
    assert rows["spring"]["enquiries"] == "1"


def test_a_council_report_by_campaign_as_csv_neutralises_formulas(client, db, tagged) -> None:
    token = token_for(db, KENT)
    response = client.get(
        f"/v1/council/reports/funnel?{PERIOD}&by=campaign&format=csv", headers=bearer(token)
    )
    assert response.status_code == 200
    _assert_neutralised(_campaign_rows(response.get_data(as_text=True)))


def test_an_operator_report_by_campaign_as_csv_neutralises_formulas(client, db, tagged) -> None:
    operator = token_for(db, hub=True)
    response = client.get(
        f"/v1/ops/reports/funnel?{PERIOD}&by=campaign&format=csv", headers=bearer(operator)
    )
    assert response.status_code == 200
    rows = _campaign_rows(response.get_data(as_text=True))
    assert "'" + FORMULA in rows and FORMULA not in rows and "'-2+3" in rows


def test_the_report_command_by_campaign_neutralises_formulas(client, db, tagged) -> None:
    result = CliRunner().invoke(
        main,
        ["report", "funnel", "--from", "2026-03-01", "--to", "2026-03-31", "--by", "campaign"],
    )
    assert result.exit_code == 0, result.output
    rows = _campaign_rows(result.stdout)
    assert "'" + FORMULA in rows and FORMULA not in rows and "'@SUM(A1)" in rows
