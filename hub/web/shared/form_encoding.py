"""A form is read as UTF-8 or not at all.

Werkzeug reads a form leniently: a percent-encoded byte that is not UTF-8 is kept as the text
``%EB``, and a raw byte that is not UTF-8 makes the whole form read as empty (which then
looks like an expired page). Either way a person's answers would be saved altered, or lost
with the wrong explanation. So a form body that is not UTF-8 is refused first, with a page
that says so, and nothing is saved; the API refuses such JSON the same way (400).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, request

from hub.platform.errors import HubError, is_api_path

FORM_MIMETYPE = "application/x-www-form-urlencoded"


class FormEncodingError(HubError):
    status = 400
    code = "form_not_utf8"
    title = "The form could not be read"


def is_utf8_form(raw: bytes) -> bool:
    """Whether every name and value of a urlencoded body, once decoded, is UTF-8."""
    try:
        parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def register_form_encoding_guard(app: Flask) -> None:
    """Refuse a urlencoded body that is not UTF-8 (register before CSRF reads the form)."""

    @app.before_request
    def _refuse_forms_that_are_not_utf8() -> None:
        # Only urlencoded, on pages: the pages' forms send nothing else (no file uploads), and
        # the API reads only JSON (415 for anything else).
        if request.mimetype != FORM_MIMETYPE or is_api_path(request.path):
            return
        # Cached: the form parser then reads this same copy.
        if not is_utf8_form(request.get_data(cache=True)):
            raise FormEncodingError(
                "Some characters in the form were not sent as UTF-8, so nothing was saved."
            )
