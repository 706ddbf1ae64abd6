"""The enquiry form: plain HTML that works on any phone, with or without JavaScript.

It posts to the same command as the API, so a form enquiry is stored, routed and tracked
exactly like an API one. Errors are listed at the top (linked to their fields) and beside each
field, in the way GOV.UK's design system recommends.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, render_template, request, session
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from hub.intake.schemas import BEST_TIMES, CONTACT_METHODS, INTERESTS, EnquiryInSchema
from hub.intake.submit import submit_enquiry
from hub.platform.errors import flatten_messages
from hub.platform.extensions import get_db
from hub.platform.rate_limit import intake_limit

bp = Blueprint("web", __name__, template_folder="templates")

INTEREST_LABELS = {
    "mainstream": "Fostering children and young people (mainstream)",
    "short_breaks": "Short breaks for disabled children",
    "parent_and_child": "Parent and child fostering",
    "emergency": "Emergency placements",
    "long_term": "Long-term fostering",
    "remand": "Remand fostering",
    "sibling_groups": "Brothers and sisters together",
    "not_sure": "I'm not sure yet",
}
CONTACT_LABELS = {"email": "Email", "phone": "Phone", "either": "Either is fine"}
TIME_LABELS = {
    "morning": "Morning",
    "afternoon": "Afternoon",
    "evening": "Evening",
    "weekend": "Weekend",
    "any": "Any time",
}


def _csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        session["csrf"] = token
    return token


def form_to_body(form: MultiDict[str, str]) -> dict[str, Any]:
    """Shape the flat form into the API's JSON body, leaving empty answers out."""

    def text(name: str) -> str | None:
        value = form.get(name, "").strip()
        return value or None

    def number(name: str) -> Any:
        value = form.get(name, "").strip()
        return int(value) if value.isdigit() else (value or None)

    body: dict[str, Any] = {
        "given_name": text("given_name"),
        "family_name": text("family_name"),
        "email": text("email"),
        "phone": text("phone"),
        "postcode": text("postcode"),
        "preferred_contact": text("preferred_contact"),
        "best_time": text("best_time"),
        "preferred_authority": text("preferred_authority"),
        "interest": text("interest"),
        "household": {
            "adults": number("adults"),
            "children": number("children"),
            "spare_bedroom": {"yes": True, "no": False}.get(form.get("spare_bedroom", "")),
        },
        "consent": {
            "privacy_notice": form.get("privacy_notice") == "yes",
            "keep_in_touch": form.get("keep_in_touch") == "yes",
        },
        "message": text("message"),
    }
    body["household"] = {k: v for k, v in body["household"].items() if v is not None}
    return {k: v for k, v in body.items() if v is not None}


def _render(errors: list[dict[str, str]], values: MultiDict[str, str], status: int) -> Any:
    by_field = {e["field"].split(".")[-1]: e["message"] for e in errors}
    return (
        render_template(
            "enquiry_form.html",
            errors=errors,
            by_field=by_field,
            values=values,
            csrf=_csrf_token(),
            interests=[(k, INTEREST_LABELS[k]) for k in INTERESTS],
            contacts=[(k, CONTACT_LABELS[k]) for k in CONTACT_METHODS],
            times=[(k, TIME_LABELS[k]) for k in BEST_TIMES],
        ),
        status,
    )


@bp.get("/")
def enquiry_form() -> Any:
    """The form, empty."""
    return _render([], MultiDict(), 200)


@bp.post("/enquire")
@intake_limit
def submit_form() -> Any:
    """Store the enquiry and show its reference, or show what needs fixing."""
    if not secrets.compare_digest(str(request.form.get("csrf", "")), _csrf_token()):
        abort(400, description="The form had expired. Please go back and send it again.")
    try:
        data = EnquiryInSchema().load(form_to_body(request.form))
    except ValidationError as exc:
        return _render(flatten_messages(exc.messages), request.form, 422)
    result = submit_enquiry(
        get_db(),
        data,
        status_url_for=lambda ref: f"/v1/enquiries/{ref}",
        idempotency_key=None,
    )
    return render_template("enquiry_received.html", reference=result.body["reference"]), 201
