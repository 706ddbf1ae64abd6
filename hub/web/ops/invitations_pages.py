"""``/ops/invitations``: a hub operator invites a council's (or delivery body's) manager.

The first manager then runs the council's team and its webhooks and mailboxes
(``/council/team``, ``/council/subscriptions``). The use case (``hub.teams.manage_team``)
checks the council and the address and audits; the e-mail is the sign-in invitation.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from werkzeug.wrappers import Response

from hub.access.models import LinkPurpose
from hub.platform.errors import ValidationFailedError
from hub.platform.extensions import app_settings, get_db
from hub.teams.manage_team import invite_manager
from hub.web.ops.blueprint import bp
from hub.web.staff.forms import FormResult, links_base_url, validation_errors
from hub.web.staff.session import operator_required, staff_request_context
from hub.web.staff.sign_in_mail import send_sign_in_mail


def _render(result: FormResult | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "ops/invitations.html",
        result=result or FormResult(),
        values=request.form if request.method == "POST" else {},
        nav="invitations",
    )
    return page, status


@bp.get("/invitations")
@operator_required
def invitations() -> tuple[str, int]:
    return _render()


@bp.post("/invitations")
@operator_required
def invite() -> Response | tuple[str, int]:
    """Invite a manager: the council by name or code, and their address."""
    try:
        invitation = invite_manager(
            get_db(),
            staff_request_context(),
            request.form.get("council", ""),
            request.form.get("email", ""),
        )
    except ValidationFailedError as error:
        return _render(validation_errors(error, main="email"), 422)
    sent = send_sign_in_mail(
        app_settings(),
        invitation.link,
        LinkPurpose.INVITE,
        links_base_url(),
        invited_as=invitation.invited_as,
    )
    if sent:
        flash(f"Invitation e-mailed to {invitation.email}, {invitation.invited_as}")
    else:
        flash(
            f"{invitation.email} is now {invitation.invited_as}, but the e-mail could not be "
            "sent: they can ask for a sign-in link at /sign-in",
            "error",
        )
    return redirect("/ops/invitations", 303)
