"""The reports page's query form: which report, which days, grouped how (GET, so a report
can be bookmarked; it changes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hub.tracking.report_queries import GroupBy
from hub.tracking.reports import ReportName
from hub.web.shared.date_fields import read_date

DEFAULT_DAYS = 90
GROUP_WORDS = {
    GroupBy.COUNCIL: "Council",
    GroupBy.CLUSTER: "Regional hub (cluster)",
    GroupBy.CAMPAIGN: "Campaign",
    GroupBy.MONTH: "Month received",
}
REPORT_WORDS = {
    ReportName.FUNNEL: "Funnel: from enquiry to approval",
    ReportName.CLOCKS: "Clocks: promises kept on time",
    ReportName.RETENTION: "Retention: approved carers who stay",
}


@dataclass
class ReportQuery:
    report: ReportName
    start: date
    end: date
    by: GroupBy
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _date_fields(day: date, prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


def read_report_query(args: Any, today: date) -> ReportQuery:
    """The query from the page's address; defaults (the last 90 days, by council) if empty."""
    start_default, end_default = today - timedelta(days=DEFAULT_DAYS), today
    report_text = str(args.get("report", ReportName.FUNNEL))
    by_text = str(args.get("by", GroupBy.COUNCIL))
    errors: dict[str, str] = {}
    report = ReportName(report_text) if report_text in set(ReportName) else ReportName.FUNNEL
    if report_text not in set(ReportName):
        errors["report"] = "Choose a report"
    by = GroupBy(by_text) if by_text in set(GroupBy) else GroupBy.COUNCIL
    if by_text not in set(GroupBy):
        errors["by"] = "Choose how to group the figures"
    values = {"report": str(report), "by": str(by)}
    if "from-day" not in args and "to-day" not in args:
        start, end = start_default, end_default
        values |= _date_fields(start, "from") | _date_fields(end, "to")
        return ReportQuery(report, start, end, by, values, errors)
    values |= {
        k: str(args.get(k, ""))
        for k in ("from-day", "from-month", "from-year", "to-day", "to-month", "to-year")
    }
    start_read, start_error = read_date(args, "from", "first")
    end_read, end_error = read_date(args, "to", "last")
    if start_error:
        errors["from"] = start_error
    if end_error:
        errors["to"] = end_error
    if start_read and end_read and end_read < start_read:
        errors["to"] = "The last date must be the same as or after the first date"
    return ReportQuery(
        report, start_read or start_default, end_read or end_default, by, values, errors
    )
