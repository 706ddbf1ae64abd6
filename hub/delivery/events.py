"""Events for councils and operators, delivered by the delivery room (STAND-IN).

This module is replaced by the delivery branch at merge: the real ``emit_event`` writes one
delivery row per subscriber (webhook, mailbox, operators) in the caller's transaction and
de-duplicates by ``event_key``. This stand-in has exactly its enum and signature, writes
nothing and returns 0, so the tracking room can call it from its sweeps meanwhile.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session


class EventType(StrEnum):
    CLOCK_BREACHED = "clock.breached"
    FOLLOW_UP_DUE = "follow_up.due"


def emit_event(
    session: Session,
    event_type: EventType,
    *,
    event_key: str,
    reference: str | None = None,
    authority_code: str | None = None,
    to_operators: bool = False,
    url_path: str | None = None,
) -> int:
    """Queue ``event_type`` for delivery in the caller's transaction; the rows written (0 here)."""
    return 0
