"""The Stage 1 tasks over the API: what a council sends and reads (``assessment_tasks``)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hub.platform.fields import CleanString, StrictSchema
from hub.tracking.models import AssessmentTaskKind

TASK_KINDS = [str(kind) for kind in AssessmentTaskKind]


class TaskSchema(Schema):
    reference = fields.String(required=True)
    kind = fields.String(
        required=True,
        metadata={
            "description": "home_council_consultation (reg 26(1A)(d)) or "
            "previous_provider_reference (reg 26(1A)(b))."
        },
    )
    status = fields.String(required=True, metadata={"description": "open, requested or done."})
    source = fields.String(required=True, metadata={"description": "The regulation."})
    consulted_code = fields.String(
        allow_none=True, metadata={"description": "The home council consulted (GSS code)."}
    )
    opened_by = fields.String(
        required=True,
        metadata={"description": "application, screening (the enquirer's answer), or who."},
    )
    opened_at = fields.DateTime(required=True)
    due_on = fields.Date(required=True)
    due_basis = fields.String(
        required=True,
        metadata={
            "description": "local: the council's own target from the application; the "
            "regulations set no deadline for these checks."
        },
    )
    overdue = fields.Boolean(required=True)
    request_sent_on = fields.Date(allow_none=True)
    received_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)


class TaskInSchema(StrictSchema):
    request_sent_on = fields.Date(
        metadata={
            "description": "The day the request was sent (England); not before the "
            "application, not in the future."
        }
    )
    received_on = fields.Date(
        metadata={
            "description": "The day the views or the reference came back; not before "
            "the request was sent."
        }
    )
    note = CleanString(validate=validate.Length(max=2000), allow_newlines=True)

    @classmethod
    def openapi_constraints(cls) -> dict[str, Any]:
        """The rule of ``_something`` in JSON Schema: at least one field."""
        return {"minProperties": 1}

    @validates_schema
    def _something(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError(
                "Give request_sent_on, received_on or a note.", field_name="request_sent_on"
            )


class TaskOpenInSchema(StrictSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(
            [str(AssessmentTaskKind.PREVIOUS_PROVIDER_REFERENCE)],
            error="Only previous_provider_reference is opened by hand: the consultation of "
            "the home council opens with the application.",
        ),
    )


class TaskListSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema), required=True)
