"""The referral page's Stage 1 task forms: the day the request went to the home council or the
previous provider, the day the views or the reference came back, a note; and opening a
previous provider's reference when the applicant fostered elsewhere in the last 12 months.

Thin: the tracking room's use cases (``hub/tracking/record_task.py``), called with the
signed-in staff member as the caller, so scoping (404 and a denied audit row outside the
council's scope), auditing and the rules on the days are the same as over the API.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from hub.platform.errors import HubError, NotFoundError, ValidationFailedError
from hub.platform.extensions import get_db
from hub.tracking.models import AssessmentTaskKind
from hub.tracking.record_task import open_task_by_hand, record_task
from hub.web.council.referrals import FORMS, render_referral
from hub.web.shared.date_fields import date_parts, read_date
from hub.web.staff.forms import FormResult, refusal_errors
from hub.web.staff.session import council_staff_required, staff_request_context

bp = Blueprint("council_task_pages", __name__, url_prefix="/council")

# Each task's form: its name on the page (errors are shown on the form that was sent), and
# the prefix of its fields' ids.
TASK_FORMS = {kind: f"task_{kind}" for kind in AssessmentTaskKind}
OPEN_REFERENCE_FORM = "open_reference"
_DAYS = (("request_sent_on", "sent", "request sent"), ("received_on", "received", "reply"))
NOTE_MAX = 2000


def _done(reference: str, message: str) -> BaseResponse:
    flash(message)
    return redirect(url_for("council_pages.referral", reference=reference), 303)


def _refused(reference: str, form: str, error: HubError) -> tuple[str, int]:
    if isinstance(error, NotFoundError):
        raise error  # another council's referral, or none: the 404 page (audited as denied)
    return render_referral(
        reference, form=form, result=refusal_errors(error, FORMS[form]), status=error.status
    )


def field_id(kind: AssessmentTaskKind, part: str) -> str:
    """The id of a task form's field (``sent``, ``received``, ``note``)."""
    return f"task-{kind}-{part}"


@bp.route("/referrals/<string:reference>/tasks/<string:kind>", methods=["POST"])
@council_staff_required
def record(reference: str, kind: str) -> BaseResponse | tuple[str, int]:
    """Record a task's days and note (a blank box keeps what was recorded)."""
    if kind not in set(AssessmentTaskKind):
        raise NotFound()
    task = AssessmentTaskKind(kind)
    form = TASK_FORMS[task]
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name, part, words in _DAYS:
        prefix = field_id(task, part)
        days[name] = None
        if any(date_parts(request.form, prefix)):
            day, error = read_date(request.form, prefix, words)
            if error:
                errors[prefix] = error
            days[name] = day
    note = request.form.get(field_id(task, "note"), "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        errors[field_id(task, "note")] = f"Keep the note to {NOTE_MAX:,} characters or fewer"
    if not errors and note is None and not any(days.values()):
        errors[field_id(task, "sent")] = "Enter the day the request was sent, the reply or a note"
    if errors:
        return render_referral(reference, form=form, result=FormResult(errors=errors), status=422)
    try:
        record_task(get_db(), staff_request_context(), reference, task, note=note, **days)
    except ValidationFailedError as error:
        parts = {name: field_id(task, part) for name, part, _ in _DAYS}
        shown = {
            parts.get(item["field"], field_id(task, "sent")): item["message"]
            for item in error.errors or []
        }
        return render_referral(reference, form=form, result=FormResult(errors=shown), status=422)
    except HubError as error:
        return _refused(reference, form, error)
    return _done(reference, "Task recorded")


@bp.route("/referrals/<string:reference>/tasks", methods=["POST"])
@council_staff_required
def open_reference(reference: str) -> BaseResponse | tuple[str, int]:
    """The applicant fostered for another service in the last 12 months: ask it for a
    reference (reg 26(1A)(b))."""
    try:
        open_task_by_hand(
            get_db(),
            staff_request_context(),
            reference,
            AssessmentTaskKind.PREVIOUS_PROVIDER_REFERENCE,
        )
    except HubError as error:
        return _refused(reference, OPEN_REFERENCE_FORM, error)
    return _done(reference, "Task opened: reference from the previous provider")
