"""The outbox sweeper republishes what is unfinished and leaves finished rows alone."""

from __future__ import annotations

from datetime import timedelta

from hub.platform.broker import PublishError
from hub.platform.models import utcnow
from hub.platform.outbox import OutboxEntry, add_outbox_message, complete_outbox_message
from hub.platform.outbox_sweep import sweep_outbox
from hub.platform.queues import TaskName


def _refuse(_entry: OutboxEntry) -> None:
    raise PublishError("broker unavailable: test")


def test_sweeper_republishes_unpublished_rows_and_skips_finished_ones(db) -> None:  # type: ignore[no-untyped-def]
    original = db.publisher
    db.publisher = _refuse  # both rows stay unpublished, as with the broker down
    try:
        with db.transaction() as session:
            done = add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 1, "route:1")
            add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 2, "route:2")
    finally:
        db.publisher = original
    with db.transaction() as session:
        complete_outbox_message(session, done, utcnow())
    published: list[int] = []
    result = sweep_outbox(
        db, stale_after=timedelta(0), publisher=lambda entry: published.append(entry.subject_id)
    )
    assert published == [2]
    assert result.published == 1
