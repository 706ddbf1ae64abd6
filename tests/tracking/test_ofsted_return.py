"""Ofsted's fostering data return on a generated year with known answers (2025-26)."""

from __future__ import annotations

import csv
import io
from itertools import count
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from hub.cli import main
from hub.tracking.ofsted_return import ReturnYear, build_ofsted_return
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import london, progress
from tests.web.staff_support import own_address, sign_in

YEAR = ReturnYear.parse("2025-26")
_phones = count(100000)


def person() -> dict[str, str]:
    """Details of a new person (the factory's phone is shared, which would join everyone)."""
    n = next(_phones)
    return {"email": f"person{n}@example.org", "phone": f"07911 {n}"}


def routed_at(client: Any, db: Any, when: Any, details: dict[str, str], **more: Any) -> str:
    with time_machine.travel(when, tick=False):
        return routed(client, db, **details, **more)


def at(when: Any, client: Any, token: str, reference: str, stage: str, **body: Any) -> None:
    with time_machine.travel(when, tick=False):
        response = progress(client, token, reference, stage, **body)
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def year(client, db) -> dict[str, str]:
    """Kent: 7 enquiries from 6 people in the year (one person twice; one at 00:30 on 1 April
    2025, in England), 5 applications, 2 withdrawals before panel (AW4, AW2), 1 after panel,
    1 before applying, 1 approval, 1 deregistration (burnout). Medway: 2 people, one of them
    also Kent's, 1 application and 1 withdrawal before panel (AW5). One more Kent enquiry at
    00:30 on 1 April 2026, in England: next year's."""
    kent, medway = token_for(db, KENT), token_for(db, MEDWAY)
    may = london(2025, 5, 1, 10, 0)
    people = [person() for _ in range(6)]
    e = [routed_at(client, db, may, p) for p in people[:5]]
    e.append(routed_at(client, db, london(2025, 4, 1, 0, 30), people[5]))
    routed_at(client, db, may, people[0])  # the first person again: one person, two enquiries
    routed_at(client, db, london(2026, 4, 1, 0, 30), person())  # the next year's
    m1 = routed_at(client, db, may, people[1], postcode="ME4 4TR")  # Kent's second person
    routed_at(client, db, may, person(), postcode="ME4 4TR")
    june, july = london(2025, 6, 2, 10, 0), london(2025, 7, 1, 10, 0)
    for reference in (e[0], e[1], e[2], e[3], e[5]):
        at(june, client, kent, reference, "application")
    at(july, client, kent, e[0], "withdrawn", reason="finances")
    at(july, client, kent, e[1], "withdrawn", reason="assessment_not_as_expected")
    at(london(2025, 10, 1, 10, 0), client, kent, e[2], "panel")
    at(london(2025, 10, 10, 10, 0), client, kent, e[2], "withdrawn", reason="household_change")
    at(june, client, kent, e[4], "withdrawn", reason="timing")
    at(london(2025, 11, 3, 10, 0), client, kent, e[3], "approved")
    at(london(2026, 2, 2, 10, 0), client, kent, e[3], "deregistered", reason="burnout")
    at(june, client, medway, m1, "application")
    at(july, client, medway, m1, "withdrawn", reason="allegation_risk")
    return {"kent": kent, "medway": medway}


def row_of(figures: dict[str, Any], council: str) -> dict[str, Any]:
    (row,) = [row for row in figures["rows"] if row["council"] == council]
    return row


def test_a_council_s_own_return_has_every_count(db, year) -> None:
    figures = build_ofsted_return(db, YEAR, scope=[KENT])
    assert (figures["from"], figures["to"], figures["suppressed_under"]) == (
        "2025-04-01",
        "2026-03-31",
        None,
    )
    assert "each person counted once" in figures["definition"]
    kent = row_of(figures, KENT)
    assert (kent["initial_enquiries"], kent["applications"], kent["approvals"]) == (6, 5, 1)
    withdrawn = {k: v for k, v in kent.items() if k.startswith("withdrawals_before_panel")}
    assert withdrawn == {
        "withdrawals_before_panel": 2,
        "withdrawals_before_panel_AW0": 0,
        "withdrawals_before_panel_AW1": 0,
        "withdrawals_before_panel_AW2": 1,
        "withdrawals_before_panel_AW3": 0,
        "withdrawals_before_panel_AW4": 1,
        "withdrawals_before_panel_AW5": 0,
    }
    assert kent["deregistrations"] == 1
    assert kent["deregistrations_personal_circumstances"] == 1
    assert kent["deregistrations_of_which_burnout"] == 1
    assert "suppressed" not in kent
    assert [row["council"] for row in figures["rows"]] == [KENT, "all"]


def test_across_councils_a_person_counts_once_and_small_counts_are_hidden(db, year) -> None:
    figures = build_ofsted_return(db, YEAR)
    assert figures["suppressed_under"] == 5
    kent, medway, every = row_of(figures, KENT), row_of(figures, MEDWAY), row_of(figures, "all")
    assert (kent["initial_enquiries"], kent["applications"], kent["approvals"]) == (6, 5, None)
    assert medway["initial_enquiries"] is None  # 2: under 5
    # Kent's 6 people and Medway's 2, one of whom is also Kent's: 7 people.
    assert (every["initial_enquiries"], every["applications"]) == (7, 6)
    assert every["withdrawals_before_panel"] is None  # 3
    assert "withdrawals_before_panel_AW5" in medway["suppressed"].split(";")


