"""``/ops/deliveries``: dead and failing deliveries, and replay (the delivery room's use cases)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hub.delivery.read_deliveries import (
    ReplayNotAllowedError,
    list_deliveries_for_ops,
    replay_for_ops,
)
from hub.platform.errors import NotFoundError
from hub.platform.extensions import get_db
from hub.web.ops.blueprint import bp
from hub.web.staff.session import operator_required, staff_request_context

# (status filter, tab text, what the list holds)
VIEWS = (
    ("dead", "Dead", "Every attempt failed (about 3 days of retries). Replay sends it again."),
    (
        "failing",
        "Failing subscribers",
        "Waiting behind a subscriber that keeps failing: one probe a minute until it answers.",
    ),
    ("failed", "Refused", "The receiver refused it for good (a 4xx), or it was disabled."),
    ("pending", "Pending", "Waiting for their next attempt, or being sent now."),
)
REPLAYABLE = frozenset({"dead", "failed"})
PAGE_SIZE = 50


@bp.get("/deliveries")
@operator_required
def deliveries() -> str:
    """Deliveries by status (dead first), newest first, with replay for finished ones."""
    status = request.args.get("status", "dead")
    if status not in {key for key, _, _ in VIEWS}:
        abort(404)
    # ``before`` (an id) is the old link's, still followed for now.
    page = list_deliveries_for_ops(
        get_db(),
        status=status,
        cursor=request.args.get("cursor") or None,
        before=request.args.get("before", type=int),
        limit=PAGE_SIZE,
        ctx=staff_request_context(),
    )
    return render_template(
        "ops/deliveries.html",
        views=VIEWS,
        status=status,
        page=page,
        replayable=REPLAYABLE,
        nav="deliveries",
    )


@bp.post("/deliveries/<int:delivery_id>/replay")
@operator_required
def replay(delivery_id: int) -> Response:
    """Send one delivery again, with the same webhook-id (audited by the use case)."""
    back = request.form.get("status", "dead")
    if back not in {key for key, _, _ in VIEWS}:
        back = "dead"
    try:
        replay_for_ops(get_db(), staff_request_context(), delivery_id)
    except NotFoundError:
        abort(404)
    except ReplayNotAllowedError as exc:
        flash(f"Delivery {delivery_id} was not replayed: {exc.detail}.", "error")
    else:
        flash(f"Delivery {delivery_id} is queued to be sent again.", "success")
    return redirect(url_for("ops_pages.deliveries", status=back), 303)
