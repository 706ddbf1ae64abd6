"""Signing in to the staff pages by a one-time link e-mailed to the person, and signing out.

The answer to "send me a link" is the same whether or not the address has an account, and
takes the same time (no account enumeration): the request only records it, and the worker
makes and e-mails the link (``hub.web.staff.send_sign_in_link``). The form is rate-limited per
client address. A link is opened in two steps: the GET shows a button, the POST signs in, so
a mail scanner that follows links cannot use one up.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from config.settings import Settings
from hub.access.caller import RequestContext
from hub.access.manage_staff import end_sessions, normalise_email
from hub.access.sign_in_links import is_live_link, redeem_link
from hub.access.sign_in_requests import request_sign_in_link
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.platform.extensions import get_db
from hub.platform.rate_limit import limiter
from hub.web.staff.next_page import safe_next
from hub.web.staff.session import (
    NEXT_KEY,
    NOTICE_KEY,
    end_staff_session,
    finish_sign_in,
    home_for,
    load_staff_caller,
)

bp = Blueprint("staff_sign_in", __name__)

SIGN_IN_RATE_LIMIT = "10/minute;60/hour"


def _settings() -> Settings:
    settings = current_app.config["HUB_SETTINGS"]
    assert isinstance(settings, Settings)
    return settings


def _sso_label() -> str | None:
    """The words for the single sign-on button, when single sign-on is configured."""
    settings = _settings()
    return settings.oidc_label if settings.oidc_issuer else None


@bp.route("/sign-in", methods=["GET"])
def sign_in() -> str | BaseResponse:
    caller = load_staff_caller()
    wanted = safe_next(request.args.get("next"))
    if caller is not None:
        return redirect(wanted or home_for(caller), 303)
    return render_template(
        "staff/sign_in.html",
        next=wanted or "",
        notice=session.pop(NOTICE_KEY, None),
        error=None,
        sso_label=_sso_label(),
    )


@bp.route("/sign-in", methods=["POST"])
@limiter.limit(SIGN_IN_RATE_LIMIT)
def request_link() -> str | BaseResponse:
    address = normalise_email(request.form.get("email", ""))
    wanted = safe_next(request.form.get("next"))
    if address is None:
        error = (
            "Enter your e-mail address"
            if not request.form.get("email", "").strip()
            else "Enter an e-mail address in the correct format, like name@council.gov.uk"
        )
        page = render_template(
            "staff/sign_in.html",
            next=wanted or "",
            notice=None,
            error=error,
            email=request.form.get("email", "")[:254],
            sso_label=_sso_label(),
        )
        return page, 422  # type: ignore[return-value]
    # The same work for any address: the link is made and e-mailed by the worker
    # (hub.web.staff.send_sign_in_link), so the answer's timing cannot tell who has an account.
    request_sign_in_link(get_db(), address)
    if wanted:
        session[NEXT_KEY] = wanted
    return redirect(url_for("staff_sign_in.check_your_email"), 303)


@bp.route("/sign-in/check-your-email", methods=["GET"])
def check_your_email() -> str:
    return render_template("staff/check_email.html")


@bp.route("/sign-in/link/<string:token>", methods=["GET"])
def open_link(token: str) -> str | tuple[str, int]:
    if len(token) > 100 or not is_live_link(get_db(), token):
        return render_template("staff/link_invalid.html"), 400
    return render_template("staff/confirm_sign_in.html", token=token)


@bp.route("/sign-in/link/<string:token>", methods=["POST"])
def use_link(token: str) -> str | tuple[str, int] | BaseResponse:
    user = redeem_link(get_db(), token) if len(token) <= 100 else None
    if user is None:
        return render_template("staff/link_invalid.html"), 400
    return finish_sign_in(user, "link")


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> BaseResponse:
    caller = load_staff_caller()
    if caller is not None and caller.user_id is not None:
        end_sessions(get_db(), caller.user_id)
        with get_db().transaction() as db_session:
            add_audit_event(
                db_session,
                RequestContext(caller, g.get("request_id")),
                AuditAction.SIGN_OUT,
                AuditOutcome.OK,
            )
    end_staff_session("signed_out")
    return redirect(url_for("staff_sign_in.sign_in"), 303)
