"""Staff sessions for pages: a stand-in replaced by the staff-council branch at merge.

Stand-in only (replaced by the staff-council branch at merge): it keeps the id of an API token
row in the Flask session (``tests/web/staff_support.sign_in`` puts it there) and builds the
caller from that row, as the API would for the token. The real module signs staff in by
e-mailed link or single sign-on; the ops pages use only the names below, so it drops in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import abort, g, redirect, request, session

from hub.access.caller import Caller, RequestContext
from hub.access.models import ApiToken, TokenScope
from hub.access.scopes import caller_for
from hub.audit.models import AuditEvent, AuditOutcome
from hub.platform.extensions import get_db
from hub.platform.models import utcnow

STAFF_TOKEN_ID = "staff_token_id"  # noqa: S105 (a session key, not a secret; stand-in)

View = Callable[..., Any]


def _signed_in() -> Caller | None:
    if "staff_caller" in g:
        found: Caller | None = g.staff_caller
        return found
    token_id = session.get(STAFF_TOKEN_ID)
    caller = None
    if isinstance(token_id, int):
        now = utcnow()
        with get_db().sessions() as s:
            row = s.get(ApiToken, token_id)
            if row is not None and row.revoked_at is None and row.expires_at > now:
                caller = caller_for(row, now)
    g.staff_caller = caller
    return caller


def _to_sign_in() -> Any:
    return redirect("/sign-in?" + urlencode({"next": request.full_path.rstrip("?")}), 303)


def staff_required(view: View) -> View:
    """A signed-in member of staff is required, else the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _signed_in() is None:
            return _to_sign_in()
        return view(*args, **kwargs)

    return wrapper


def operator_required(view: View) -> View:
    """A signed-in hub operator is required: sign-in when signed out, else a 404 (audited)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        caller = _signed_in()
        if caller is None:
            return _to_sign_in()
        if caller.scope is not TokenScope.HUB:
            with get_db().transaction() as s:
                s.add(
                    AuditEvent(
                        at=utcnow(),
                        actor=caller.actor,
                        actor_scope=caller.scope_label,
                        action="open_ops_page",
                        outcome=str(AuditOutcome.DENIED),
                        request_id=g.get("request_id"),
                        detail={"path": request.path[:200]},
                    )
                )
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def current_staff_caller() -> Caller:
    caller = _signed_in()
    if caller is None:
        abort(404)
    return caller


def staff_request_context() -> RequestContext:
    return RequestContext(current_staff_caller(), g.get("request_id"))
