"""What the case system API takes and gives: exports, the changes feed, imports."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hub.case_system.export_columns import COLUMNS
from hub.case_system.read_changes import CURSOR_PATTERN, CURSOR_PREFIX
from hub.casework.schemas import TrayQuerySchema

FORMATS = ("csv", "json")


class ExportFormatSchema(Schema):
    format = fields.String(
        load_default="csv",
        validate=validate.OneOf(FORMATS),
        metadata={"description": "csv (a spreadsheet or case system import) or json."},
    )


class ExportListSchema(TrayQuerySchema):
    """The tray's filters (no paging: the whole list is streamed) and the format."""

    format = fields.String(
        load_default="csv",
        validate=validate.OneOf(FORMATS),
        metadata={"description": "csv (a spreadsheet or case system import) or json."},
    )


EXPORT_LIST_SCHEMA = ExportListSchema(exclude=("cursor", "limit"))


class ChangesQuerySchema(Schema):
    cursor = fields.String(
        validate=validate.Length(max=4096),
        metadata={
            "description": f"The next_cursor of the last page (starts {CURSOR_PREFIX}), as "
            "given. Leave out to read from the start.",
            "pattern": CURSOR_PATTERN,
        },
    )
    limit = fields.Integer(
        load_default=100,
        validate=validate.Range(1, 1000),
        metadata={"description": "Changes per page (1 to 1000)."},
    )


class ChangeSchema(Schema):
    council_code = fields.String(required=True)
    seq = fields.Integer(
        required=True, metadata={"description": "The change's number in its council's feed."}
    )
    kind = fields.String(required=True, metadata={"example": "journey.stage_recorded"})
    reference = fields.String(required=True, metadata={"example": "FE-7K3M9Q2D"})
    occurred_at = fields.DateTime(required=True)
    recorded_at = fields.DateTime(required=True)
    detail = fields.Dict(
        required=True, metadata={"description": "Codes only (stage, reason, outcome, ids)."}
    )


class ChangesPageSchema(Schema):
    items = fields.List(fields.Nested(ChangeSchema), required=True)
    next_cursor = fields.String(
        required=True,
        metadata={"description": "Pass back as cursor; the same cursor when nothing is new."},
    )
    more = fields.Boolean(required=True, metadata={"description": "More changes are waiting."})


class ImportRowSchema(Schema):
    line = fields.Integer(required=True, metadata={"description": "The file's line (header 1)."})
    reference = fields.String(required=True)
    stage = fields.String(required=True)
    date = fields.String(required=True)
    reason = fields.String(allow_none=True)
    result = fields.String(
        required=True,
        metadata={"description": "will_record, recorded, already_recorded or refused."},
    )
    errors = fields.List(fields.Dict(), required=True)


class ImportSummarySchema(Schema):
    rows = fields.Integer(required=True)
    will_record = fields.Integer(required=True)
    recorded = fields.Integer(required=True)
    already_recorded = fields.Integer(required=True)
    refused = fields.Integer(required=True)


class ImportResultSchema(Schema):
    applied = fields.Boolean(required=True)
    summary = fields.Nested(ImportSummarySchema, required=True)
    rows = fields.List(fields.Nested(ImportRowSchema), required=True)


EXPORT_CONTENT = {
    "content": {
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "A header line of the columns, then one line per referral. A text "
                "cell a spreadsheet would run as a formula is written with a leading single "
                "quote. Columns: " + ", ".join(COLUMNS) + " (docs/case-system.md).",
            }
        },
        "application/json": {
            "schema": {
                "type": "array",
                "items": {"type": "object", "properties": {c: {} for c in COLUMNS}},
            }
        },
    },
    "description": "The export (Cache-Control: no-store).",
}

CSV_BODY = {
    "required": True,
    "content": {
        "text/csv": {
            "schema": {
                "type": "string",
                "description": "UTF-8 CSV: the header reference,stage,date,reason, then at most "
                "10,000 rows. date: 2026-03-14 or 14/03/2026 (England). reason: for "
                "withdrawn, not_progressed and deregistered.",
            }
        }
    },
}
