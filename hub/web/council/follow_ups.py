"""Council pages: follow-ups due (with outcome recording), home-council notices, and the
council's own subscriptions with their delivery log. Each read is the API's use case."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from hub.delivery.read_deliveries import list_deliveries_for_council, list_subscriptions_for_council
from hub.platform.errors import HubError, NotFoundError
from hub.platform.extensions import get_db
from hub.referrals.notices import list_home_council_notices
from hub.tracking.models import FollowUpOutcome, FollowUpStatus
from hub.tracking.ofsted_reasons import DeregistrationReason
from hub.tracking.read_journey import list_follow_ups
from hub.tracking.record_outcome import SupportNeeded, record_follow_up_outcome
from hub.tracking.schemas import OutcomeInSchema
from hub.web.staff.forms import FormResult, read_form, refusal_errors
from hub.web.staff.session import council_staff_required, staff_request_context

bp = Blueprint("council_more_pages", __name__, url_prefix="/council")


def _render_follow_ups(
    *, follow_up_id: int | None = None, result: FormResult | None = None, status: int = 200
) -> tuple[str, int]:
    found = list_follow_ups(get_db(), staff_request_context(), status=FollowUpStatus.DUE)
    page = render_template(
        "council/follow_ups.html",
        items=found["items"],
        failed_id=follow_up_id,
        result=result or FormResult(),
        outcomes=list(FollowUpOutcome),
        supports=list(SupportNeeded),
        deregistration_reasons=list(DeregistrationReason),
    )
    return page, status


@bp.route("/follow-ups", methods=["GET"])
@council_staff_required
def follow_ups() -> tuple[str, int]:
    return _render_follow_ups()


@bp.route("/follow-ups/<int:follow_up_id>/outcome", methods=["POST"])
@council_staff_required
def follow_up_outcome(follow_up_id: int) -> BaseResponse | tuple[str, int]:
    prefix = f"f{follow_up_id}-"
    result = read_form(OutcomeInSchema(), ("outcome", "support", "reason", "note"), prefix=prefix)
    if result.errors:
        return _render_follow_ups(follow_up_id=follow_up_id, result=result, status=422)
    try:
        result.data.pop("deprecated_reason", None)
        record_follow_up_outcome(get_db(), staff_request_context(), follow_up_id, **result.data)
    except HubError as error:
        if isinstance(error, NotFoundError):
            raise
        refused = refusal_errors(error, f"{prefix}outcome")
        return _render_follow_ups(follow_up_id=follow_up_id, result=refused, status=error.status)
    flash("Follow-up outcome recorded")
    return redirect(url_for("council_more_pages.follow_ups"), 303)


@bp.route("/notices", methods=["GET"])
@council_staff_required
def notices() -> str:
    found = list_home_council_notices(get_db(), staff_request_context())
    return render_template("council/notices.html", items=found["items"])


@bp.route("/deliveries", methods=["GET"])
@council_staff_required
def deliveries() -> str:
    ctx = staff_request_context()
    subscriptions = list_subscriptions_for_council(get_db(), ctx)
    log = list_deliveries_for_council(get_db(), ctx, limit=50)
    return render_template(
        "council/deliveries.html", subscriptions=subscriptions, deliveries=log["items"]
    )
