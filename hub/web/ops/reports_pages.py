"""``/ops/reports``: the tracking reports as tables and simple charts, across councils.

``hub.tracking.reports.report_for_caller`` builds them exactly as the API does (counts under 5
suppressed, because the figures cross councils) and audits the read.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from hub.platform.extensions import get_db
from hub.platform.models import utcnow
from hub.referrals.decide import authority_name
from hub.tracking.calendar import local_day
from hub.tracking.report_queries import GroupBy
from hub.tracking.reports import ReportName, report_for_caller
from hub.web.ops.blueprint import bp
from hub.web.ops.charts import BarChart, bar_chart
from hub.web.ops.report_form import GROUP_WORDS, REPORT_WORDS, read_report_query
from hub.web.staff.session import operator_required, staff_request_context

COUNT, SHARE, DAYS = "count", "share", "days"
# Per report: (row key, column heading, kind of figure).
COLUMNS: dict[ReportName, tuple[tuple[str, str, str], ...]] = {
    ReportName.FUNNEL: (
        ("enquiries", "Enquiries", COUNT),
        ("people", "People", COUNT),
        ("reached_first_contact", "First contact", COUNT),
        ("reached_initial_visit", "Home visit", COUNT),
        ("reached_application", "Application", COUNT),
        ("approvals", "Approved", COUNT),
        ("first_contact_within_target_share", "First contact on time", SHARE),
        ("first_contact_median_working_days", "Median working days to first contact", DAYS),
    ),
    ReportName.CLOCKS: (
        ("kind", "Clock", "text"),
        ("started", "Started", COUNT),
        ("met_on_time", "Met on time", COUNT),
        ("met_late", "Met late", COUNT),
        ("breached_open", "Breached, not met", COUNT),
        ("running", "Running", COUNT),
        ("on_time_share", "On time", SHARE),
    ),
    ReportName.RETENTION: (
        ("approved", "Approved", COUNT),
        ("eligible_12_months", "Approved 12 months ago or more", COUNT),
        ("fostering_12_months_later", "Still fostering 12 months later", COUNT),
        ("retained_12_months_share", "Retained at 12 months", SHARE),
        ("deregistered", "Deregistered", COUNT),
        ("follow_ups_due", "Follow-ups due", COUNT),
        ("follow_ups_on_time_share", "Follow-ups done on time", SHARE),
    ),
}


def group_label(key: str, by: GroupBy) -> str:
    return authority_name(key) if by is GroupBy.COUNCIL and key[:1] == "E" else key


def cell(row: dict[str, Any], name: str, kind: str) -> str:
    value = row.get(name)
    if value is None:  # a count under 5 (suppressed), or a rate built on one or on nothing
        return "fewer than 5" if kind == COUNT else "not shown"
    if kind == SHARE:
        return f"{float(value):.0%}"
    if kind == DAYS:
        return f"{float(value):g}"
    if kind == COUNT:
        return f"{int(value):,}"
    return str(value).replace("_", " ")


def chart_for(name: ReportName, rows: list[dict[str, Any]], by: GroupBy) -> BarChart:
    """The one figure of each report worth a picture, per group."""
    group = GROUP_WORDS[by].lower()
    if name is ReportName.CLOCKS:
        values = [
            (
                f"{group_label(r['key'], by)}: {str(r['kind']).replace('_', ' ')}",
                None if r.get("on_time_share") is None else float(r["on_time_share"]) * 100,
            )
            for r in rows
        ]
        return bar_chart(
            "chart-clocks",
            f"Clocks met on time, by {group} and clock",
            "Horizontal bars: the percentage of each clock met by its target. "
            "Groups with fewer than 5 are not shown.",
            values,
            show=lambda v: f"{v:.0f}%",
            suppressed=[r.get("on_time_share") is None for r in rows],
        )
    measure = "enquiries" if name is ReportName.FUNNEL else "approved"
    words = "Enquiries received" if name is ReportName.FUNNEL else "Carers approved"
    return bar_chart(
        f"chart-{name}",
        f"{words}, by {group}",
        f"Horizontal bars: {words.lower()} in each {group}. Counts under 5 are not shown.",
        [(group_label(r["key"], by), r.get(measure)) for r in rows],
        suppressed=[r.get(measure) is None for r in rows],
    )


@bp.get("/reports")
@operator_required
def reports() -> tuple[str, int]:
    """The chosen report as a chart and a table (the last 90 days by council by default)."""
    query = read_report_query(request.args, local_day(utcnow()))
    report = None
    chart = None
    if not query.errors:
        report = report_for_caller(
            get_db(),
            staff_request_context(),
            query.report,
            start=query.start,
            end=query.end,
            by=query.by,
        )
        chart = chart_for(query.report, report["rows"], query.by) if report["rows"] else None
    return (
        render_template(
            "ops/reports.html",
            query=query,
            report=report,
            chart=chart,
            columns=COLUMNS[query.report],
            cell=cell,
            group_label=group_label,
            group_words=GROUP_WORDS,
            report_words=REPORT_WORDS,
            nav="reports",
        ),
        400 if query.errors else 200,
    )
