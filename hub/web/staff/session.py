"""Staff sessions: who is signed in to the staff pages, for how long, and as which caller.

A session lives in Flask's signed cookie: the user's id, when they signed in and when they
were last seen. It ends after ``IDLE_LIMIT`` without a request or ``ABSOLUTE_LIMIT`` in all,
when the account is disabled, and at sign-out (``StaffUser.sessions_valid_after``, so a copy
of the cookie stops working too). The decorators here are the interface every staff page
(``/council/``, ``/ops/``) is built on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, g, redirect, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from hub.access.caller import Caller, RequestContext
from hub.access.manage_staff import find_active_user
from hub.access.models import StaffUser, TokenScope
from hub.access.staff_callers import caller_for_user
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.platform.errors import NotFoundError, UnauthorizedError
from hub.platform.extensions import get_db
from hub.platform.models import utcnow
from hub.web.staff.display import register_staff_format
from hub.web.staff.form_return import FORM_KEY, carry_kept_form, keep_form_and_return
from hub.web.staff.next_page import safe_next

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
SESSION_KEY = "staff"
NOTICE_KEY = "staff_notice"
NEXT_KEY = "staff_next"  # the page to go back to, kept while the person signs in
COUNCIL_SCOPES = (TokenScope.AUTHORITY, TokenScope.DELIVERY_BODY)

P = ParamSpec("P")
R = TypeVar("R")


def start_staff_session(user: StaffUser, now: datetime | None = None) -> None:
    """Sign ``user`` in: a fresh session (nothing from before sign-in is kept, except a form
    this same person was sending when their last session ended)."""
    moment = (now or utcnow()).timestamp()
    kept = session.get(FORM_KEY)
    session.clear()
    session[SESSION_KEY] = {"user": user.id, "at": moment, "seen": moment}
    carry_kept_form(kept, user.id)


def finish_sign_in(user: StaffUser, method: str) -> BaseResponse:
    """Sign ``user`` in (by ``method``: link, oidc), audit it, and go to the page they wanted
    before signing in, else their home."""
    wanted = safe_next(session.get(NEXT_KEY))
    now = utcnow()
    start_staff_session(user, now)
    caller = caller_for_user(user, now)
    with get_db().transaction() as db_session:
        add_audit_event(
            db_session,
            RequestContext(caller, g.get("request_id")),
            AuditAction.SIGN_IN,
            AuditOutcome.OK,
            detail={"method": method},
        )
    return redirect(wanted or home_for(caller), 303)


def end_staff_session(notice: str | None = None) -> None:
    session.clear()
    if notice:
        session[NOTICE_KEY] = notice


def home_for(caller: Caller) -> str:
    if caller.scope is TokenScope.HUB:
        return url_for("ops_pages.dashboard")
    return url_for("council_pages.referrals")


def _session_user(now: datetime) -> StaffUser | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        user_id, signed_in, seen = int(data["user"]), float(data["at"]), float(data["seen"])
    except (KeyError, TypeError, ValueError):
        end_staff_session()
        return None
    moment = now.timestamp()
    if moment - seen > IDLE_LIMIT.total_seconds() or moment - signed_in > (
        ABSOLUTE_LIMIT.total_seconds()
    ):
        g.expired_user_id = user_id  # whose form, if this request was sending one
        kept = session.get(FORM_KEY)  # a form this person sent late waits for their sign-in
        end_staff_session("expired")
        if kept is not None:
            session[FORM_KEY] = kept
        return None
    user = find_active_user(get_db(), user_id)
    valid_after = user.sessions_valid_after if user is not None else None
    if user is None or (valid_after is not None and signed_in < valid_after.timestamp()):
        end_staff_session()
        return None
    session[SESSION_KEY] = {**data, "seen": moment}
    return user


def load_staff_caller() -> Caller | None:
    """The signed-in staff member as a caller (kept on ``g``), or None; refreshes idle time."""
    if "staff_caller" in g:
        caller = g.staff_caller
        return caller if isinstance(caller, Caller) else None
    now = utcnow()
    user = _session_user(now)
    caller = caller_for_user(user, now) if user is not None else None
    g.staff_caller = caller
    g.staff_user_email = user.email if user is not None else None
    return caller


def _sign_in_redirect() -> BaseResponse:
    if request.method != "GET":
        # A form sent after the session ended: keep what was typed and go back to its page,
        # which asks to sign in first (never the POST's address: it is not a page).
        return keep_form_and_return()
    return redirect(url_for("staff_sign_in.sign_in", next=request.full_path.rstrip("?")), 303)


def staff_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """A signed-in, unexpired staff session, else 303 to ``/sign-in?next=<path>``."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        if load_staff_caller() is None:
            return _sign_in_redirect()
        return view(*args, **kwargs)

    return wrapper


def _deny_page() -> NotFoundError:
    """Audit a staff page refused for the user's role; the 404 page, as for any unknown page."""
    with get_db().transaction() as db_session:
        add_audit_event(
            db_session,
            staff_request_context(),
            AuditAction.OPEN_PAGE,
            AuditOutcome.DENIED,
            detail={"path": request.path[:200]},
        )
    return NotFoundError("Page not found")


def _role_required(
    scopes: tuple[TokenScope, ...],
) -> Callable[[Callable[P, R]], Callable[P, R | BaseResponse]]:
    def decorate(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
            caller = load_staff_caller()
            if caller is None:
                return _sign_in_redirect()
            if caller.scope not in scopes:
                raise _deny_page()
            return view(*args, **kwargs)

        return wrapper

    return decorate


def operator_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """As ``staff_required``, and a hub operator; anyone else gets the 404 page (audited)."""
    return _role_required((TokenScope.HUB,))(view)


def council_staff_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """As ``staff_required``, and on a council's or delivery body's team; else 404 (audited)."""
    return _role_required(COUNCIL_SCOPES)(view)


def council_manager_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    """As ``council_staff_required``, and the team's manager; an officer gets the 404 page
    (audited), as for any page outside their role."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        caller = load_staff_caller()
        if caller is None:
            return _sign_in_redirect()
        if caller.scope not in COUNCIL_SCOPES or not caller.can_manage:
            raise _deny_page()
        return view(*args, **kwargs)

    return wrapper


def current_staff_caller() -> Caller:
    caller = g.get("staff_caller")
    if not isinstance(caller, Caller):
        raise UnauthorizedError("Sign in first.")
    return caller


def staff_request_context() -> RequestContext:
    """Who acts in this request, for the use cases that audit (as the API's request_context)."""
    return RequestContext(current_staff_caller(), g.get("request_id"))


def _staff_template_context() -> dict[str, Any]:
    caller = g.get("staff_caller")
    if not isinstance(caller, Caller):
        return {
            "staff_caller": None,
            "staff_email": None,
            "staff_is_operator": False,
            "staff_is_manager": False,
        }
    return {
        "staff_caller": caller,
        "staff_email": g.get("staff_user_email"),
        "staff_is_operator": caller.scope is TokenScope.HUB,
        "staff_is_manager": caller.can_manage and caller.scope is not TokenScope.HUB,
    }


def register_staff_session(app: Flask) -> None:
    """The signed-in user for every staff template (layout's header and navigation), and the
    filters staff pages use."""
    app.context_processor(_staff_template_context)
    register_staff_format(app)

    @app.after_request
    def _no_store(response: Response) -> Response:
        # A staff page may show personal data: no copy in the browser's or a proxy's cache.
        if g.get("staff_caller") is not None:
            response.headers["Cache-Control"] = "no-store"
        return response
