# flask-smorest is untyped: its decorators would otherwise make every view untyped.
# mypy: disable-error-code="untyped-decorator"
"""The tracking API: journeys and follow-ups for councils; clocks and follow-ups for operators.

Council routes need a council or delivery-body token and see only the referrals the caller
holds now (404 and audited otherwise); operator routes need a hub operator token.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import RAISE

from hub.access.guard import BEARER_SECURITY, request_context
from hub.access.models import TokenScope
from hub.audit.api_guard import guard_api_request
from hub.platform.api_blueprint import Blueprint
from hub.platform.extensions import get_db
from hub.platform.models import utcnow
from hub.platform.openapi import ROW_ID
from hub.tracking.calendar import local_day
from hub.tracking.models import AssessmentTaskKind
from hub.tracking.ofsted_reasons import deprecation_header
from hub.tracking.ofsted_return import ReturnYear, ofsted_csv, ofsted_return_for_caller
from hub.tracking.read_journey import get_journey, list_clocks_for_operators, list_follow_ups
from hub.tracking.record_outcome import record_follow_up_outcome
from hub.tracking.record_stage import record_progress
from hub.tracking.record_task import open_task_by_hand, record_task
from hub.tracking.report_queries import GroupBy
from hub.tracking.reports import ReportName, report_for_caller, to_csv
from hub.tracking.schemas import (
    ClockListSchema,
    ClockQuerySchema,
    FollowUpListSchema,
    FollowUpQuerySchema,
    FollowUpSchema,
    JourneySchema,
    OfstedQuerySchema,
    OfstedReturnSchema,
    OutcomeInSchema,
    ProgressInSchema,
    ReportQuerySchema,
    ReportSchema,
    StageNotAllowedProblemSchema,
)
from hub.tracking.task_schemas import TASK_KINDS, TaskInSchema, TaskOpenInSchema, TaskSchema

council_blp = Blueprint(
    "council_tracking",
    __name__,
    description="Council tracking: journey stages, clocks and retention follow-ups.",
)
ops_blp = Blueprint(
    "ops_tracking", __name__, description="Hub operators: clocks and hub-owned follow-ups."
)

_UNAUTHORIZED = "Missing, unknown or revoked token (WWW-Authenticate: Bearer)."
_NOT_FOUND = "No referral with this reference is in your inbox (also for other councils')."
_NO_FOLLOW_UP = "No follow-up with this id is yours (also for other councils')."


@council_blp.before_request
def _authenticate_council() -> None:
    guard_api_request(TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)


@ops_blp.before_request
def _authenticate_operator() -> None:
    guard_api_request(TokenScope.HUB)


@council_blp.route("/v1/council/referrals/<string:reference>/progress", methods=["POST"])
@council_blp.arguments(ProgressInSchema, location="json")
@council_blp.response(200, JourneySchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NOT_FOUND)
@council_blp.alt_response(
    409,
    schema=StageNotAllowedProblemSchema,
    description="The stage cannot follow (allowed_stages lists those that can).",
)
@council_blp.alt_response(422, description="The body needs checking (problem+json with errors).")
@council_blp.doc(security=BEARER_SECURITY)
def progress(data: dict[str, Any], reference: str) -> Any:
    """Record a stage of the referral's journey; answers with the whole journey.

    A renamed reason code is still taken for one release, answered with a Deprecation header.
    """
    journey = record_progress(
        get_db(),
        request_context(),
        reference,
        stage=data["stage"],
        occurred_at=data.get("occurred_at"),
        reason=data.get("reason"),
        note=data.get("note"),
        written_reasons_sent_on=data.get("written_reasons_sent_on"),
        written_reasons_not_sent=data.get("written_reasons_not_sent"),
    )
    return (journey, deprecation_header()) if data["deprecated_reason"] else journey


@council_blp.route("/v1/council/referrals/<string:reference>/journey", methods=["GET"])
@council_blp.response(200, JourneySchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NOT_FOUND)
@council_blp.doc(security=BEARER_SECURITY)
def journey(reference: str) -> dict[str, Any]:
    """Stages, clocks and follow-ups of one referral. Audited."""
    return get_journey(get_db(), request_context(), reference)


@council_blp.route("/v1/council/follow-ups", methods=["GET"])
@council_blp.arguments(FollowUpQuerySchema, location="query", unknown=RAISE)
@council_blp.response(200, FollowUpListSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.doc(security=BEARER_SECURITY)
def council_follow_ups(args: dict[str, Any]) -> dict[str, Any]:
    """Your follow-ups (of the referrals you hold), soonest due first (at most 500)."""
    return list_follow_ups(get_db(), request_context(), **args)


@council_blp.route(f"/v1/council/follow-ups/<{ROW_ID}:follow_up_id>/outcome", methods=["POST"])
@council_blp.arguments(OutcomeInSchema, location="json")
@council_blp.response(200, FollowUpSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NO_FOLLOW_UP)
@council_blp.alt_response(409, description="Already done or cancelled, or the journey refuses.")
@council_blp.alt_response(422, description="The body needs checking (problem+json with errors).")
@council_blp.doc(security=BEARER_SECURITY)
def council_outcome(data: dict[str, Any], follow_up_id: int) -> Any:
    """Record a follow-up's outcome (consent_withdrawn cancels what needs consent)."""
    return _outcome(data, follow_up_id)


