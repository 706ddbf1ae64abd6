# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""The case system API: exports, the changes feed, bulk import of outcomes.

Council and delivery-body tokens only; each sees only its own councils' referrals. Exports
carry personal data: POST (never in a URL), ``Cache-Control: no-store``, audited.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import RAISE

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.case_system.downloads import export_response
from hub.case_system.import_outcomes import apply_import, preview_import
from hub.case_system.read_changes import read_changes
from hub.case_system.read_export import ExportFilter, export_one, export_rows, start_export
from hub.case_system.schemas import (
    CSV_BODY,
    EXPORT_CONTENT,
    EXPORT_LIST_SCHEMA,
    ChangesPageSchema,
    ChangesQuerySchema,
    ExportFormatSchema,
    ImportResultSchema,
)
from hub.platform.api_blueprint import Blueprint
from hub.platform.errors import UnsupportedMediaTypeError
from hub.platform.extensions import get_db

blp = Blueprint(
    "council_case_system",
    __name__,
    description="The council's case system: exports, the changes feed, importing outcomes.",
)

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_NOT_FOUND = "No referral with this reference is in your inbox (also for other councils')."
IMPORT_ENDPOINTS = ("council_case_system.import_preview", "council_case_system.import_apply")


@blp.before_request
def _authenticate() -> None:
    files = ("text/csv",) if request.endpoint in IMPORT_ENDPOINTS else ()
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY, also_accept=files)


@blp.route("/v1/council/referrals/<string:reference>/export", methods=["POST"])
@blp.arguments(ExportFormatSchema, location="json", unknown=RAISE)
@blp.doc(responses={"200": EXPORT_CONTENT})
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(404, description=_NOT_FOUND)
@blp.alt_response(422, description="The body needs checking.")
@blp.doc(security=BEARER_SECURITY)
def export_referral(args: dict[str, Any], reference: str) -> Response:
    """One referral in the export's columns, as CSV or JSON (a one-item array). Audited."""
    row = export_one(get_db(), request_context(), reference, args["format"])
    return export_response(iter([row]), args["format"], reference)


@blp.route("/v1/council/exports", methods=["POST"])
@blp.arguments(EXPORT_LIST_SCHEMA, location="json", unknown=RAISE, required=False)
@blp.doc(responses={"200": EXPORT_CONTENT})
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(422, description="A filter needs checking.")
@blp.doc(security=BEARER_SECURITY)
def export_list(args: dict[str, Any]) -> Response:
    """Your referrals under the tray's filters, due first, streamed as CSV or JSON.

    Without a stage filter, journeys that ended are left out (as in the tray). The export is
    audited (the filter and the count, never the rows) before the first row is sent.
    """
    wanted = ExportFilter(
        view=args["view"],
        stage=args.get("stage"),
        owner=args.get("owner"),
        clock=args.get("clock"),
        received_from=args.get("received_from"),
        received_to=args.get("received_to"),
    )
    db, ctx = get_db(), request_context()
    start_export(db, ctx, wanted, args["format"])
    return export_response(export_rows(db, ctx, wanted), args["format"], "referrals")


@blp.route("/v1/council/changes", methods=["GET"])
@blp.arguments(ChangesQuerySchema, location="query", unknown=RAISE)
@blp.response(200, ChangesPageSchema)
@blp.alt_response(400, description="The cursor could not be read.")
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.doc(security=BEARER_SECURITY)
def changes(args: dict[str, Any]) -> dict[str, Any]:
    """Every change to your referrals, in order, after ``cursor``: routed or transferred in,
    transferred out or returned to the hub, owner changes, contact attempts, stages, follow-up
    outcomes. Codes and references only. Keep ``next_cursor`` and pass it back; nothing is
    skipped, also when changes commit out of order."""
    return read_changes(get_db(), request_context(), args.get("cursor"), limit=args["limit"])


def _csv_body() -> bytes:
    if request.mimetype != "text/csv":
        raise UnsupportedMediaTypeError("Send the file as text/csv.")
    return request.get_data(cache=False)


@blp.route("/v1/council/imports/preview", methods=["POST"])
@blp.doc(requestBody=CSV_BODY)
@blp.response(200, ImportResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(413, description="The file is larger than the import limit.")
@blp.alt_response(415, description="Not text/csv.")
@blp.alt_response(422, description="The file cannot be read (header, rows, encoding).")
@blp.doc(security=BEARER_SECURITY)
def import_preview() -> dict[str, Any]:
    """What applying this file would record, row by row; nothing is stored. Audited."""
    return preview_import(get_db(), request_context(), _csv_body())


@blp.route("/v1/council/imports", methods=["POST"])
@blp.doc(requestBody=CSV_BODY)
@blp.response(200, ImportResultSchema)
@blp.alt_response(401, description=_UNAUTHORIZED)
@blp.alt_response(409, description="A referral changed meanwhile; nothing was recorded.")
@blp.alt_response(413, description="The file is larger than the import limit.")
@blp.alt_response(415, description="Not text/csv.")
@blp.alt_response(
    422, description="A row needs checking: nothing was recorded (every row's result is in rows)."
)
@blp.doc(security=BEARER_SECURITY)
def import_apply() -> dict[str, Any]:
    """Record every row's stage, or none. Rows already recorded change nothing. Audited."""
    return apply_import(get_db(), request_context(), _csv_body())
