"""The front door: prospective carers submit enquiries and check their status."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Response, request, url_for

from hub.enquiries.queries import find_enquiry_by_reference
from hub.intake.schemas import EnquiryAcceptedSchema, EnquiryInSchema, EnquiryStatusSchema
from hub.intake.submit import request_fingerprint, submit_enquiry
from hub.platform.api_blueprint import Blueprint
from hub.platform.errors import MalformedRequestError, NotFoundError, UnsupportedMediaTypeError
from hub.platform.extensions import app_settings, get_db
from hub.platform.json_body import is_json_request, parsed_json_body
from hub.platform.metrics import (
    ENQUIRIES_REJECTED,
    ENQUIRIES_REPLAYED,
)
from hub.platform.rate_limit import intake_limit

blp = Blueprint(
    "intake",
    __name__,
    description="Enquiries from people thinking about fostering.",
)

MAX_IDEMPOTENCY_KEY = 255
# Printable ASCII, not starting or ending with a space (HTTP trims those): 1 to 255 characters.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
REPLAYED_HEADER = "Idempotent-Replayed"


@blp.before_request
def _require_json() -> None:
    if request.method == "POST" and not is_json_request():
        raise UnsupportedMediaTypeError("Send the enquiry with Content-Type: application/json.")


@blp.after_request
def _count_rejections(response: Response) -> Response:
    # Nothing of a rejected request is kept, except this count by problem code.
    if request.method == "POST" and response.status_code >= 400:
        code = "unknown"
        if response.mimetype == "application/problem+json":
            body = response.get_json(silent=True)
            code = str(body.get("code", "unknown")) if isinstance(body, dict) else "unknown"
        ENQUIRIES_REJECTED.labels(code=code).inc()
    return response


def public_status_url(reference: str) -> str:
    # HUB_PUBLIC_BASE_URL is required in production, so there the link never echoes the
    # request's Host header; without it (development, tests) the request's host is used.
    base = app_settings().public_base_url
    path = url_for("intake.get_enquiry_status", reference=reference)
    return (
        base.rstrip("/") + path
        if base
        else url_for("intake.get_enquiry_status", reference=reference, _external=True)
    )


@blp.route("/v1/enquiries", methods=["POST"])
@intake_limit
@blp.arguments(EnquiryInSchema(), location="json")  # an instance: no schema build per request
@blp.response(
    202,
    EnquiryAcceptedSchema,
    headers={
        "Location": {
            "description": "The enquiry's status URL (as status_url).",
            "schema": {"type": "string", "format": "uri"},
        },
        REPLAYED_HEADER: {
            "description": "`true` when this answers a retry with an Idempotency-Key already "
            "used: the body is the first answer, unchanged (its status is the status at "
            "first acceptance; follow status_url for the current one).",
            "schema": {"type": "string", "enum": ["true"]},
        },
    },
)
@blp.alt_response(422, description="Some answers need checking (problem+json with errors).")
@blp.alt_response(400, description="The body is not JSON.")
@blp.alt_response(413, description="The body is over 32 KB.")
@blp.alt_response(415, description="The body is not application/json.")
@blp.alt_response(429, description="Too many requests from this address; see Retry-After.")
@blp.doc(
    parameters=[
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_IDEMPOTENCY_KEY,
                "pattern": IDEMPOTENCY_KEY_PATTERN,
            },
            "description": "Makes a retry safe for 24 hours: the same key and body give the "
            "same answer (with `Idempotent-Replayed: true`) and store one enquiry. The same "
            "key with a different body is refused (422 `idempotency_key_reused`): use a new "
            "key (a UUID) for each enquiry.",
        }
    ]
)
def submit(data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Submit an enquiry about fostering.

    The enquiry is stored before this answers 202; routing to the right council follows.
    """
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
        raise MalformedRequestError(
            "Idempotency-Key must be 1 to 255 printable ASCII characters.",
            errors=[
                {
                    "field": "Idempotency-Key",
                    "message": "Use 1 to 255 printable ASCII characters, like a UUID.",
                }
            ],
        )
    settings = app_settings()
    db = get_db()
    result = submit_enquiry(
        db,
        data,
        status_url_for=public_status_url,
        idempotency_key=key,
        request_hash=request_fingerprint(parsed_json_body()) if key else None,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
    )
    headers = {"Location": result.body["status_url"]}
    if result.outbox_id is None:
        ENQUIRIES_REPLAYED.inc()
        headers[REPLAYED_HEADER] = "true"
    return result.body, result.status_code, headers


@blp.route("/v1/enquiries/<string:reference>", methods=["GET"])
@blp.response(200, EnquiryStatusSchema)
@blp.alt_response(404, description="No enquiry has this reference.")
def get_enquiry_status(reference: str) -> dict[str, Any]:
    """Where an enquiry stands. Shows nothing personal."""
    with get_db().sessions() as session:
        enquiry = find_enquiry_by_reference(session, reference)
    if enquiry is None:
        raise NotFoundError("We could not find an enquiry with that reference.")
    return {
        "reference": enquiry.reference,
        "status": enquiry.status,
        "status_changed_at": enquiry.status_changed_at,
        "received_at": enquiry.created_at,
    }