@ops_blp.route("/v1/ops/clocks", methods=["GET"])
@ops_blp.arguments(ClockQuerySchema, location="query", unknown=RAISE)
@ops_blp.response(200, ClockListSchema)
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.doc(security=BEARER_SECURITY)
def clocks(args: dict[str, Any]) -> dict[str, Any]:
    """Clocks in a state across councils, soonest due first.

    The default, `breached`, lists clocks past due and not met (met late is not listed), as
    the dashboard counts them.
    """
    return list_clocks_for_operators(
        get_db(), request_context(), state=args["state"], authority_code=args.get("authority")
    )


@ops_blp.route("/v1/ops/follow-ups", methods=["GET"])
@ops_blp.arguments(FollowUpQuerySchema, location="query", unknown=RAISE)
@ops_blp.response(200, FollowUpListSchema)
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.doc(security=BEARER_SECURITY)
def ops_follow_ups(args: dict[str, Any]) -> dict[str, Any]:
    """The hub's own follow-ups (re-engagement of withdrawn enquirers)."""
    return list_follow_ups(get_db(), request_context(), **args)


@ops_blp.route(f"/v1/ops/follow-ups/<{ROW_ID}:follow_up_id>/outcome", methods=["POST"])
@ops_blp.arguments(OutcomeInSchema, location="json")
@ops_blp.response(200, FollowUpSchema)
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.alt_response(404, description=_NO_FOLLOW_UP)
@ops_blp.alt_response(409, description="Already done or cancelled, or the journey refuses.")
@ops_blp.doc(security=BEARER_SECURITY)
def ops_outcome(data: dict[str, Any], follow_up_id: int) -> Any:
    """Record the outcome of one of the hub's follow-ups."""
    return _outcome(data, follow_up_id)


def _outcome(data: dict[str, Any], follow_up_id: int) -> Any:
    deprecated = data.pop("deprecated_reason", False)
    result = record_follow_up_outcome(get_db(), request_context(), follow_up_id, **data)
    return (result, deprecation_header()) if deprecated else result


# format=csv answers the same figures as a spreadsheet: documented beside the JSON body (a
# response's doc replaces the generated content, so both media types are named here).
CSV_REPORT = {
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Report"}},
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "One line per row. A text cell that a spreadsheet would run as "
                "a formula (it starts with =, +, -, @, a tab or a carriage return and is not "
                "just a number) is written with a leading single quote.",
            }
        },
    }
}


def _report(name: str, args: dict[str, Any]) -> Any:
    report = report_for_caller(
        get_db(),
        request_context(),
        ReportName(name),
        start=args["start"],
        end=args["end"],
        by=GroupBy(args["by"]),
    )
    if args["format"] == "csv":
        return Response(to_csv(report), mimetype="text/csv")
    return {**report, "start": report["from"], "end": report["to"]}


_REPORT_NAMES = "<any(funnel, clocks, retention):name>"


@council_blp.route(f"/v1/council/reports/{_REPORT_NAMES}", methods=["GET"])
@council_blp.arguments(ReportQuerySchema, location="query", unknown=RAISE)
@council_blp.response(200, ReportSchema)
@council_blp.doc(responses={"200": CSV_REPORT})
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(422, description="The query needs checking.")
@council_blp.doc(security=BEARER_SECURITY)
def council_report(args: dict[str, Any], name: str) -> Any:
    """Your own funnel, clocks or retention figures (format=csv for a spreadsheet). Audited."""
    return _report(name, args)


