"""The request guard for the council and operator APIs: bearer token, scope, JSON body."""

from __future__ import annotations

from typing import Any

from flask import g, request

from hub.access.authenticate import authenticate
from hub.access.caller import Caller, RequestContext
from hub.access.models import TokenScope
from hub.platform.errors import UnauthorizedError, UnsupportedMediaTypeError, WrongTokenScopeError
from hub.platform.extensions import get_db
from hub.platform.json_body import is_json_request

SECURITY_SCHEME = "bearerAuth"
BEARER_SECURITY: list[dict[str, list[str]]] = [{SECURITY_SCHEME: []}]


class CallerOutOfScopeError(WrongTokenScopeError):
    """A valid token of the wrong kind, naming who it is, so the refusal can be audited."""

    def __init__(self, detail: str, caller: Caller) -> None:
        super().__init__(detail)
        self.caller = caller


def require_caller(*scopes: TokenScope) -> Caller:
    """Authenticate the current request and check the token's kind; keep it on ``g``."""
    caller = authenticate(get_db(), request.headers.get("Authorization"))
    if caller.scope not in scopes:
        raise CallerOutOfScopeError(
            "Use a " + " or ".join(s.value.replace("_", " ") for s in scopes) + " token here.",
            caller,
        )
    g.caller = caller
    return caller


def current_caller() -> Caller:
    caller = g.get("caller")
    if not isinstance(caller, Caller):
        raise UnauthorizedError()
    return caller


def register_bearer_scheme(api: Any) -> None:
    """Declare the bearer token security scheme in the OpenAPI document."""
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer", "description": "An API token from the hub."},
    )


def authenticate_json_request(*scopes: TokenScope, also_accept: tuple[str, ...] = ()) -> None:
    """Blueprint guard: a caller of one of ``scopes``, and a JSON body when there is a body
    (or one of the media types ``also_accept`` names, for an endpoint that takes a file)."""
    require_caller(*scopes)
    # An empty body is fine (acknowledge has none); a body must be JSON.
    if request.method == "POST" and request.content_length:
        if not is_json_request() and request.mimetype not in also_accept:
            raise UnsupportedMediaTypeError("Send the body with Content-Type: application/json.")


def request_context() -> RequestContext:
    """Who is asking, and the request id, for use cases that audit what they do."""
    return RequestContext(current_caller(), g.get("request_id"))
