"""Browser-facing protections: CSRF on every form, security headers, session cookie flags.

The API (``/v1/...``) authenticates with bearer tokens and sends no cookies, so CSRF checks
and page headers apply to every other path: any form a later page adds is protected without
opting in.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect

from config.settings import Settings
from hub.platform.errors import is_api_path

csrf = CSRFProtect()

# No inline script or style anywhere (GOV.UK Frontend's inline "js-enabled" snippet is an
# external file here); nothing from another origin; never framed.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_page_path(path: str) -> bool:
    return not is_api_path(path)


def register_security(app: Flask, settings: Settings) -> None:
    """CSRF for every page form, cookie flags, and the headers every page answers with."""
    app.config.update(
        # Checked below for page paths only: API clients carry no cookies to forge with.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=3600,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.is_production,
    )
    csrf.init_app(app)

    @app.before_request
    def _protect_forms() -> None:
        if request.method in UNSAFE_METHODS and is_page_path(request.path):
            csrf.protect()

    @app.after_request
    def _page_headers(response: Response) -> Response:
        if is_page_path(request.path):
            headers = response.headers
            headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            headers.setdefault("X-Content-Type-Options", "nosniff")
            headers.setdefault("X-Frame-Options", "DENY")
            headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
            if settings.is_production:
                headers.setdefault("Strict-Transport-Security", HSTS)
        return response
