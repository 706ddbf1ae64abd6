"""The transactional outbox row: one message to publish after the change that needs it commits.

A row names a task, the id of the thing it works on (an enquiry, later a delivery or a
follow-up) and a dedupe key, unique, so the same piece of work is never queued twice. The task
completes its row by the row's own id in the same transaction as its effect: an open row is
unfinished work, which the sweeper publishes again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, UTCDateTime, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_name: Mapped[str] = mapped_column(String(80))
    # No foreign key: the subject may be an enquiry, a delivery or a follow-up.
    subject_id: Mapped[int] = mapped_column(BigId, index=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
