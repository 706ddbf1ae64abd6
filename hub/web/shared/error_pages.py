"""Error pages for browsers, in the pages' own style (the API keeps problem+json).

``hub.platform.errors`` decides, by the request's Accept header (the API's paths always answer
problem+json), whether an error is a page; this module
is the renderer it calls, and the handler for an expired or missing form token.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, g, make_response, render_template, url_for
from flask_wtf.csrf import CSRFError

from hub.platform.errors import ERROR_PAGE_EXTENSION


@dataclass(frozen=True, slots=True)
class ErrorPage:
    heading: str
    paragraphs: tuple[str, ...]
    link_text: str = "Go to the start of the service"
    link_endpoint: str = "carer.start"  # built with url_for when the page is drawn


RESUME = "carer.resume"
PAGES = {
    "csrf_failed": ErrorPage(
        "Sorry, this page has expired",
        (
            "For your security, forms on this service expire after 60 minutes without "
            "activity, and need your browser to accept cookies from this site.",
            "Nothing was sent. Answers you saved on earlier pages are kept for 60 minutes.",
        ),
        "Continue your enquiry",
        RESUME,
    ),
    "draft_expired": ErrorPage(
        "Sorry, your answers have expired",
        (
            "Nothing was sent. We keep answers for 60 minutes after you last saved a page, "
            "so you will need to start again.",
        ),
        "Start again",
    ),
    "not_found": ErrorPage(
        "Page not found",
        (
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
        ),
    ),
    "method_not_allowed": ErrorPage(
        "Sorry, that did not work",
        ("This page cannot be used that way. Go back and use the links and buttons on the page.",),
    ),
    "form_not_utf8": ErrorPage(
        "Sorry, your answers could not be read",
        (
            "Some of the characters your browser sent could not be read, so nothing was "
            "saved: we would rather ask again than keep your answers changed.",
            "Go back, retype any accented or unusual characters, and try again.",
        ),
        "Continue your enquiry",
        RESUME,
    ),
    "payload_too_large": ErrorPage(
        "The information you sent is too long",
        (
            "Nothing was sent. Go back and shorten your answers: a message can be up to "
            "2,000 characters.",
        ),
        "Continue your enquiry",
        RESUME,
    ),
    "rate_limited": ErrorPage(
        "Sorry, there have been too many attempts",
        (
            "There have been too many attempts from your internet connection in a short time.",
            "Nothing was sent or saved this time. Answers you saved on earlier pages are kept "
            "for 60 minutes. Wait a minute, then try again.",
        ),
        "Continue your enquiry",
        RESUME,
    ),
    "internal_error": ErrorPage(
        "Sorry, there is a problem with the service",
        (
            "Try again later. Answers you saved on earlier pages are kept for 60 minutes.",
            "If you had sent your enquiry and saw your reference, we have it.",
        ),
    ),
}


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def render_error_page(
    status: int, code: str, title: str, detail: str, headers: dict[str, str]
) -> Response:
    """The HTML page for an error on a page path (``hub.platform.errors`` calls this)."""
    page = PAGES.get(code) or ErrorPage(title, (detail,) if detail != title else ())
    retry_after = headers.get("Retry-After", "")
    if code == "rate_limited" and retry_after.isascii() and retry_after.isdigit():
        wait = _in_words(int(retry_after))
        page = ErrorPage(
            page.heading,
            (
                page.paragraphs[0],
                f"Nothing was sent or saved this time. Wait {wait}, then try again.",
            ),
            page.link_text,
            page.link_endpoint,
        )
    g.rejection_code = code
    response = make_response(
        render_template(
            "error.html",
            heading=page.heading,
            paragraphs=page.paragraphs,
            link={"text": page.link_text, "href": url_for(page.link_endpoint)},
            status=status,
            request_id=getattr(g, "request_id", None),
        ),
        status,
    )
    for name, value in headers.items():
        response.headers[name] = value
    return response


def register_error_pages(app: Flask) -> None:
    app.extensions[ERROR_PAGE_EXTENSION] = render_error_page

    @app.errorhandler(CSRFError)
    def _expired_form(_exc: CSRFError) -> Response:
        # Only page paths are checked for CSRF, so this is always a page.
        return render_error_page(400, "csrf_failed", "Form expired", "", {})
