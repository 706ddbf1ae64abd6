"""Council pages for casework: the duty tray, and the referral page's owner, contact log,
notes and "close as no response" forms.

Thin: every read and action is the casework API's own use case (hub/casework), called with
the signed-in staff member as the caller, so scoping (404 outside the council's scope),
auditing and the rules are the same as over the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from hub.casework.add_note import add_case_note
from hub.casework.allocate import set_owner
from hub.casework.close_no_response import close_as_no_response
from hub.casework.models import ClosureState, ContactChannel, ContactOutcome
from hub.casework.read_tray import NO_OWNER, NO_STAGE, ClockFilter, TrayView, read_tray
from hub.casework.record_contact import WHEN, record_contact_attempt
from hub.casework.schemas import ContactAttemptInSchema, NoteInSchema, TrayQuerySchema
from hub.platform.errors import HubError, NotFoundError, ValidationFailedError
from hub.platform.extensions import get_db
from hub.teams.queries import list_members
from hub.tracking.calendar import local_day
from hub.tracking.stages import Stage
from hub.web.council.referrals import FORMS, render_referral
from hub.web.shared.date_fields import date_parts, read_date
from hub.web.staff.forms import FormResult, read_form, refusal_errors
from hub.web.staff.session import (
    council_staff_required,
    current_staff_caller,
    staff_request_context,
)

bp = Blueprint("council_casework_pages", __name__, url_prefix="/council")

PAGE_SIZE = 25
ATTEMPT_DAY = "attempted"  # the date boxes' prefix and the id an error links to
DATE_FILTERS = (("from", "from"), ("to", "to"))  # the boxes' prefix, and in words


@bp.route("/tray", methods=["GET"])
@council_staff_required
def tray() -> tuple[str, int]:
    """The duty tray: unallocated, mine or the team's, due first, with filters."""
    given = {k: v for k, v in request.args.items() if v.strip() and k in _TRAY_ARGS}
    errors: dict[str, str] = {}
    for prefix, words in DATE_FILTERS:
        if any(date_parts(request.args, prefix)):
            day, error = read_date(request.args, prefix, f"received {words}")
            if error:
                errors[prefix] = error
            else:
                given[prefix] = day.isoformat() if day else ""
    try:
        args = TrayQuerySchema().load(given)
    except ValidationError as exc:
        for name, message in exc.messages.items() if isinstance(exc.messages, dict) else ():
            errors[str(name)] = str(message[0] if isinstance(message, list) else message)
        args = {"view": str(TrayView.TEAM)}
    ctx = staff_request_context()
    page: dict[str, Any] = {"items": [], "next_cursor": None}
    if not errors:
        page = read_tray(
            get_db(),
            ctx,
            view=args["view"],
            stage=args.get("stage"),
            owner=args.get("owner"),
            clock=args.get("clock"),
            received_from=args.get("received_from"),
            received_to=args.get("received_to"),
            cursor=args.get("cursor"),
            limit=PAGE_SIZE,
        )
    caller = current_staff_caller()
    with get_db().sessions() as session:
        members = [
            {"user_id": m.id, "email": m.email}
            for m in list_members(session, caller.scope, caller.scope_value)
            if m.disabled_at is None
        ]
    filters = {k: v for k, v in request.args.items() if k != "cursor" and v.strip()}
    page_html = render_template(
        "council/tray.html",
        items=page["items"],
        next_cursor=page["next_cursor"],
        view=args["view"],
        views=list(TrayView),
        stages=[NO_STAGE, *Stage],
        clocks=list(ClockFilter),
        members=members,
        no_owner=NO_OWNER,
        values=request.args,
        filters=filters,
        export_filters={} if errors else {k: v for k, v in given.items() if k != "cursor"},
        errors=errors,
        error_list=[{"text": text, "href": f"#{name}"} for name, text in errors.items()],
    )
    return page_html, 422 if errors else 200


_TRAY_ARGS = ("view", "stage", "owner", "clock", "cursor")


def _done(reference: str, message: str) -> BaseResponse:
    flash(message)
    return redirect(url_for("council_pages.referral", reference=reference) + "#casework", 303)


