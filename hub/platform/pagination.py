"""Opaque keyset cursors: a position (time, id) in a list, safe to hand to a client."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from hub.platform.errors import InvalidCursorError


def encode_cursor(kind: str, at: datetime, row_id: int) -> str:
    raw = json.dumps([kind, at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> tuple[datetime, int]:
    """The (time, id) a cursor points after; InvalidCursorError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found_kind, at, row_id = json.loads(raw)
        when = datetime.fromisoformat(at)
        if found_kind != kind or not isinstance(row_id, int) or when.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursorError("Use the next_cursor from the previous page as given.") from exc
    return when, row_id
