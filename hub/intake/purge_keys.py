"""Forget Idempotency-Keys past their life (beat runs this hourly)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from hub.intake.models import IdempotencyRecord
from hub.platform.db import Database
from hub.platform.models import utcnow


def purge_idempotency_keys(db: Database, *, now: datetime | None = None) -> int:
    """Delete expired idempotency records; returns how many went."""
    with db.transaction() as session:
        result = session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow()))
        )
        return int(getattr(result, "rowcount", 0) or 0)