def test_the_cli_writes_the_return_s_columns_and_says_which_definition(db, year) -> None:
    result = CliRunner().invoke(main, ["report", "ofsted", "--year", "2025-26", "--council", KENT])
    assert result.exit_code == 0, result.output
    assert "Initial enquiries: people whose enquiry the hub received" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["council"] for row in rows] == [KENT, "all"]
    assert (rows[0]["initial_enquiries"], rows[0]["withdrawals_before_panel_AW4"]) == ("6", "1")
    everyone = CliRunner().invoke(main, ["report", "ofsted", "--year", "2025-26"])
    assert everyone.exit_code == 0, everyone.output
    every = {row["council"]: row for row in csv.DictReader(io.StringIO(everyone.stdout))}
    assert list(every) == [MEDWAY, KENT, "all"]
    assert (every[KENT]["initial_enquiries"], every[KENT]["approvals"]) == ("6", "")
    assert "approvals" in every[KENT]["suppressed"].split(";")


def test_the_cli_refuses_a_year_not_written_as_the_return_writes_it(db) -> None:
    result = CliRunner().invoke(main, ["report", "ofsted", "--year", "2025"])
    assert result.exit_code == 2 and "2025-26" in result.output


def test_the_council_page_shows_its_own_return_only_and_is_audited(client, db, year) -> None:
    own_address(client)
    sign_in(client, db, council="Medway")
    page = client.get("/council/reports/ofsted?year=2025-26")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Medway" in html and "Kent" not in html
    assert 'data-column="initial_enquiries">2<' in html  # not suppressed: its own
    assert 'data-column="withdrawals_before_panel_AW5">1<' in html
    csv_page = client.get("/council/reports/ofsted?year=2025-26&format=csv")
    assert csv_page.mimetype == "text/csv"
    assert [row["council"] for row in csv.DictReader(io.StringIO(csv_page.text))] == [
        MEDWAY,
        "all",
    ]
    reads = [row.detail for row in audit_rows(db, action="read_report")]
    assert {"report": "ofsted", "year": "2025-26"} in reads


def test_the_ops_page_shows_every_council_with_small_counts_hidden(client, db, year) -> None:
    own_address(client)
    sign_in(client, db, hub_operator=True)
    html = client.get("/ops/reports/ofsted?year=2025-26").get_data(as_text=True)
    assert "Kent" in html and "Medway" in html
    assert 'data-column="initial_enquiries">6<' in html
    assert "fewer than 5" in html
    assert client.get("/ops/reports/ofsted?year=next").status_code == 400


def test_a_council_cannot_open_the_operators_return(client, db) -> None:
    own_address(client)
    sign_in(client, db, council="Kent")
    assert client.get("/ops/reports/ofsted").status_code in (403, 404)


def test_the_council_api_answers_its_own_return_as_json_or_csv_by_accept(client, db, year) -> None:
    headers = bearer(year["medway"])
    body = client.get("/v1/council/reports/ofsted?year=2025-26", headers=headers).get_json()
    assert (body["year"], body["from"], body["to"], body["suppressed_under"]) == (
        "2025-26",
        "2025-04-01",
        "2026-03-31",
        None,
    )
    assert [row["council"] for row in body["rows"]] == [MEDWAY, "all"]
    assert row_of(body, MEDWAY)["initial_enquiries"] == 2  # its own: not suppressed
    assert "each person counted once" in body["definition"]
    as_csv = client.get(
        "/v1/council/reports/ofsted",
        query_string={"year": "2025-26"},
        headers={**headers, "Accept": "text/csv"},
    )
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [row["council"] for row in rows] == [MEDWAY, "all"]
    assert rows[0]["withdrawals_before_panel_AW5"] == "1"
    reads = [row.detail for row in audit_rows(db, action="read_report")]
    assert reads.count({"report": "ofsted", "year": "2025-26"}) == 2


def test_the_ops_api_answers_every_council_with_small_counts_hidden(client, db, year) -> None:
    body = client.get(
        "/v1/ops/reports/ofsted?year=2025-26", headers=bearer(token_for(db, hub=True))
    ).get_json()
    assert body["suppressed_under"] == 5
    assert row_of(body, KENT)["initial_enquiries"] == 6
    assert row_of(body, MEDWAY)["initial_enquiries"] is None


@pytest.mark.parametrize("query", [{"year": "2025"}, {"year": "2025-27"}, {"yr": "2025-26"}])
def test_the_api_refuses_a_year_it_cannot_read_with_a_field_error(client, db, query) -> None:
    response = client.get(
        "/v1/council/reports/ofsted", query_string=query, headers=bearer(token_for(db, KENT))
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert {error["field"] for error in response.get_json()["errors"]} == set(query)


def test_the_ofsted_api_is_for_the_right_kind_of_token(client, db) -> None:
    council = bearer(token_for(db, KENT))
    operator = bearer(token_for(db, hub=True))
    assert client.get("/v1/ops/reports/ofsted", headers=council).status_code == 403
    assert client.get("/v1/council/reports/ofsted", headers=operator).status_code == 403
    assert client.get("/v1/council/reports/ofsted").status_code == 401
