"""The Ofsted fostering data return page, as a council and as the operators see it.

The two pages differ only in their template, what the "all" row is called and where the CSV
link points; the tracking room builds, scopes (a council sees its own figures, every count
shown; operators all councils, small counts hidden) and audits the return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, render_template, request, url_for

from hub.platform.extensions import get_db
from hub.platform.models import utcnow
from hub.tracking.calendar import local_day
from hub.tracking.ofsted_return import ReturnYear, ofsted_csv, ofsted_return_for_caller
from hub.web.staff.session import staff_request_context


def ofsted_return_page(
    template: str, endpoint: str, label_of: Callable[[str], str], **context: Any
) -> Response | tuple[str, int]:
    """The year chosen by ``?year=2025-26`` (the last complete year by default), as a page or,
    with ``?format=csv``, as the return's CSV; an unreadable year is a 400 page saying so."""
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
    page = render_template(
        template,
        figures=figures,
        error=error,
        years=[ReturnYear(latest.first - back).label for back in range(-1, 4)],
        chosen=year.label,
        label_of=label_of,
        csv_href=url_for(endpoint, year=year.label, format="csv"),
        **context,
    )
    return page, 400 if error else 200
