"""Keyset cursors: a position (time, id) in a list, as ``<kind>.<microseconds>.<id>``.

The format is documented exactly (``cursor_field`` puts its pattern in the OpenAPI document),
and every string that matches the pattern is a position the database can compare against:
16 digits of microseconds since 1970 reach the year 2286, 18 digits of id fit a 64-bit key.
A cursor only says where a page starts; what a caller may see is decided by the query's scope,
so a hand-made cursor reveals nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import fields

from hub.platform.errors import InvalidCursorError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_KIND = r"[a-z][a-z_]{0,30}"
_POSITION = r"\.[0-9]{1,16}\.[0-9]{1,18}"
ANY_CURSOR_PATTERN = rf"^{_KIND}{_POSITION}$"
_HINT = "Use the next_cursor from the previous page as given."


def cursor_pattern(kind: str, *more: str) -> str:
    """The exact pattern of a cursor of this kind (or of any of these kinds)."""
    kinds = (kind, *more)
    for each in kinds:
        if not re.fullmatch(_KIND, each):
            raise ValueError(f"cursor kind {each!r} must match {_KIND}")
    if more:
        return rf"^({'|'.join(kinds)}){_POSITION}$"
    return rf"^{kind}{_POSITION}$"


def encode_cursor(kind: str, at: datetime, row_id: int) -> str:
    micros = (at.astimezone(UTC) - _EPOCH) // _MICROSECOND
    return f"{kind}.{micros}.{row_id}"


def decode_cursor(kind: str, cursor: str) -> tuple[datetime, int]:
    """The (time, id) a cursor points after; InvalidCursorError for anything else."""
    if not isinstance(cursor, str) or not re.fullmatch(cursor_pattern(kind), cursor):
        raise InvalidCursorError(_HINT)
    _, micros, row_id = cursor.split(".")
    return _EPOCH + int(micros) * _MICROSECOND, int(row_id)


class Cursor(fields.String):
    """The ``cursor`` query parameter: its pattern is documented, and a cursor that does not
    match is answered as before, 400 ``invalid_cursor`` (a position that cannot be read)."""

    def __init__(self, kind: str | None = None, *more: str, **kwargs: Any) -> None:
        self.pattern = cursor_pattern(kind, *more) if kind else ANY_CURSOR_PATTERN
        metadata = {
            "pattern": self.pattern,
            "description": "The next_cursor of the previous page, as given.",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(self.pattern, text):
            raise InvalidCursorError(_HINT)
        return text


def cursor_field(kind: str | None = None, *more: str, **kwargs: Any) -> Cursor:
    """The ``cursor`` query parameter of a list of this kind, or of one of these kinds (any
    kind if None)."""
    return Cursor(kind, *more, **kwargs)
