"""The reports page: the tracking reports as a chart and a table, suppressed as in the API."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import time_machine

from hub.platform.models import utcnow
from hub.tracking.calendar import ENGLAND as LONDON
from tests.support.council import audit_rows, routed
from tests.web.ops_support import BROWSER
from tests.web.staff_support import sign_in


def _query(day_from, day_to, **more: str) -> dict[str, str]:
    return {
        "from-day": str(day_from.day),
        "from-month": str(day_from.month),
        "from-year": str(day_from.year),
        "to-day": str(day_to.day),
        "to-month": str(day_to.month),
        "to-year": str(day_to.year),
        **more,
    }


def _cells(html: str, column: str) -> list[str]:
    return re.findall(rf'data-column="{column}">([^<]*)<', html)


def test_the_funnel_by_council_shows_a_chart_and_a_table_with_small_counts_hidden(
    client, db
) -> None:
    for _ in range(6):
        routed(client, db)  # Kent
    for _ in range(2):
        routed(client, db, postcode="ME4 4TR")  # Medway
    sign_in(client, db, hub_operator=True)
    today = utcnow().date()

    response = client.get(
        "/ops/reports",
        query_string=_query(today - timedelta(days=1), today, report="funnel", by="council"),
        headers=BROWSER,
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "Kent" in html and "Medway" in html and "E10000016" not in html
    assert _cells(html, "enquiries") == ["fewer than 5", "6"]  # Medway (2: hidden), Kent
    assert ">2<" not in html
    assert "suppressed" in html  # Medway's bar says so instead of a length
    assert [r.detail["report"] for r in audit_rows(db, action="read_report")] == ["funnel"]


def test_the_default_is_the_last_90_days_by_council(client, db) -> None:
    sign_in(client, db, hub_operator=True)
    response = client.get("/ops/reports", headers=BROWSER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    today = utcnow().date()
    assert f"{today - timedelta(days=90)} to {today}" in html
    assert 'id="report-empty"' in html


def test_the_default_period_ends_on_todays_date_in_england(client, db) -> None:
    # 00:30 on 16 June in England is 23:30 on 15 June in UTC.
    with time_machine.travel(datetime(2026, 6, 16, 0, 30, tzinfo=LONDON), tick=False):
        sign_in(client, db, hub_operator=True)
        html = client.get("/ops/reports", headers=BROWSER).get_data(as_text=True)
    assert "2026-03-18 to 2026-06-16" in html


def test_clocks_and_retention_reports_render(client, db) -> None:
    for _ in range(5):
        routed(client, db)
    sign_in(client, db, hub_operator=True)
    today = utcnow().date()
    for name in ("clocks", "retention"):
        response = client.get(
            "/ops/reports",
            query_string=_query(today - timedelta(days=30), today, report=name, by="cluster"),
            headers=BROWSER,
        )
        assert response.status_code == 200, name


def test_a_date_that_is_not_real_is_shown_in_the_error_summary(client, db) -> None:
    sign_in(client, db, hub_operator=True)
    today = utcnow().date()
    query = _query(today, today, report="funnel", by="month")
    query["from-month"] = "13"
    response = client.get("/ops/reports", query_string=query, headers=BROWSER)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and 'href="#from-day"' in html
    assert audit_rows(db, action="read_report") == []


def test_the_last_day_before_the_first_is_refused(client, db) -> None:
    sign_in(client, db, hub_operator=True)
    today = utcnow().date()
    response = client.get(
        "/ops/reports", query_string=_query(today, today - timedelta(days=3)), headers=BROWSER
    )
    assert response.status_code == 400
    assert "same as or after the first date" in response.get_data(as_text=True)
