"""Webhooks and mailboxes, set up by the team's manager: add, test, disable, rotate the
secret, confirm a mailbox, and the health of the team's deliveries with replay of its dead
letters.

Thin over ``hub.delivery.council_subscriptions`` (the same use cases as
``/v1/council/subscriptions``): another team's subscription or delivery is the 404 page,
audited there. A secret is shown once, in the answer to the POST that made it (no redirect,
never stored in the session).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from hub.delivery.council_subscriptions import (
    SubscriptionRefusedError,
    TestResult,
    add_team_mailbox,
    add_team_webhook,
    confirm_mailbox,
    disable_team_subscription,
    list_team_dead_letters,
    list_team_subscriptions,
    replay_team_dead_letter,
    rotate_team_secret,
    test_team_webhook,
)
from hub.delivery.manage_subscriptions import ROTATION_OVERLAP
from hub.platform.errors import ValidationFailedError
from hub.platform.extensions import get_db
from hub.web.staff.forms import FormResult, links_base_url, validation_errors
from hub.web.staff.session import council_manager_required, staff_request_context

bp = Blueprint("council_subscription_pages", __name__)

PAGE = "/council/subscriptions"


def _render(
    *,
    result: FormResult | None = None,
    tested: tuple[int, TestResult] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    ctx = staff_request_context()
    items = list_team_subscriptions(get_db(), ctx)
    page = render_template(
        "council/subscriptions.html",
        subscriptions=items,
        dead_letters=list_team_dead_letters(get_db(), ctx),
        result=result or FormResult(),
        tested=tested,
        values=request.form if request.method == "POST" else {},
    )
    return page, status


def _secret_page(subscription: dict[str, Any], secret: str, *, rotated: bool) -> str:
    return render_template(
        "council/secret.html",
        subscription=subscription,
        secret=secret,
        rotated=rotated,
        overlap_hours=int(ROTATION_OVERLAP.total_seconds() // 3600),
    )


@bp.route(PAGE, methods=["GET"])
@council_manager_required
def subscriptions() -> tuple[str, int]:
    return _render()


@bp.route(f"{PAGE}/webhooks", methods=["POST"])
@council_manager_required
def add_webhook() -> str | tuple[str, int]:
    try:
        added = add_team_webhook(get_db(), staff_request_context(), request.form.get("url", ""))
    except ValidationFailedError as error:
        return _render(result=validation_errors(error, main="url"), status=422)
    return _secret_page(added.subscription, added.secret, rotated=False)


@bp.route(f"{PAGE}/mailboxes", methods=["POST"])
@council_manager_required
def add_mailbox() -> BaseResponse | tuple[str, int]:
    address = request.form.get("address", "")
    try:
        added = add_team_mailbox(get_db(), staff_request_context(), address, links_base_url())
    except ValidationFailedError as error:
        return _render(result=validation_errors(error, main="address"), status=422)
    target = added.subscription["target"]
    if added.link_sent:
        flash(f"A confirmation link was e-mailed to {target}. It receives nothing until opened.")
    else:
        flash(f"{target} was added, but the confirmation e-mail could not be sent", "error")
    return redirect(PAGE, 303)


@bp.route(f"{PAGE}/<int:subscription_id>/test", methods=["POST"])
@council_manager_required
def test(subscription_id: int) -> BaseResponse | tuple[str, int]:
    try:
        outcome = test_team_webhook(get_db(), staff_request_context(), subscription_id)
    except SubscriptionRefusedError as error:
        flash(error.detail, "error")
        return redirect(PAGE, 303)
    return _render(tested=(subscription_id, outcome))


@bp.route(f"{PAGE}/<int:subscription_id>/disable", methods=["POST"])
@council_manager_required
def disable(subscription_id: int) -> BaseResponse:
    item = disable_team_subscription(get_db(), staff_request_context(), subscription_id)
    flash(f"{item['target']} is disabled: nothing more is sent to it")
    return redirect(PAGE, 303)


@bp.route(f"{PAGE}/<int:subscription_id>/rotate", methods=["POST"])
@council_manager_required
def rotate(subscription_id: int) -> BaseResponse | str:
    ctx = staff_request_context()
    try:
        secret = rotate_team_secret(get_db(), ctx, subscription_id)
    except SubscriptionRefusedError as error:
        flash(error.detail, "error")
        return redirect(PAGE, 303)
    item = next(s for s in list_team_subscriptions(get_db(), ctx) if s["id"] == subscription_id)
    return _secret_page(item, secret, rotated=True)


@bp.route("/council/deliveries/<int:delivery_id>/replay", methods=["POST"])
@council_manager_required
def replay(delivery_id: int) -> BaseResponse:
    try:
        replay_team_dead_letter(get_db(), staff_request_context(), delivery_id)
    except SubscriptionRefusedError as error:
        flash(error.detail, "error")
    else:
        flash(f"Delivery {delivery_id} will be sent again, with the same webhook-id")
    return redirect(PAGE, 303)


@bp.route("/mailboxes/confirm/<token>", methods=["GET"])
def confirm_page(token: str) -> str:
    """Asks before confirming: a mail scanner that opens links confirms nothing."""
    return render_template("council/mailbox_confirm.html", token=token, confirmed=None)


@bp.route("/mailboxes/confirm/<token>", methods=["POST"])
def confirm(token: str) -> tuple[str, int]:
    address = confirm_mailbox(get_db(), token)
    page = render_template(
        "council/mailbox_confirm.html", token=token, confirmed=address, failed=address is None
    )
    return page, 200 if address else 410
