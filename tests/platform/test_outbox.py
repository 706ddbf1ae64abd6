"""The outbox: messages added in a transaction are published after it commits, and only then."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.platform.broker import PublishError
from hub.platform.db import Database
from hub.platform.outbox import OutboxEntry, add_outbox_message
from hub.platform.outbox_model import OutboxMessage
from hub.platform.outbox_sweep import sweep_outbox
from hub.platform.queues import TaskName


class Recorder:
    """A publisher that records what it is asked to send (or refuses, as a broker that is down)."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.sent: list[OutboxEntry] = []
        self.refuse = refuse

    def __call__(self, entry: OutboxEntry) -> None:
        if self.refuse:
            raise PublishError("broker unavailable: test")
        self.sent.append(entry)


@pytest.fixture
def recorded(db: Database):
    """The session database with a recording publisher (restored afterwards)."""
    original = db.publisher
    recorder = Recorder()
    db.publisher = recorder
    yield recorder
    db.publisher = original


def _rows(db: Database) -> list[OutboxMessage]:
    with db.sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_message_is_published_after_commit_with_ids_only(db, recorded) -> None:
    with db.transaction() as session:
        outbox_id = add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 41, "route:41")
        assert recorded.sent == []  # nothing leaves before the commit
    assert recorded.sent == [OutboxEntry(outbox_id, TaskName.ROUTE_ENQUIRY, 41)]
    (row,) = _rows(db)
    assert (row.subject_id, row.attempts, row.published_at is not None) == (41, 1, True)


def test_a_rolled_back_transaction_publishes_nothing(db, recorded) -> None:
    with pytest.raises(RuntimeError), db.transaction() as session:
        add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 7, "route:7")
        raise RuntimeError("the change failed")
    assert recorded.sent == []
    assert _rows(db) == []


def test_one_transaction_can_carry_several_messages(db, recorded) -> None:
    with db.transaction() as session:
        add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 1, "route:1")
        add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 2, "route:2")
    assert [entry.subject_id for entry in recorded.sent] == [1, 2]


def test_the_same_dedupe_key_is_refused(db, recorded) -> None:
    with db.transaction() as session:
        add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 5, "route:5")
    with pytest.raises(IntegrityError), db.transaction() as session:
        add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 5, "route:5")
    assert len(recorded.sent) == 1 and len(_rows(db)) == 1


def test_a_refused_publish_leaves_the_row_for_the_sweeper(db) -> None:
    original = db.publisher
    db.publisher = Recorder(refuse=True)
    try:
        with db.transaction() as session:
            outbox_id = add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 9, "route:9")
    finally:
        db.publisher = original
    (row,) = _rows(db)
    assert (row.published_at, row.attempts) == (None, 0)
    later = Recorder()
    result = sweep_outbox(db, stale_after=timedelta(0), publisher=later)
    assert later.sent == [OutboxEntry(outbox_id, TaskName.ROUTE_ENQUIRY, 9)]
    assert (result.published, result.deferred) == (1, 0)


def test_the_sweeper_stops_at_the_first_refusal(db, recorded) -> None:
    with db.transaction() as session:
        for n in range(3):
            add_outbox_message(session, TaskName.ROUTE_ENQUIRY, n, f"route:{n}")
    result = sweep_outbox(db, stale_after=timedelta(0), publisher=Recorder(refuse=True))
    assert (result.published, result.deferred) == (0, 1)


def test_the_publish_happens_after_the_transaction_has_let_go_of_the_database(db) -> None:
    """Another writer can commit while the broker is being called (SQLite has one writer)."""
    import threading

    finished = threading.Event()

    def other_writer() -> None:
        with db.transaction() as session:
            add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 2, "route:2")
        finished.set()

    def publisher(entry: OutboxEntry) -> None:
        if entry.subject_id == 1:
            thread = threading.Thread(target=other_writer)
            thread.start()
            thread.join(timeout=10)

    original = db.publisher
    db.publisher = publisher
    try:
        with db.transaction() as session:
            add_outbox_message(session, TaskName.ROUTE_ENQUIRY, 1, "route:1")
    finally:
        db.publisher = original
    assert finished.is_set()
