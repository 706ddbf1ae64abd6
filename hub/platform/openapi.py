"""The OpenAPI document tells the truth about errors: every one is ``application/problem+json``.

flask-smorest documents error responses as ``application/json`` with its own error schema, and
``alt_response(4xx, description=...)`` documents no body at all. The plugin below rewrites every
error response of every operation (any blueprint, present or future) to the problem shape, so
no route has to say it.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from marshmallow import Schema, fields

from hub.platform.errors import PROBLEM_MIMETYPE
from hub.platform.fields import MAX_ROW_ID

PROBLEM_SCHEMA_NAME = "Problem"

# The converter for a row id in a path (``f"/things/<{ROW_ID}:thing_id>"``): a positive BIGINT.
# Anything else does not match the route (404, as for an id that does not exist) instead of
# reaching the database, where an id beyond BIGINT overflows; flask-smorest documents the
# bounds as the parameter's minimum and maximum.
ROW_ID = f"int(min=1, max={MAX_ROW_ID})"


class FieldErrorSchema(Schema):
    field = fields.String(required=True, metadata={"example": "household.adults"})
    message = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error on every route is sent."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "Stable, machine-readable."})
    request_id = fields.String(required=True, allow_none=True)
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata={"description": "For validation problems: one entry per field."},
    )


def problem_content() -> dict[str, Any]:
    """The ``content`` of an error response: the problem schema as problem+json."""
    return {PROBLEM_MIMETYPE: {"schema": PROBLEM_SCHEMA_NAME}}


def _is_error(status: Any) -> bool:
    text = str(status)
    return text == "default" or (text.isdigit() and int(text) >= 400)


class ProblemResponsesPlugin(BasePlugin):
    """Document every 4xx/5xx/default response of an operation as a problem+json body."""

    def operation_helper(
        self,
        path: str | None = None,
        operations: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            for status, response in (operation.get("responses") or {}).items():
                # A string is a reference to a registered response (see ProblemApi).
                if not _is_error(status) or not isinstance(response, dict):
                    continue
                if "$ref" in response:
                    continue
                content = response.get("content") or {}
                body = content.pop("application/json", None)
                if body is not None and PROBLEM_MIMETYPE not in content:
                    content[PROBLEM_MIMETYPE] = body
                response["content"] = content or problem_content()


class SchemaConstraintsPlugin(BasePlugin):
    """Document a schema's cross-field rules (``openapi_constraints``) in its component.

    A marshmallow schema whose ``@validates_schema`` ties fields together (a reason only for
    some stages, say) declares the same rule as JSON Schema keywords (``oneOf``, ``not``),
    so the OpenAPI document says what the server enforces and no schema-valid body is refused.
    """

    def schema_helper(
        self, name: str, definition: dict[str, Any], **kwargs: Any
    ) -> dict[str, Any] | None:
        constraints = getattr(kwargs.get("schema"), "openapi_constraints", None)
        return constraints() if callable(constraints) else None
