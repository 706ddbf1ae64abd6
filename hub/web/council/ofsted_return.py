"""``/council/reports/ofsted``: the council's own Ofsted fostering data return, every count
shown (it crosses no council). The tracking room builds and audits it."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from hub.platform.extensions import get_db
from hub.platform.models import utcnow
from hub.tracking.calendar import local_day
from hub.tracking.ofsted_return import ReturnYear, ofsted_csv, ofsted_return_for_caller
from hub.web.staff.display import council_name
from hub.web.staff.session import council_staff_required, staff_request_context

bp = Blueprint("council_ofsted_pages", __name__, url_prefix="/council")


def _label(key: str) -> str:
    return "All your councils" if key == "all" else council_name(key)


@bp.get("/reports/ofsted")
@council_staff_required
def ofsted_return() -> Response | tuple[str, int]:
    latest = ReturnYear.last_complete(local_day(utcnow()))
    error = None
    try:
        year = ReturnYear.parse(request.args.get("year", latest.label))
    except ValueError as exc:
        year, error = latest, str(exc)
    figures = None if error else ofsted_return_for_caller(get_db(), staff_request_context(), year)
    if figures is not None and request.args.get("format") == "csv":
        return Response(
            ofsted_csv(figures),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=ofsted-{year.label}.csv"},
        )
    years = [ReturnYear(latest.first - back).label for back in range(-1, 4)]
    csv_href = url_for(".ofsted_return", year=year.label, format="csv")
    page = render_template(
        "council/ofsted_return.html",
        figures=figures,
        error=error,
        years=years,
        chosen=year.label,
        label_of=_label,
        csv_href=csv_href,
    )
    return page, 400 if error else 200
