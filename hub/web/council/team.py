"""The team page (manager only): who is on the team, invite, change a role, disable.

Thin over ``hub.teams.manage_team``: scoping (another team's member is the 404 page, audited),
the last-manager rule and the audit rows are the use cases'. The invitation e-mail is the
sign-in e-mail ``hub users invite`` sends.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from hub.access.models import LinkPurpose
from hub.platform.errors import ValidationFailedError
from hub.platform.extensions import app_settings, get_db
from hub.teams.manage_team import (
    change_member_role,
    disable_member,
    invite_to_team,
    list_team,
)
from hub.web.staff.forms import FormResult, links_base_url, validation_errors
from hub.web.staff.session import council_manager_required, staff_request_context
from hub.web.staff.sign_in_mail import send_sign_in_mail

bp = Blueprint("council_team_pages", __name__, url_prefix="/council")


def _render(
    result: FormResult | None = None, *, member_id: int | None = None, status: int = 200
) -> tuple[str, int]:
    members = list_team(get_db(), staff_request_context())
    page = render_template(
        "council/team.html",
        members=members,
        result=result or FormResult(),
        member_id=member_id,
        values=request.form if request.method == "POST" else {},
    )
    return page, status


@bp.route("/team", methods=["GET"])
@council_manager_required
def team() -> tuple[str, int]:
    return _render()


@bp.route("/team/invite", methods=["POST"])
@council_manager_required
def invite() -> BaseResponse | tuple[str, int]:
    try:
        invitation = invite_to_team(
            get_db(),
            staff_request_context(),
            request.form.get("email", ""),
            request.form.get("role", ""),
        )
    except ValidationFailedError as error:
        return _render(validation_errors(error, main="email"), status=422)
    sent = send_sign_in_mail(
        app_settings(),
        invitation.link,
        LinkPurpose.INVITE,
        links_base_url(),
        invited_as=invitation.invited_as,
    )
    if sent:
        flash(f"Invitation e-mailed to {invitation.email} ({invitation.role})")
    else:
        flash(
            f"{invitation.email} was added as {invitation.role}, but the e-mail could not be "
            "sent: they can ask for a sign-in link at /sign-in",
            "error",
        )
    return redirect("/council/team", 303)


@bp.route("/team/<int:user_id>/role", methods=["POST"])
@council_manager_required
def change_role(user_id: int) -> BaseResponse | tuple[str, int]:
    try:
        member = change_member_role(
            get_db(), staff_request_context(), user_id, request.form.get("role", "")
        )
    except ValidationFailedError as error:
        return _render(
            validation_errors(error, f"m{user_id}-", main="role"), member_id=user_id, status=422
        )
    flash(f"{member['email']} is now {member['role']}")
    return redirect("/council/team", 303)


@bp.route("/team/<int:user_id>/disable", methods=["POST"])
@council_manager_required
def disable(user_id: int) -> BaseResponse | tuple[str, int]:
    try:
        member = disable_member(get_db(), staff_request_context(), user_id)
    except ValidationFailedError as error:
        return _render(
            validation_errors(error, f"m{user_id}-", main="role"), member_id=user_id, status=422
        )
    flash(f"{member['email']} is disabled: they are signed out and cannot sign in")
    return redirect("/council/team", 303)
