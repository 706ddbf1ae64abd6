"""The front door: prospective carers submit enquiries and check their status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint

from hub.enquiries.queries import find_enquiry_by_reference
from hub.intake.schemas import EnquiryAcceptedSchema, EnquiryInSchema, EnquiryStatusSchema
from hub.intake.submit import request_fingerprint, submit_enquiry
from hub.platform.errors import MalformedRequestError, NotFoundError, UnsupportedMediaTypeError
from hub.platform.extensions import app_settings, get_db, intake_rate_limit
from hub.platform.json_body import is_json_request
from hub.platform.metrics import (
    ENQUIRIES_REJECTED,
    ENQUIRIES_REPLAYED,
)
from hub.platform.rate_limit import limiter

blp = Blueprint(
    "intake",
    __name__,
    description="Enquiries from people thinking about fostering.",
)

MAX_IDEMPOTENCY_KEY = 255


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


def _status_url(reference: str) -> str:
    base = app_settings().public_base_url
    path = url_for("intake.get_enquiry_status", reference=reference)
    return (
        base.rstrip("/") + path
        if base
        else url_for("intake.get_enquiry_status", reference=reference, _external=True)
    )


@blp.route("/v1/enquiries", methods=["POST"])
@limiter.limit(intake_rate_limit)
@blp.arguments(EnquiryInSchema(), location="json")  # an instance: no schema build per request
@blp.response(202, EnquiryAcceptedSchema)
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
            "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
            "description": "Makes a retry safe for 24 hours: the same key and body give the "
            "same answer and store one enquiry.",
        }
    ]
)
def submit(data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Submit an enquiry about fostering.

    The enquiry is stored before this answers 202; routing to the right council follows.
    """
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= MAX_IDEMPOTENCY_KEY and key.isprintable()):
        raise MalformedRequestError(
            "Idempotency-Key must be 1 to 255 printable characters.",
            errors=[{"field": "Idempotency-Key", "message": "Use 1 to 255 printable characters."}],
        )
    settings = app_settings()
    db = get_db()
    result = submit_enquiry(
        db,
        data,
        status_url_for=_status_url,
        idempotency_key=key,
        request_hash=request_fingerprint(request.get_json(silent=True)) if key else None,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
    )
    if result.outbox_id is None:
        ENQUIRIES_REPLAYED.inc()
    return result.body, result.status_code, {"Location": result.body["status_url"]}


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
