"""Council pages for the case system: export one referral or the tray's list, and import
outcomes (upload, preview, apply).

Thin over hub/case_system's use cases with the signed-in staff member as the caller: scoping
(404 outside the council), auditing and the all-or-nothing apply are the API's own. Exports are
POSTs (CSRF), streamed, ``Cache-Control: no-store``. The previewed file travels back to the
apply form in the page itself (a hidden field), never in a URL and never stored.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from hub.case_system.downloads import export_response
from hub.case_system.import_outcomes import apply_import, preview_import
from hub.case_system.outcomes_file import HEADER, MAX_ROWS
from hub.case_system.read_export import ExportFilter, export_one, export_rows, start_export
from hub.case_system.schemas import EXPORT_LIST_SCHEMA, FORMATS
from hub.platform.errors import ValidationFailedError
from hub.platform.extensions import get_db
from hub.web.staff.session import council_staff_required, staff_request_context

bp = Blueprint("council_case_system_pages", __name__, url_prefix="/council")

IMPORT_PAGES = (
    "council_case_system_pages.import_preview",
    "council_case_system_pages.import_apply",
)
_FILTERS = ("view", "stage", "owner", "clock", "from", "to")


def _format() -> str:
    chosen = request.form.get("format", "csv")
    return chosen if chosen in FORMATS else "csv"


@bp.route("/referrals/<string:reference>/export", methods=["POST"])
@council_staff_required
def export_referral(reference: str) -> BaseResponse:
    """Download one referral in the export's columns (404 page outside the council)."""
    fmt = _format()
    row = export_one(get_db(), staff_request_context(), reference, fmt)
    return export_response(iter([row]), fmt, reference)


@bp.route("/tray/export", methods=["POST"])
@council_staff_required
def export_tray() -> BaseResponse | tuple[str, int]:
    """Download the tray's list under the filters it was showing."""
    given = {k: request.form[k] for k in _FILTERS if request.form.get(k, "").strip()}
    given["format"] = _format()
    try:
        args = EXPORT_LIST_SCHEMA.load(given)
    except ValidationError:
        return render_template(
            "council/import.html",
            **_import_page(
                export_error="The tray's filters could not be read: filter the tray again."
            ),
        ), 422
    wanted = ExportFilter(
        view=args["view"],
        stage=args.get("stage"),
        owner=args.get("owner"),
        clock=args.get("clock"),
        received_from=args.get("received_from"),
        received_to=args.get("received_to"),
    )
    db, ctx = get_db(), staff_request_context()
    start_export(db, ctx, wanted, args["format"])
    return export_response(export_rows(db, ctx, wanted), args["format"], "referrals")


def _import_page(**extra: Any) -> dict[str, Any]:
    page = {
        "header": ",".join(HEADER),
        "max_rows": MAX_ROWS,
        "result": None,
        "file_text": "",
        "errors": [],
        **extra,
    }
    page["error_list"] = [{"text": e["message"], "href": "#file"} for e in page["errors"]]
    return page


@bp.route("/import", methods=["GET"])
@council_staff_required
def import_outcomes() -> str:
    """Upload a file of outcomes from the case system."""
    return render_template("council/import.html", **_import_page())


def _uploaded() -> bytes:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data: bytes = upload.read()
        return data
    return request.form.get("file_text", "").encode("utf-8")


@bp.route("/import/preview", methods=["POST"])
@council_staff_required
def import_preview() -> tuple[str, int]:
    """Each row's result; nothing is stored. The apply button sends the same file back."""
    data = _uploaded()
    try:
        result = preview_import(get_db(), staff_request_context(), data)
    except ValidationFailedError as error:
        return render_template(
            "council/import.html",
            **_import_page(errors=error.errors or [{"field": "file", "message": error.detail}]),
        ), 422
    return render_template(
        "council/import.html", **_import_page(result=result, file_text=data.decode("utf-8-sig"))
    ), 200


@bp.route("/import/apply", methods=["POST"])
@council_staff_required
def import_apply() -> tuple[str, int]:
    """Record every row, or none (then every row's result, as the preview showed)."""
    data = _uploaded()
    try:
        result = apply_import(get_db(), staff_request_context(), data)
    except ValidationFailedError as error:
        if "rows" in error.extra:
            refused = {
                "applied": False,
                "summary": error.extra["summary"],
                "rows": error.extra["rows"],
                "refused": True,
            }
            return render_template(
                "council/import.html",
                **_import_page(result=refused, file_text=data.decode("utf-8-sig", "replace")),
            ), 422
        return render_template(
            "council/import.html",
            **_import_page(errors=error.errors or [{"field": "file", "message": error.detail}]),
        ), 422
    return render_template("council/import.html", **_import_page(result=result)), 200
