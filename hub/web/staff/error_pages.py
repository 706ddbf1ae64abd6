"""Error pages for staff: in the staff frame, in staff words, with a way back to their pages.

``hub.web.shared.error_pages`` renders the carers' error pages (their start page, their
words). A staff member who meets an error on the staff pages (``/council/``, ``/ops/``, sign
in), or anywhere but the carer's form while signed in, gets this page instead: the staff
layout, words about referrals rather than enquiries, and a link to their own home (or to sign
in). It wraps the shared renderer, so which errors are pages (and which stay problem+json)
is decided where it always was.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as BaseResponse

from hub.platform.errors import ERROR_PAGE_EXTENSION, ErrorPageRenderer
from hub.web.shared.error_pages import render_error_page
from hub.web.staff.form_return import keep_form_and_return
from hub.web.staff.session import home_for, load_staff_caller

# Paths that are always staff pages, signed in or not.
STAFF_PATHS = ("/council", "/ops", "/sign-in", "/sign-out")
# What Flask-WTF says of a token that was valid and is now too old.
EXPIRED_FORM = "The CSRF token has expired."
# The carer's own pages: a signed-in staff member there still sees the carers' words.
CARER_PATHS = ("/enquire", "/privacy")


@dataclass(frozen=True, slots=True)
class StaffErrorPage:
    heading: str
    paragraphs: tuple[str, ...]


SUPPORT = "If it keeps happening, tell the hub's support team the reference below."
PAGES = {
    "not_found": StaffErrorPage(
        "Page not found",
        (
            "This page does not exist, or it is not one your team can see.",
            "A referral that was transferred to another council, or returned to the hub, is no "
            "longer in your referrals: referrals your team transferred are listed under "
            "Transferred out.",
        ),
    ),
    "method_not_allowed": StaffErrorPage(
        "Sorry, that did not work",
        (
            "This address cannot be opened that way. Go back to the page and use its buttons.",
            "Nothing was changed.",
        ),
    ),
    "forbidden": StaffErrorPage(
        "You cannot do that",
        ("Your account does not allow this. Nothing was changed.", SUPPORT),
    ),
    "unauthorized": StaffErrorPage(
        "Sign in to see this page",
        ("Your session has ended or you have not signed in. Nothing was changed.",),
    ),
    "csrf_failed": StaffErrorPage(
        "This form has expired",
        (
            "The page was open too long, or your browser did not send its cookies, so nothing "
            "was changed.",
            "Open the page again and send the form again.",
        ),
    ),
    "malformed_request": StaffErrorPage(
        "Sorry, that could not be read",
        ("What your browser sent could not be read, so nothing was changed.", SUPPORT),
    ),
    "form_not_utf8": StaffErrorPage(
        "Sorry, the form could not be read",
        (
            "Some of the characters your browser sent could not be read, so nothing was saved.",
            "Go back, retype any accented or unusual characters, and send the form again.",
        ),
    ),
    "payload_too_large": StaffErrorPage(
        "What you sent is too long",
        ("Nothing was saved. Go back, shorten the note, and send the form again.",),
    ),
    "rate_limited": StaffErrorPage(
        "Sorry, there have been too many attempts",
        ("Nothing was changed. Wait a minute, then try again.",),
    ),
    "internal_error": StaffErrorPage(
        "Sorry, there is a problem with the hub",
        (
            "What you were doing may not have been saved: check the referral before you try "
            "again, in a few minutes.",
            SUPPORT,
        ),
    ),
}


def _is_staff_request() -> bool:
    path = request.path
    if path.startswith(STAFF_PATHS):
        return True
    if path.startswith(CARER_PATHS) or path == "/":
        return False
    try:
        return load_staff_caller() is not None
    except Exception:  # the database may be why this is an error page: the carers' page then
        return False


def _home_link() -> dict[str, str]:
    try:
        caller = load_staff_caller()
    except Exception:
        caller = None
    if caller is None:
        return {"text": "Sign in to the staff pages", "href": "/sign-in"}
    home = home_for(caller)
    words = "Go to queue health" if home == "/ops/" else "Go to your referrals"
    return {"text": words, "href": home}


def render_staff_error_page(
    status: int, code: str, title: str, detail: str, headers: dict[str, str]
) -> Response:
    """The staff page for an error (status and headers as the carers' page would have)."""
    page = PAGES.get(code) or StaffErrorPage(title, (detail,) if detail != title else ())
    g.rejection_code = code
    response = make_response(
        render_template(
            "staff/error.html",
            heading=page.heading,
            paragraphs=page.paragraphs,
            link=_home_link(),
            status=status,
            request_id=getattr(g, "request_id", None),
        ),
        status,
    )
    for name, value in headers.items():
        response.headers[name] = value
    return response


def register_staff_error_pages(app: Flask) -> None:
    """Staff get the staff error page; everyone else the page the shared renderer makes."""
    carers: ErrorPageRenderer = app.extensions.get(ERROR_PAGE_EXTENSION, render_error_page)

    def render(
        status: int, code: str, title: str, detail: str, headers: dict[str, str]
    ) -> Response:
        if _is_staff_request():
            return render_staff_error_page(status, code, title, detail, headers)
        return carers(status, code, title, detail, headers)

    app.extensions[ERROR_PAGE_EXTENSION] = render

    @app.errorhandler(CSRFError)
    def _expired_form(exc: CSRFError) -> BaseResponse:
        # A staff form whose token expired (it was this site's own, only old): back to the
        # form with what was typed, signing in first if the session ended too. A missing or
        # foreign token is refused outright: another site's fields are never offered back.
        if request.path.startswith(STAFF_PATHS[:2]) and exc.description == EXPIRED_FORM:
            return keep_form_and_return()
        renderer = current_app.extensions[ERROR_PAGE_EXTENSION]
        response: Response = renderer(400, "csrf_failed", "Form expired", "", {})
        return response