def _refused(reference: str, form: str, error: HubError) -> tuple[str, int]:
    if isinstance(error, NotFoundError):
        raise error
    if isinstance(error, ValidationFailedError) and error.errors:
        fields = {"user_id": "user_id", WHEN: ATTEMPT_DAY, "text": "note-text"}
        errors = {fields.get(item["field"], FORMS[form]): item["message"] for item in error.errors}
        return render_referral(
            reference, form=form, result=FormResult(errors=errors), status=error.status
        )
    return render_referral(
        reference, form=form, result=refusal_errors(error, FORMS[form]), status=error.status
    )


@bp.route("/referrals/<string:reference>/owner", methods=["POST"])
@council_staff_required
def owner(reference: str) -> BaseResponse | tuple[str, int]:
    """Take the referral (no user chosen) or, as a manager, assign it."""
    chosen = request.form.get("user_id", "").strip()  # blank: the staff member takes it
    if chosen and not (chosen.isdigit() and len(chosen) <= 18):
        result = FormResult(errors={"user_id": "Choose someone on your team"})
        return render_referral(reference, form="owner", result=result, status=422)
    try:
        outcome = set_owner(
            get_db(), staff_request_context(), reference, user_id=int(chosen) if chosen else None
        )
    except HubError as error:
        return _refused(reference, "owner", error)
    mine = outcome["owner_id"] == current_staff_caller().user_id
    words = "You own this referral now" if mine else "Referral assigned"
    return _done(reference, words if outcome["changed"] else "No change: the owner is the same")


@bp.route("/referrals/<string:reference>/contact-attempts", methods=["POST"])
@council_staff_required
def contact_attempt(reference: str) -> BaseResponse | tuple[str, int]:
    result = read_form(ContactAttemptInSchema(), ("channel", "outcome", "note"))
    result.errors = {("contact-note" if k == "note" else k): v for k, v in result.errors.items()}
    ctx = staff_request_context()
    day = None
    if any(date_parts(request.form, ATTEMPT_DAY)):
        day, error = read_date(request.form, ATTEMPT_DAY, "attempt")
        if error is None and day is not None and day > local_day(ctx.now):
            error = "The attempt date must be today or in the past"
        if error:
            result.errors[ATTEMPT_DAY] = error
    if result.errors:
        return render_referral(reference, form="contact", result=result, status=422)
    # The box is shown ticked; a form sent without it says "this was not the first contact".
    first_contact = request.form.get("first_contact") == "yes"
    try:
        attempt = record_contact_attempt(
            get_db(),
            ctx,
            reference,
            channel=result.data["channel"],
            outcome=result.data["outcome"],
            attempted_on=day,
            note=result.data.get("note"),
            first_contact=first_contact,
        )
    except HubError as error:
        return _refused(reference, "contact", error)
    words = "Contact attempt recorded"
    if attempt["first_contact"]:
        words += ", and first contact recorded on the journey"
    return _done(reference, words)


@bp.route("/referrals/<string:reference>/notes", methods=["POST"])
@council_staff_required
def note(reference: str) -> BaseResponse | tuple[str, int]:
    result = read_form(NoteInSchema(), ("text",), prefix="note-")
    if result.errors:
        return render_referral(reference, form="note", result=result, status=422)
    try:
        add_case_note(get_db(), staff_request_context(), reference, result.data["text"])
    except HubError as error:
        return _refused(reference, "note", error)
    return _done(reference, "Note added")


@bp.route("/referrals/<string:reference>/no-response", methods=["POST"])
@council_staff_required
def no_response(reference: str) -> BaseResponse | tuple[str, int]:
    try:
        outcome = close_as_no_response(get_db(), staff_request_context(), reference)
    except HubError as error:
        return _refused(reference, "no_response", error)
    if outcome["state"] == ClosureState.REQUESTED:
        return _done(reference, "Asked a manager to close this enquiry as no response")
    return _done(reference, "Closed as no response: the journey records not progressed")


# For the templates: the channels and outcomes in the order a person reads them.
CHANNELS = list(ContactChannel)
OUTCOMES = list(ContactOutcome)


@bp.app_context_processor
def _casework_choices() -> dict[str, Any]:
    return {"contact_channels": CHANNELS, "contact_outcomes": OUTCOMES}
