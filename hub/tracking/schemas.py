"""What the tracking API takes and gives: progress, journeys, follow-ups, clocks, reports."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from hub.platform.fields import CleanString, StrictSchema
from hub.platform.openapi import ProblemSchema
from hub.tracking.models import ClockState, FollowUpKind, FollowUpOutcome, FollowUpStatus
from hub.tracking.ofsted_reasons import (
    DEPRECATED,
    DeregistrationReason,
    NotProgressedReason,
    current_code,
)
from hub.tracking.ofsted_return import ReturnYear
from hub.tracking.record_outcome import SupportNeeded
from hub.tracking.record_stage import NO_RESPONSE_ELSEWHERE
from hub.tracking.stages import REASONS, WRITTEN_REASONS, Stage, WrittenReasonsNotSent
from hub.tracking.task_schemas import TaskSchema

# The reasons POST .../progress takes: "not progressed: no response" needs its contact attempts
# and a manager's sign-off, so only hub/casework/close_no_response.py records it.
PROGRESS_REASONS: dict[Stage, tuple[str, ...]] = {
    stage: tuple(
        r
        for r in reasons
        if not (stage is Stage.NOT_PROGRESSED and r == NotProgressedReason.NO_RESPONSE)
    )
    for stage, reasons in REASONS.items()
}

_OLD_CODES = "Codes renamed in this release are accepted until the next (answered with a "
_OLD_CODES += "Deprecation header): " + ", ".join(f"{old} ({stage})" for stage, old in DEPRECATED)


class ProgressInSchema(StrictSchema):
    stage = fields.String(required=True, validate=validate.OneOf([str(s) for s in Stage]))
    occurred_at = fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "When it happened (default now); not in the future."},
    )
    reason = fields.String(
        metadata={
            "description": "Required for withdrawn, not_progressed and deregistered. " + _OLD_CODES
        }
    )
    note = CleanString(
        validate=validate.Length(max=2000),
        allow_newlines=True,
        metadata={"description": "Free text, kept encrypted; erased at the end of retention."},
    )
    written_reasons_sent_on = fields.Date(
        metadata={
            "description": "not_progressed and refused: the day written reasons were sent "
            "(not before the stage, not in the future). Else written_reasons_not_sent."
        }
    )
    written_reasons_not_sent = fields.String(
        validate=validate.OneOf([str(r) for r in WrittenReasonsNotSent]),
        metadata={"description": "not_progressed and refused: why no written reasons were sent."},
    )

    @classmethod
    def openapi_constraints(cls) -> dict[str, Any]:
        """The rule of ``_reason_fits_the_stage`` in JSON Schema: one branch per kind of stage."""
        plain = [str(s) for s in Stage if s not in REASONS]
        return {
            "allOf": [cls._reason_constraints(plain), cls._written_constraints()],
        }

    @classmethod
    def _written_constraints(cls) -> dict[str, Any]:
        written = sorted(str(s) for s in WRITTEN_REASONS)
        sent, not_sent = ["written_reasons_sent_on"], ["written_reasons_not_sent"]
        return {
            "oneOf": [
                {
                    "properties": {"stage": {"not": {"enum": written}}},
                    "not": {"anyOf": [{"required": sent}, {"required": not_sent}]},
                },
                {
                    "properties": {"stage": {"enum": written}},
                    "required": sent,
                    "not": {"required": not_sent},
                },
                {
                    "properties": {"stage": {"enum": written}},
                    "required": not_sent,
                    "not": {"required": sent},
                },
            ]
        }

    @classmethod
    def _reason_constraints(cls, plain: list[str]) -> dict[str, Any]:
        old = {(str(stage), code) for stage, code in DEPRECATED}
        return {
            "oneOf": [
                {"properties": {"stage": {"enum": plain}}, "not": {"required": ["reason"]}},
                *(
                    {
                        "properties": {
                            "stage": {"enum": [str(stage)]},
                            "reason": {
                                "enum": [
                                    *reasons,
                                    *(code for st, code in sorted(old) if st == stage),
                                ]
                            },
                        },
                        "required": ["reason"],
                    }
                    for stage, reasons in PROGRESS_REASONS.items()
                ),
            ]
        }

    @validates_schema
    def _reason_fits_the_stage(self, data: dict[str, Any], **_: Any) -> None:
        stage = Stage(data["stage"]) if data.get("stage") in set(Stage) else None
        reason = data.get("reason")
        if stage is None:
            return
        allowed = REASONS.get(stage)
        if allowed is None and reason is not None:
            raise ValidationError(
                "Only withdrawn, not_progressed and deregistered take a reason.", "reason"
            )
        if allowed is not None and reason is None:
            raise ValidationError(f"{stage} needs a reason: one of {', '.join(allowed)}.", "reason")
        if stage is Stage.NOT_PROGRESSED and reason == NotProgressedReason.NO_RESPONSE:
            raise ValidationError(NO_RESPONSE_ELSEWHERE, "reason")
        if allowed is not None and current_code(stage, reason)[0] not in allowed:
            raise ValidationError(f"Must be one of: {', '.join(allowed)}.", "reason")

    @validates_schema
    def _written_reasons_fit_the_stage(self, data: dict[str, Any], **_: Any) -> None:
        stage = Stage(data["stage"]) if data.get("stage") in set(Stage) else None
        if stage is None:
            return
        sent, why_not = data.get("written_reasons_sent_on"), data.get("written_reasons_not_sent")
        if stage not in WRITTEN_REASONS:
            for name, value in (
                ("written_reasons_sent_on", sent),
                ("written_reasons_not_sent", why_not),
            ):
                if value is not None:
                    raise ValidationError("Only not_progressed and refused take this.", name)
            return
        if sent is None and why_not is None:
            raise ValidationError(
                f"{stage} needs the day written reasons were sent, or "
                "written_reasons_not_sent saying why not.",
                "written_reasons_sent_on",
            )
        if sent is not None and why_not is not None:
            raise ValidationError(
                "Give the day written reasons were sent or why not, not both.",
                "written_reasons_not_sent",
            )

    @post_load
    def _current_reason(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """A renamed reason code becomes its new name; ``deprecated_reason`` says it was old."""
        reason, old = current_code(data["stage"], data.get("reason"))
        if data.get("reason") is not None:
            data["reason"] = reason
        data["deprecated_reason"] = old
        return data


class OutcomeInSchema(StrictSchema):
    outcome = fields.String(
        required=True, validate=validate.OneOf([str(o) for o in FollowUpOutcome])
    )
    support = fields.String(validate=validate.OneOf([str(s) for s in SupportNeeded]))
    reason = fields.String(
        validate=validate.OneOf(
            [
                *(str(r) for r in DeregistrationReason),
                *(code for stage, code in DEPRECATED if stage == "deregistered"),
            ],
        ),
        metadata={"description": "deregistered: why. " + _OLD_CODES},
    )
    note = CleanString(validate=validate.Length(max=2000), allow_newlines=True)

    @post_load
    def _current_reason(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        reason, old = current_code("deregistered", data.get("reason"))
        if data.get("reason") is not None:
            data["reason"] = reason
        data["deprecated_reason"] = old
        return data

    @classmethod
    def openapi_constraints(cls) -> dict[str, Any]:
        """The rule of ``_details_fit_the_outcome`` in JSON Schema."""
        special = {str(FollowUpOutcome.NEEDS_SUPPORT), str(FollowUpOutcome.DEREGISTERED)}
        plain = [str(o) for o in FollowUpOutcome if str(o) not in special]
        return {
            "oneOf": [
                {
                    "properties": {"outcome": {"enum": plain}},
                    "not": {"anyOf": [{"required": ["support"]}, {"required": ["reason"]}]},
                },
                {
                    "properties": {"outcome": {"enum": [str(FollowUpOutcome.NEEDS_SUPPORT)]}},
                    "required": ["support"],
                    "not": {"required": ["reason"]},
                },
                {
                    "properties": {"outcome": {"enum": [str(FollowUpOutcome.DEREGISTERED)]}},
                    "required": ["reason"],
                    "not": {"required": ["support"]},
                },
            ]
        }

    @validates_schema
    def _details_fit_the_outcome(self, data: dict[str, Any], **_: Any) -> None:
        outcome = data.get("outcome")
        if outcome == FollowUpOutcome.NEEDS_SUPPORT and not data.get("support"):
            raise ValidationError("needs_support names the support needed.", "support")
        if outcome != FollowUpOutcome.NEEDS_SUPPORT and data.get("support"):
            raise ValidationError("Only needs_support names a support.", "support")
        if outcome == FollowUpOutcome.DEREGISTERED and not data.get("reason"):
            raise ValidationError("deregistered needs a reason.", "reason")
        if outcome != FollowUpOutcome.DEREGISTERED and data.get("reason"):
            raise ValidationError("Only deregistered takes a reason.", "reason")


class StageSchema(Schema):
    stage = fields.String(required=True)
    occurred_at = fields.DateTime(required=True)
    recorded_at = fields.DateTime(required=True)
    authority_code = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    ofsted_code = fields.String(
        allow_none=True,
        metadata={"description": "Ofsted's code for the reason (AW0..AW5 for a withdrawal)."},
    )
    written_reasons_sent_on = fields.Date(allow_none=True)
    written_reasons_not_sent = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class ClockSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String()
    kind = fields.String(required=True)
    state = fields.String(required=True)
    target = fields.String(required=True)
    basis = fields.String(
        metadata={
            "description": "law, national_minimum_standards, or local (the council's own "
            "target). A window (state window_open or window_closed) is the applicant's time."
        }
    )
    source = fields.String(metadata={"description": "Where the target comes from."})
    authority_code = fields.String(allow_none=True)
    started_at = fields.DateTime(required=True)
    due_at = fields.DateTime(required=True)
    met_at = fields.DateTime(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    paused_at = fields.DateTime(allow_none=True)
    stopped_at = fields.DateTime(allow_none=True)


class FollowUpSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    kind = fields.String(required=True)
    occurrence = fields.Integer(required=True)
    due_on = fields.Date(required=True)
    owner = fields.String(required=True)
    status = fields.String(required=True)
    needs_consent = fields.Boolean(required=True)
    outcome = fields.String(allow_none=True)
    outcome_detail = fields.Dict(keys=fields.String(), values=fields.String())
    completed_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)


class JourneySchema(Schema):
    reference = fields.String(required=True)
    authority_code = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    allowed_stages = fields.List(fields.String(), required=True)
    stages = fields.List(fields.Nested(StageSchema), required=True)
    clocks = fields.List(fields.Nested(ClockSchema), required=True)
    follow_ups = fields.List(fields.Nested(FollowUpSchema), required=True)
    tasks = fields.List(
        fields.Nested(TaskSchema),
        required=True,
        metadata={"description": "The Stage 1 checks the law names, opened with the application."},
    )


class FollowUpQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf([str(s) for s in FollowUpStatus]))
    due_before = fields.Date(metadata={"description": "Due on or before this day."})
    kind = fields.String(validate=validate.OneOf([str(k) for k in FollowUpKind]))


class FollowUpListSchema(Schema):
    items = fields.List(fields.Nested(FollowUpSchema), required=True)
    count = fields.Integer(required=True)


class ClockQuerySchema(StrictSchema):
    state = fields.String(
        load_default=str(ClockState.BREACHED),
        validate=validate.OneOf([str(s) for s in ClockState]),
    )
    authority = fields.String(validate=validate.Length(equal=9))


class ClockListSchema(Schema):
    items = fields.List(fields.Nested(ClockSchema), required=True)
    count = fields.Integer(required=True)


class ReportQuerySchema(StrictSchema):
    start = fields.Date(required=True, data_key="from", metadata={"description": "First day."})
    end = fields.Date(
        required=True,
        data_key="to",
        metadata={"description": "Last day: not before from (a 422 names to if it is)."},
    )
    by = fields.String(
        load_default="council", validate=validate.OneOf(["council", "cluster", "campaign", "month"])
    )
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))

    @validates_schema
    def _from_before_to(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("to must not be before from.", "to")


class ReportSchema(Schema):
    report = fields.String(required=True)
    start = fields.String(required=True, data_key="from")
    end = fields.String(required=True, data_key="to")
    by = fields.String(required=True)
    suppressed_under = fields.Integer(allow_none=True)
    rows = fields.List(fields.Dict(), required=True)


# The years a return may be asked for, as the return names them.
RETURN_YEARS = [ReturnYear(first).label for first in range(2000, 2100)]


class OfstedQuerySchema(StrictSchema):
    year = fields.String(
        validate=validate.OneOf(
            RETURN_YEARS, error="A year is written like 2025-26 (1 April 2025 to 31 March 2026)."
        ),
        metadata={
            "description": "The return's year, like 2025-26 (1 April 2025 to 31 March 2026); "
            "the last complete year when left out."
        },
    )

    @post_load
    def _year(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "year" in data:
            try:
                data["year"] = ReturnYear.parse(data["year"])
            except ValueError as exc:
                raise ValidationError(str(exc), field_name="year") from exc
        return data


class OfstedReturnSchema(Schema):
    report = fields.String(required=True)
    year = fields.String(required=True)
    start = fields.String(required=True, data_key="from")
    end = fields.String(required=True, data_key="to")
    definition = fields.String(required=True, metadata={"description": "Of an initial enquiry."})
    suppressed_under = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Counts from 1 to this minus 1 are null (figures crossing "
            "councils only; a council's own return shows every count)."
        },
    )
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(
        fields.Dict(keys=fields.String()),
        required=True,
        metadata={"description": "One row per council, then `all`, keyed by the columns."},
    )


class StageNotAllowedProblemSchema(ProblemSchema):
    """The 409 ``stage_not_allowed`` problem: which stages can follow instead."""

    allowed_stages = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The stages that can be recorded next, in order."},
    )
