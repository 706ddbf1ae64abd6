"""The council and operator APIs' request guard, with refusals written to the audit log.

A council token on an operator endpoint, or an operator's token on a council endpoint, is
refused by ``hub.access.guard`` (403). Like a staff page opened outside the user's role, the
attempt is audited, so an investigation sees who probed where. The access room sits below
the audit room and cannot write the row itself: every API blueprint guards through here.
"""

from __future__ import annotations

from flask import g, request

from hub.access.caller import RequestContext
from hub.access.guard import CallerOutOfScopeError, authenticate_json_request
from hub.access.models import TokenScope
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.platform.extensions import get_db


def guard_api_request(*scopes: TokenScope, also_accept: tuple[str, ...] = ()) -> None:
    """Blueprint guard: as ``authenticate_json_request``; a wrong kind of token is audited."""
    try:
        authenticate_json_request(*scopes, also_accept=also_accept)
    except CallerOutOfScopeError as refused:
        with get_db().transaction() as session:
            add_audit_event(
                session,
                RequestContext(refused.caller, g.get("request_id")),
                AuditAction.CALL_API,
                AuditOutcome.DENIED,
                detail={"method": request.method, "path": request.path[:200]},
            )
        raise