@ops_blp.route(f"/v1/ops/reports/{_REPORT_NAMES}", methods=["GET"])
@ops_blp.arguments(ReportQuerySchema, location="query", unknown=RAISE)
@ops_blp.response(200, ReportSchema)
@ops_blp.doc(responses={"200": CSV_REPORT})
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.alt_response(422, description="The query needs checking.")
@ops_blp.doc(security=BEARER_SECURITY)
def ops_report(args: dict[str, Any], name: str) -> Any:
    """Funnel, clocks or retention across councils; counts under 5 are suppressed. Audited."""
    return _report(name, args)


_TASK = f"<any({', '.join(TASK_KINDS)}):kind>"


@council_blp.route("/v1/council/referrals/<string:reference>/tasks", methods=["POST"])
@council_blp.arguments(TaskOpenInSchema, location="json")
@council_blp.response(201, TaskSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(404, description=_NOT_FOUND)
@council_blp.alt_response(409, description="The application is not recorded yet.")
@council_blp.alt_response(422, description="The body needs checking (problem+json with errors).")
@council_blp.doc(security=BEARER_SECURITY)
def open_task(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Open the previous provider's reference (reg 26(1A)(b)): the applicant fostered for
    another service in the last 12 months. Answers the task (as it is, if open already)."""
    return open_task_by_hand(
        get_db(), request_context(), reference, AssessmentTaskKind(data["kind"])
    )


@council_blp.route(f"/v1/council/referrals/<string:reference>/tasks/{_TASK}", methods=["POST"])
@council_blp.arguments(TaskInSchema, location="json")
@council_blp.response(200, TaskSchema)
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(
    404, description=_NOT_FOUND + " Also: no task of that kind for this referral."
)
@council_blp.alt_response(409, description="The application is not recorded yet.")
@council_blp.alt_response(
    422, description="A day before the application or the request, or in the future."
)
@council_blp.doc(security=BEARER_SECURITY)
def update_task(data: dict[str, Any], reference: str, kind: str) -> dict[str, Any]:
    """Record the day the request was sent, the day the views or the reference came back,
    or a note. A day left out keeps the one recorded."""
    return record_task(get_db(), request_context(), reference, AssessmentTaskKind(kind), **data)


# The return as JSON, or with Accept: text/csv as the return's CSV columns.
CSV_OFSTED = {
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/OfstedReturn"}},
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "The return's columns, one line per council and one for all.",
            }
        },
    }
}


def _ofsted(args: dict[str, Any]) -> Any:
    year = args.get("year") or ReturnYear.last_complete(local_day(utcnow()))
    figures = ofsted_return_for_caller(get_db(), request_context(), year)
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    if best == "text/csv":
        return Response(
            ofsted_csv(figures),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=ofsted-{year.label}.csv"},
        )
    return {**figures, "start": figures["from"], "end": figures["to"]}


@council_blp.route("/v1/council/reports/ofsted", methods=["GET"])
@council_blp.arguments(OfstedQuerySchema, location="query", unknown=RAISE)
@council_blp.response(200, OfstedReturnSchema)
@council_blp.doc(responses={"200": CSV_OFSTED})
@council_blp.alt_response(401, description=_UNAUTHORIZED)
@council_blp.alt_response(422, description="The year needs checking.")
@council_blp.doc(security=BEARER_SECURITY)
def council_ofsted(args: dict[str, Any]) -> Any:
    """Your own Ofsted fostering data return for a year, every count shown. Audited."""
    return _ofsted(args)


@ops_blp.route("/v1/ops/reports/ofsted", methods=["GET"])
@ops_blp.arguments(OfstedQuerySchema, location="query", unknown=RAISE)
@ops_blp.response(200, OfstedReturnSchema)
@ops_blp.doc(responses={"200": CSV_OFSTED})
@ops_blp.alt_response(401, description=_UNAUTHORIZED)
@ops_blp.alt_response(422, description="The year needs checking.")
@ops_blp.doc(security=BEARER_SECURITY)
def ops_ofsted(args: dict[str, Any]) -> Any:
    """Every council's Ofsted return for a year; counts from 1 to 4 hidden. Audited."""
    return _ofsted(args)
