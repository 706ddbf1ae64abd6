"""The page to go back to after signing in: only a page of this site that the hub routes.

The target comes from a query string or a form field, so anyone can write it. A browser
drops tabs and newlines from a ``Location`` header, and reads a backslash as a slash, so
``/\\t/evil.example`` arrives as ``//evil.example``: another site. A newline cannot be
written in a header at all (the server answers 500). So the target is parsed; anything but
a plain path (with its query) is refused, in its written and in its percent-decoded form;
and the path must be a page the app answers with GET. Every ``next`` the staff pages follow
goes through ``safe_next``.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException

MAX_NEXT_LENGTH = 2000


def _has_unsafe_character(text: str) -> bool:
    """A backslash or a character a browser would drop or that would break the header
    (controls, including tab, newline and DEL; non-ASCII line and paragraph separators)."""
    return any(char == "\\" or not char.isprintable() for char in text)


def _is_routed_page(path: str) -> bool:
    """True when the app answers a GET of ``path`` itself (not a redirect, 404 or 405)."""
    adapter = current_app.create_url_adapter(request)
    if adapter is None:
        return False
    try:
        adapter.match(path, method="GET")
    except HTTPException:  # NotFound, MethodNotAllowed, RequestRedirect
        return False
    return True


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a same-origin path (and query) of a page the hub routes;
    None for anything else, so the caller goes to its home page instead."""
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    decoded = unquote(target)
    if any(char.isspace() for char in target) or _has_unsafe_character(target):
        return None
    if _has_unsafe_character(decoded):
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return None
    return target if _is_routed_page(path) else None
