"""Read a JSON request body the way the API promises: exactly ``application/json``, bounded.

Python's ``json`` fails on two kinds of valid JSON with errors nothing above it expects: deep
nesting (RecursionError) and integers longer than Python's int-digits limit (ValueError). Both
used to surface as 500s. The guard below runs before every view on every route:

* a body nested deeper than ``MAX_JSON_DEPTH`` cannot be read: 400 ``malformed_request``;
* an integer outside a signed 64-bit range is a rule broken by a readable body: 422
  ``validation_failed``, naming the field (no field of the API takes such a number).

Two more ways a body is not what it seems are refused with 400 ``malformed_request``: a key
that appears twice in one object (``json`` would keep the last silently, so a proxy or log
that kept the first would disagree with what was stored), named by its path; and bytes that
are not UTF-8 (RFC 8259), which are never replaced or guessed at.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, g, request
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser

from hub.platform.errors import MalformedRequestError, ValidationFailedError

JSON_MIMETYPE = "application/json"
MAX_JSON_DEPTH = 32
_INT64 = 2**63
# Longer than any int64 (sign included): refused without asking int() to convert it.
_MAX_INT_CHARS = 20
TOO_LARGE = "Use a smaller number (this one is too large to be an answer here)."


class OversizedNumber:
    """Stands in for an integer the API never takes, so its place can be named."""

    __slots__ = ()


class ObjectWithDuplicateKeys(dict[str, Any]):
    """A JSON object in which some keys appeared more than once, so their paths can be named."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: dict[str, Any], duplicates: list[str]) -> None:
        super().__init__(pairs)
        self.duplicates = duplicates


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    duplicates: list[str] = []
    for key, value in pairs:
        if key in found and key not in duplicates:
            duplicates.append(key)
        found[key] = value
    return ObjectWithDuplicateKeys(found, duplicates) if duplicates else found


def _parse_int(text: str) -> int | OversizedNumber:
    if len(text) > _MAX_INT_CHARS:
        return OversizedNumber()
    value = int(text)
    return value if -_INT64 <= value < _INT64 else OversizedNumber()


def is_json_request() -> bool:
    """True when the request says its body is exactly ``application/json`` (any charset)."""
    return request.mimetype == JSON_MIMETYPE


def load_json_body(raw: bytes | str) -> Any:
    """Parse a body; MalformedRequestError or ValidationFailedError for the cases above."""
    try:
        value = json.loads(raw, parse_int=_parse_int, object_pairs_hook=_object)
    except RecursionError as exc:
        raise _too_deep() from exc
    except UnicodeDecodeError as exc:
        raise MalformedRequestError(
            "The body is not valid UTF-8.",
            errors=[{"field": "(body)", "message": "Send the JSON document encoded as UTF-8."}],
        ) from exc
    except ValueError as exc:  # JSONDecodeError
        raise MalformedRequestError("The body is not valid JSON.") from exc
    duplicates, oversized = _check_shape(value)
    if duplicates:
        raise MalformedRequestError(
            f"A key appears more than once in one object: {', '.join(duplicates)}.",
            errors=[
                {"field": path, "message": "Send this key once in its object."}
                for path in duplicates
            ],
        )
    if oversized:
        raise ValidationFailedError(
            "Check the answers listed in errors and send the request again.",
            errors=[{"field": field, "message": TOO_LARGE} for field in oversized],
        )
    return value


def _too_deep() -> MalformedRequestError:
    return MalformedRequestError(
        f"The body is nested more than {MAX_JSON_DEPTH} levels deep.",
        errors=[{"field": "(body)", "message": "Send a flatter JSON document."}],
    )


def _check_shape(value: Any) -> tuple[list[str], list[str]]:
    """The paths of duplicated keys and of oversized numbers; raises when nesting passes
    ``MAX_JSON_DEPTH``."""
    duplicates: list[str] = []
    oversized: list[str] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(item, OversizedNumber):
            oversized.append(path or "(body)")
        elif isinstance(item, dict | list):
            if isinstance(item, ObjectWithDuplicateKeys):
                duplicates.extend(f"{path}.{k}" if path else k for k in item.duplicates)
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend((v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in pairs)
    return sorted(duplicates), sorted(oversized)


_PARSED = "hub_json_body"


def parsed_json_body() -> Any:
    """The request's JSON body as the guard parsed it, or webargs' ``missing`` when the
    request has none (no body, or not ``application/json``).

    Outside a request the guard has run on (a view called directly), the body is parsed here,
    once, with the same checks.
    """
    if not is_json_request():
        return webargs_core.missing
    if _PARSED not in g:
        raw = request.get_data(cache=True)
        setattr(g, _PARSED, load_json_body(raw) if raw else webargs_core.missing)
    return getattr(g, _PARSED)


class GuardedJsonParser(FlaskParser):
    """webargs' Flask parser that reads the body the guard already parsed, never again.

    Only ``application/json`` is a JSON body (as for the guard): a ``+json`` type is no body,
    so nothing reaches a schema without the guard's checks.
    """

    def _raw_load_json(self, req: Any) -> Any:
        return parsed_json_body()


def register_json_body_guard(app: Flask) -> None:
    """Check (and parse, once) every JSON body before any view or webargs reads it."""

    @app.before_request
    def _guard_json_body() -> None:
        parsed_json_body()
