"""One error hierarchy, rendered as RFC 9457 ``application/problem+json`` on every route."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, json, request
from werkzeug.exceptions import HTTPException

from hub.platform.rate_limit import limiter

PROBLEM_TYPE_BASE = "https://fostering-hub.example/problems/"
PROBLEM_MIMETYPE = "application/problem+json"

# The API (everything under /v1/) and the machine endpoints: they always answer problem+json,
# whatever the client accepts, and carry no cookies. Any other path is a page, whose errors
# follow the request's Accept header (``wants_html_error``).
API_PATH_PREFIX = "/v1/"
MACHINE_PATHS = frozenset({"/openapi.json", "/healthz", "/livez", "/readyz", "/metrics"})
# What an error on a page may be, most preferred first: a tie (``*/*``, or JSON and HTML
# ranked the same) goes to JSON, so only a client that prefers HTML gets a page.
ERROR_MIMETYPES = (PROBLEM_MIMETYPE, "application/json", "text/html")
# app.extensions key: a callable (status, code, title, detail, headers) -> Response that the
# web room installs to render error pages in the pages' own style.
ERROR_PAGE_EXTENSION = "hub_error_page"
ErrorPageRenderer = Callable[[int, str, str, str, dict[str, str]], Response]


class HubError(Exception):
    """A failure the client should hear about, with a stable machine-readable code."""

    status = 500
    code = "internal_error"
    title = "Something went wrong on our side"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers or {}
        # Extension members of the problem (RFC 9457 section 3.2), e.g. the allowed stages.
        self.extra = extra or {}


class ValidationFailedError(HubError):
    status = 422
    code = "validation_failed"
    title = "Some answers need checking"


class MalformedRequestError(HubError):
    status = 400
    code = "malformed_request"
    title = "The request body could not be read"


class UnsupportedMediaTypeError(HubError):
    status = 415
    code = "unsupported_media_type"
    title = "Send the enquiry as application/json"


class IdempotencyConflictError(HubError):
    status = 422
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was already used with a different request"


class NotFoundError(HubError):
    status = 404
    code = "not_found"
    title = "Not found"


class UnauthorizedError(HubError):
    """A missing, unknown or revoked API token (answered with ``WWW-Authenticate: Bearer``)."""

    status = 401
    code = "unauthorized"
    title = "A valid API token is needed"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(
            detail, headers={"WWW-Authenticate": 'Bearer realm="hub", error="invalid_token"'}
        )


class TokenExpiredError(UnauthorizedError):
    """A token past its expiry date: the caller needs a new one, not a retry."""

    code = "token_expired"
    title = "The API token has expired"


class WrongTokenScopeError(HubError):
    """A valid token of the wrong kind (a council token on an operator endpoint, or back)."""

    status = 403
    code = "wrong_token_scope"
    title = "This token cannot use this endpoint"


class InvalidCursorError(HubError):
    status = 400
    code = "invalid_cursor"
    title = "The cursor could not be read"


class ActionNotAllowedError(HubError):
    """A referral action that its current status does not allow."""

    status = 409
    code = "action_not_allowed"
    title = "The referral's status does not allow this"


class ConcurrentChangeError(HubError):
    status = 409
    code = "concurrent_change"
    title = "The referral changed while this request was handled"


class RoutingRefusedError(HubError):
    """The cluster rules do not allow a transfer or manual route."""

    status = 422
    code = "routing_refused"
    title = "The routing rules do not allow this"


# Stable codes for the HTTP errors Flask and its extensions raise themselves.
_HTTP_CODES = {
    400: "malformed_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    503: "service_unavailable",
}


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Build one problem+json response."""
    body: dict[str, Any] = {
        **(extra or {}),
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": getattr(g, "request_id", None),
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested error dict into a flat ``[{field, message}]`` list."""
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if key != "_schema" else ""
            field = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out.extend(flatten_messages(value, field))
    elif isinstance(messages, list | tuple):
        for item in messages:
            out.extend(flatten_messages(item, prefix))
    else:
        out.append({"field": prefix or "(body)", "message": str(messages)})
    return out


def is_api_path(path: str) -> bool:
    """True for the API's and the machine endpoints' paths, false for pages."""
    return path.startswith(API_PATH_PREFIX) or path in MACHINE_PATHS


def wants_html_error() -> bool:
    """Whether this request's error should be an HTML page rather than problem+json.

    Chosen by the request's Accept header, not by where the path seems to lead: a client
    that ranks text/html above every JSON type (a browser: ``text/html,...,*/*;q=0.8``) gets
    a page; one that asks for JSON (``application/json``, ``application/problem+json``), sends
    no Accept, or accepts anything (curl's ``*/*``) gets problem+json. The API's paths answer
    problem+json whatever is accepted: their clients are programs, and their errors are part
    of the API's contract.
    """
    if is_api_path(request.path):
        return False
    return request.accept_mimetypes.best_match(ERROR_MIMETYPES) == "text/html"


def error_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """problem+json, or the web room's HTML error page for a browser on a page path."""
    render: ErrorPageRenderer | None = current_app.extensions.get(ERROR_PAGE_EXTENSION)
    if render is not None and wants_html_error():
        try:
            return render(status, code, title, detail, headers or {})
        except Exception:  # the page itself failed: the problem below still answers
            current_app.logger.exception("error page failed")
    return problem_response(
        status, code, title, detail, errors=errors, headers=headers, extra=extra
    )


def http_exception_to_problem(exc: HTTPException) -> Response:
    """Render any werkzeug/webargs HTTP error as a problem (a page for a browser on a page)."""
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "error")
    errors = None
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and "messages" in data:
        messages = data["messages"]
        # webargs nests messages by location ({"json": {...}}); the location is noise here.
        if isinstance(messages, dict) and set(messages) <= {"json", "query", "headers"}:
            merged: dict[str, Any] = {}
            for loc in messages.values():
                merged.update(loc if isinstance(loc, dict) else {"_schema": loc})
            messages = merged
        errors = flatten_messages(messages)
    # Keep what the exception says about itself (Allow on a 405, WWW-Authenticate on a 401);
    # the body and its Content-Type are ours.
    headers = {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}
    if status == 429:
        headers["Retry-After"] = str(_retry_after_seconds())
    title = exc.name if status != 422 else ValidationFailedError.title
    detail = exc.description or title
    if status == 422:
        detail = "Check the answers listed in errors and send the enquiry again."
    return error_response(status, code, title, detail, errors=errors, headers=headers)


def _retry_after_seconds() -> int:
    """Seconds until the breached rate limit's window resets (at least 1)."""
    try:
        current = limiter.current_limit
        if current is not None:
            return max(1, int(current.reset_at - time.time()) + 1)
    except Exception:  # noqa: S110 - storage trouble: fall back to a safe default
        pass
    return 60


def register_error_handlers(app: Flask) -> None:
    """Make every error on every route a problem+json response."""

    @app.errorhandler(HubError)
    def _hub_error(exc: HubError) -> Response:
        return error_response(
            exc.status,
            exc.code,
            exc.title,
            exc.detail,
            errors=exc.errors,
            headers=exc.headers,
            extra=exc.extra,
        )

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return http_exception_to_problem(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", HubError.title, "The error has been logged.")
