"""Limits on a request's size, checked before anything else reads it (problem+json answers).

The body. Werkzeug answers 413 when ``Content-Length`` is over ``HUB_MAX_BODY_BYTES``, but a
chunked body has no ``Content-Length``: Werkzeug then reads up to the limit and hands the
truncated bytes on without a word, so an oversized JSON body became 400 "not valid JSON" and
a form silently lost its end. Here a streamed body (one the server de-chunks and marks
``wsgi.input_terminated``, as gunicorn and Werkzeug's own server do) is read first, at most
limit + 1 bytes: one byte too many is a 413, and otherwise the views read the buffered copy.

The URL and the headers. gunicorn refuses a request line or header fields over its limits
(``config/gunicorn.py``) with its own plain HTML page, before the app runs, and cannot do
otherwise for a request it cannot parse. The app's limits below sit under gunicorn's, so
everything but the grossest request is answered here as problem+json (414 and 431).
"""

from __future__ import annotations

from io import BytesIO
from typing import IO, Any, cast

from flask import Flask, request
from werkzeug.exceptions import (
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
)
from werkzeug.wsgi import get_content_length

# Under gunicorn's limit_request_line, limit_request_fields and limit_request_field_size
# (config/gunicorn.py): between the two, a client gets problem+json rather than gunicorn's page.
MAX_URL_BYTES = 4096
MAX_HEADER_FIELDS = 64
MAX_HEADER_FIELD_BYTES = 6144
_READ_CHUNK = 64 * 1024
# WSGI keys of request headers that are not HTTP_* (CGI convention).
_BARE_HEADER_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")


def _url_bytes(environ: dict[str, Any]) -> int:
    """The length of the request target as sent (path and query, still percent-encoded)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if isinstance(raw, str):
        return len(raw)
    query = str(environ.get("QUERY_STRING", ""))
    return len(str(environ.get("PATH_INFO", ""))) + (len(query) + 1 if query else 0)


def _header_fields(environ: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, str(value))
        for key, value in environ.items()
        if key.startswith("HTTP_") or key in _BARE_HEADER_KEYS
    ]


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes from a WSGI input (a read may return less than it was asked for)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def check_request_size(environ: dict[str, Any], max_body_bytes: int) -> None:
    """Raise 414, 431 or 413 for a request over the limits; buffer a streamed body within them.

    Must run before anything touches ``request.stream`` (form, JSON or data).
    """
    if _url_bytes(environ) > MAX_URL_BYTES:
        raise RequestURITooLarge(f"The address is longer than {MAX_URL_BYTES} bytes.")
    fields = _header_fields(environ)
    if len(fields) > MAX_HEADER_FIELDS:
        raise RequestHeaderFieldsTooLarge(f"The request has more than {MAX_HEADER_FIELDS} headers.")
    if any(len(key) + len(value) > MAX_HEADER_FIELD_BYTES for key, value in fields):
        raise RequestHeaderFieldsTooLarge(
            f"A request header is longer than {MAX_HEADER_FIELD_BYTES} bytes."
        )
    # A Content-Length over the limit is refused by Werkzeug itself when the body is read; a
    # body without one can be read safely only when the server has marked its end.
    if get_content_length(environ) is not None or not environ.get("wsgi.input_terminated"):
        return
    body = _read_at_most(cast(IO[bytes], environ["wsgi.input"]), max_body_bytes + 1)
    if len(body) > max_body_bytes:
        raise RequestEntityTooLarge(f"The body is larger than {max_body_bytes} bytes.")
    environ["wsgi.input"] = BytesIO(body)


def register_request_limits(
    app: Flask, max_body_bytes: int, larger: dict[str, int] | None = None
) -> None:
    """Check every request's size first (register before any other before_request reads it).

    ``larger`` names the endpoints that take a bigger body (a file upload) and their limit.
    """
    bigger = dict(larger or {})

    @app.before_request
    def _check_request_size() -> None:
        limit = bigger.get(request.endpoint or "", max_body_bytes)
        if limit != max_body_bytes:
            request.max_content_length = limit
            request.max_form_memory_size = limit
        check_request_size(request.environ, limit)
