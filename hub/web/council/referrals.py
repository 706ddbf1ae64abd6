"""Council pages: the referrals list and one referral, with its actions.

Thin: every read and action is the API's own use case (hub/referrals, hub/tracking), called
with the signed-in staff member as the caller, so scoping (404 outside the council's scope),
auditing and the rules are the same as over the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from hub.casework.manage_events import read_events
from hub.casework.models import BookingKind
from hub.casework.read_casework import read_casework
from hub.people.mark_duplicate import mark_duplicate, unmark_duplicate
from hub.people.read_repeats import read_council_repeats
from hub.people.schemas import DuplicateInSchema
from hub.platform.errors import HubError, NotFoundError, ValidationFailedError
from hub.platform.extensions import get_db
from hub.referrals.acknowledge import acknowledge_referral
from hub.referrals.inbox import get_referral, list_referrals
from hub.referrals.queries import REFERRAL_STATUSES
from hub.referrals.reasons import ReturnReason
from hub.referrals.return_to_hub import return_referral
from hub.referrals.schemas import ReturnInSchema, RouteInSchema
from hub.referrals.search import search_referrals
from hub.referrals.transfer import transfer_referral
from hub.tracking.calendar import local_day
from hub.tracking.clock_badges import clock_badges
from hub.tracking.errors import StageNotAllowedError, StageTimeError
from hub.tracking.read_journey import get_journey
from hub.tracking.read_transferred_out import get_transferred_out, list_transferred_out
from hub.tracking.record_stage import record_progress
from hub.tracking.schemas import PROGRESS_REASONS, ProgressInSchema
from hub.tracking.stages import REASONS, Stage, WrittenReasonsNotSent
from hub.web.council.stage_day import (
    REASONS_SENT_DAY,
    STAGE_DAY,
    read_reasons_sent_day,
    read_stage_day,
    stage_time_words,
)
from hub.web.staff.display import council_name, humanise, local_time
from hub.web.staff.form_return import kept_form_words, take_kept_form
from hub.web.staff.forms import FormResult, read_form, refusal_errors
from hub.web.staff.session import (
    council_staff_required,
    current_staff_caller,
    staff_request_context,
)

bp = Blueprint("council_pages", __name__, url_prefix="/council")

PAGE_SIZE = 25
# How the list names what was searched for (by the kind the term was read as).
SEARCH_LABELS = {
    "reference": "reference",
    "email": "e-mail address",
    "phone": "phone number",
    "postcode": "postcode",
    "district": "postcode district",
    "name": "name",
}
# The forms on the referral page, each with the id of the field its errors link to.
FORMS = {
    "acknowledge": "acknowledge",
    "progress": "stage",
    "return": "return-reason",
    "transfer": "authority",
    "duplicate": "duplicate_of",
    # The casework forms (hub/web/council/casework.py).
    "owner": "user_id",
    "contact": "channel",
    "note": "note-text",
    "no_response": "no-response",
    # The booking form (hub/web/council/bookings.py).
    "booking": "booking-kind",
    # The Stage 1 tasks (hub/web/council/tasks.py).
    "task_home_council_consultation": "task-home_council_consultation-sent",
    "task_previous_provider_reference": "task-previous_provider_reference-sent",
    "open_reference": "open-reference",
}


@bp.route("/", methods=["GET", "POST"])
@council_staff_required
def referrals() -> str:
    # The page's search box posts (with its CSRF token), so a searched phone number or name
    # stays out of the address bar, the history and a sign-in return address; ?q= works too.
    given = request.form if request.method == "POST" else request.args
    status = given.get("status") or None
    if status not in REFERRAL_STATUSES:
        status = None
    ctx = staff_request_context()
    cursor = given.get("cursor") or None
    q = given.get("q", "").strip()
    search_error = None
    if q:
        try:
            page = search_referrals(get_db(), ctx, q, limit=PAGE_SIZE, cursor=cursor, status=status)
        except ValidationFailedError as error:
            page, search_error = {"items": [], "next_cursor": None}, error.detail
    else:
        page = list_referrals(get_db(), ctx, limit=PAGE_SIZE, cursor=cursor, status=status)
    with get_db().sessions() as session:
        badges = clock_badges(session, [item["reference"] for item in page["items"]], ctx.now)
    # What the team transferred away, on the list's first page.
    first_page = not request.args.get("cursor")
    transferred = list_transferred_out(get_db(), ctx)["items"] if first_page else []
    return render_template(
        "council/referrals.html",
        items=page["items"],
        transferred=transferred,
        next_cursor=page["next_cursor"],
        status=status or "",
        statuses=REFERRAL_STATUSES,
        badges=badges,
        q=q,
        search_kind=page.get("kind"),
        search_error=search_error,
        search_labels=SEARCH_LABELS,
    )


def render_referral(
    reference: str, *, form: str | None = None, result: FormResult | None = None, status: int = 200
) -> tuple[str, int]:
    ctx = staff_request_context()
    referral = get_referral(get_db(), ctx, reference)
    journey = get_journey(get_db(), ctx, reference)
    repeats = read_council_repeats(get_db(), ctx, reference)
    casework = read_casework(get_db(), ctx, reference)
    bookable_events = [e for e in read_events(get_db(), ctx)["items"] if e["places_left"] > 0]
    values: Mapping[str, str] = request.form if form else {}
    kept = None if form else take_kept_form(request.path, current_staff_caller().user_id)
    if kept is not None and kept.form in FORMS:
        form, values = kept.form, kept.fields
        flash(kept_form_words(kept), "error")
    page = render_template(
        "council/referral.html",
        referral=referral,
        journey=journey,
        repeats=repeats,
        casework=casework,
        bookable_events=bookable_events,
        booking_kinds=list(BookingKind),
        form=form,
        result=result or FormResult(),
        reasons=PROGRESS_REASONS,
        written_reasons_not_sent=list(WrittenReasonsNotSent),
        return_reasons=list(ReturnReason),
        values=values,
    )
    return page, status


@bp.route("/transferred-out/<string:reference>", methods=["GET"])
@council_staff_required
def transferred_out(reference: str) -> str:
    transfer = get_transferred_out(get_db(), staff_request_context(), reference)
    return render_template("council/transferred_out.html", transfer=transfer)


@bp.route("/referrals/<string:reference>", methods=["GET"])
@council_staff_required
def referral(reference: str) -> tuple[str, int]:
    return render_referral(reference)


def _done(reference: str, message: str) -> BaseResponse:
    flash(message)
    return redirect(url_for("council_pages.referral", reference=reference), 303)


def _refused(reference: str, form: str, error: HubError) -> tuple[str, int]:
    if isinstance(error, NotFoundError):
        raise error
    return render_referral(
        reference, form=form, result=refusal_errors(error, FORMS[form]), status=error.status
    )


@bp.route("/referrals/<string:reference>/acknowledge", methods=["POST"])
@council_staff_required
def acknowledge(reference: str) -> BaseResponse | tuple[str, int]:
    try:
        result = acknowledge_referral(get_db(), staff_request_context(), reference)
    except HubError as error:
        return _refused(reference, "acknowledge", error)
    words = "Referral acknowledged" if result["changed"] else "Referral already acknowledged"
    return _done(reference, words)


@bp.route("/referrals/<string:reference>/progress", methods=["POST"])
@council_staff_required
def progress(reference: str) -> BaseResponse | tuple[str, int]:
    sent_on, sent_error = read_reasons_sent_day(request.form)
    extra = {"written_reasons_sent_on": sent_on.isoformat()} if sent_on is not None else {}
    result = read_form(
        ProgressInSchema(), ("stage", "reason", "note", "written_reasons_not_sent"), extra=extra
    )
    if "written_reasons_sent_on" in result.errors:
        result.errors[REASONS_SENT_DAY] = result.errors.pop("written_reasons_sent_on")
    if sent_error:
        result.errors[REASONS_SENT_DAY] = sent_error
    reason_words = _reason_needed(request.form.get("stage", ""), request.form.get("reason", ""))
    if reason_words:
        result.errors["reason"] = reason_words
    ctx = staff_request_context()
    day, day_error = read_stage_day(request.form, local_day(ctx.now))
    if day_error:
        result.errors[STAGE_DAY] = day_error
    if result.errors:
        return render_referral(reference, form="progress", result=result, status=422)
    result.data.pop("deprecated_reason", None)
    try:
        record_progress(get_db(), ctx, reference, occurred_on=day, **result.data)
    except StageTimeError as error:
        field = REASONS_SENT_DAY if error.field == "written_reasons_sent_on" else STAGE_DAY
        text = stage_time_words(error)
        if field == REASONS_SENT_DAY:
            text = (
                "The date written reasons were sent must be today or in the past"
                if "future" in error.detail
                else "The date written reasons were sent must be on or after the stage date"
            )
        words = FormResult(errors={field: text})
        return render_referral(reference, form="progress", result=words, status=error.status)
    except StageNotAllowedError as error:
        words = FormResult(errors={"stage": _stage_not_allowed_words(result.data["stage"], error)})
        return render_referral(reference, form="progress", result=words, status=error.status)
    except HubError as error:
        return _refused(reference, "progress", error)
    when = f", {local_time(day)}" if day is not None and day != local_day(ctx.now) else ""
    return _done(reference, f"Recorded: {humanise(result.data['stage']).lower()}{when}")


def _reason_needed(stage: str, reason: str) -> str | None:
    """ "Withdrawn needs a reason", then the reasons it may take, in words (or None)."""
    codes = REASONS.get(Stage(stage)) if stage in set(Stage) else None
    if codes is None or reason in codes:
        return None
    choices = "; ".join(humanise(code) for code in codes)
    if not reason:
        return f"{humanise(stage)} needs a reason. Choose one of: {choices}."
    return f"Choose a reason that fits {humanise(stage).lower()}: {choices}."


def _stage_not_allowed_words(stage: str, error: StageNotAllowedError) -> str:
    allowed = [humanise(code) for code in error.extra.get("allowed_stages", [])]
    can = "; ".join(allowed) if allowed else "none: the journey has ended"
    return f"{humanise(stage)} cannot follow the last stage recorded. Stages you can record: {can}."


@bp.route("/referrals/<string:reference>/return", methods=["POST"])
@council_staff_required
def return_to_hub(reference: str) -> BaseResponse | tuple[str, int]:
    result = read_form(ReturnInSchema(), ("reason", "note"))
    if result.errors:
        result.errors = {f"return-{k}": v for k, v in result.errors.items()}
        return render_referral(reference, form="return", result=result, status=422)
    try:
        return_referral(
            get_db(),
            staff_request_context(),
            reference,
            reason=result.data["reason"],
            note=result.data.get("note"),
        )
    except HubError as error:
        return _refused(reference, "return", error)
    flash(f"Referral {reference} returned to the hub")
    return redirect(url_for("council_pages.referrals"), 303)


@bp.route("/referrals/<string:reference>/transfer", methods=["POST"])
@council_staff_required
def transfer(reference: str) -> BaseResponse | tuple[str, int]:
    result = read_form(RouteInSchema(), ("authority", "reason"))
    if result.errors:
        result.errors = {
            ("authority" if k == "authority" else "transfer-reason"): v
            for k, v in result.errors.items()
        }
        return render_referral(reference, form="transfer", result=result, status=422)
    try:
        outcome: dict[str, Any] = transfer_referral(
            get_db(),
            staff_request_context(),
            reference,
            target=result.data["authority"],
            reason=result.data["reason"],
        )
    except HubError as error:
        return _refused(reference, "transfer", error)
    flash(
        f"Referral {reference} transferred to "
        f"{council_name(outcome.get('authority_code')) or 'another council'}. "
        "You can still read what your team did under Transferred out."
    )
    return redirect(url_for("council_pages.referrals"), 303)


@bp.route("/referrals/<string:reference>/duplicate", methods=["POST"])
@council_staff_required
def duplicate(reference: str) -> BaseResponse | tuple[str, int]:
    """Mark the referral as a duplicate of another of the council's own (nothing is merged)."""
    result = read_form(DuplicateInSchema(), ("duplicate_of",))
    if result.errors:
        return render_referral(reference, form="duplicate", result=result, status=422)
    try:
        outcome = mark_duplicate(
            get_db(), staff_request_context(), reference, result.data["duplicate_of"]
        )
    except HubError as error:
        return _refused(reference, "duplicate", error)
    return _done(reference, f"Marked as a duplicate of {outcome['duplicate_of']}")


@bp.route("/referrals/<string:reference>/duplicate/remove", methods=["POST"])
@council_staff_required
def not_duplicate(reference: str) -> BaseResponse:
    unmark_duplicate(get_db(), staff_request_context(), reference)
    return _done(reference, "No longer marked as a duplicate")
