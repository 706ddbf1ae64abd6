"""The changes feed as a case system reads it: ``GET /v1/council/changes?cursor=...``.

Each of the caller's councils has its own numbered feed (``hub.changes``); the cursor says,
for each council, the last number read. A page takes each council's next changes in number
order and interleaves them by when they were recorded, so every council's part of a page is
the next run of its own feed: nothing is skipped, and a change committed late still comes
after the cursor (its number was taken under the council's counter lock, which a writer holds
until its commit). Only the caller's councils are read; a cursor naming another council reveals
nothing and reads nothing.
"""

from __future__ import annotations

import heapq
import re
from typing import Any

from sqlalchemy import select

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.changes.models import CouncilChange
from hub.platform.db import Database
from hub.platform.errors import InvalidCursorError

# A cursor is ``chg1`` then ``.<council code>-<last number read>`` per council, in code order:
# every string that matches CURSOR_PATTERN (documented in the OpenAPI document) is a position
# the feed can read from, and a council that is not the caller's is ignored.
CURSOR_PREFIX = "chg1"
CURSOR_PATTERN = r"^chg1(\.[A-Z][0-9]{8}-[0-9]{1,18})*$"
_MAX_CURSOR = 4096


def encode_changes_cursor(positions: dict[str, int]) -> str:
    return CURSOR_PREFIX + "".join(f".{code}-{seq}" for code, seq in sorted(positions.items()))


def decode_changes_cursor(cursor: str | None) -> dict[str, int]:
    """The position per council; no cursor starts every feed at its start."""
    if cursor is None:
        return {}
    if len(cursor) > _MAX_CURSOR or not re.fullmatch(CURSOR_PATTERN, cursor):
        raise InvalidCursorError("Pass back the next_cursor of the last page as it was given.")
    positions: dict[str, int] = {}
    for part in cursor.split(".")[1:]:
        code, seq = part.split("-")
        positions[code] = max(positions.get(code, 0), int(seq))
    return positions


def read_changes(
    db: Database, ctx: RequestContext, cursor: str | None, *, limit: int = 100
) -> dict[str, Any]:
    """The next ``limit`` changes of the caller's councils after ``cursor``; audited (count)."""
    codes = sorted(ctx.caller.authority_codes)
    given = decode_changes_cursor(cursor)
    positions = {code: given.get(code, 0) for code in codes}
    with db.transaction() as session:
        feeds = [
            list(
                session.scalars(
                    select(CouncilChange)
                    .where(
                        CouncilChange.authority_code == code,
                        CouncilChange.seq > positions[code],
                    )
                    .order_by(CouncilChange.seq)
                    .limit(limit + 1)
                )
            )
            for code in codes
        ]
        merged = list(heapq.merge(*feeds, key=lambda change: change.recorded_at))
        page = merged[:limit]
        for change in page:
            positions[change.authority_code] = change.seq
        add_audit_event(
            session,
            ctx,
            AuditAction.READ_CHANGES,
            AuditOutcome.OK,
            detail={"count": len(page)},
        )
    return {
        "items": [_item(change) for change in page],
        "next_cursor": encode_changes_cursor(positions),
        "more": len(merged) > limit,
    }


def _item(change: CouncilChange) -> dict[str, Any]:
    return {
        "council_code": change.authority_code,
        "seq": change.seq,
        "kind": change.kind,
        "reference": change.reference,
        "occurred_at": change.occurred_at,
        "recorded_at": change.recorded_at,
        "detail": change.detail,
    }
