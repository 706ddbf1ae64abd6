"""The clock sweep reads the decisions it replays in a fixed number of statements.

It read each decision's clocks and journey one statement at a time (3 + 2 per decision: 15
for six decisions); now the decisions, their enquiries' clocks and their first contacts are
three reads whatever their number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from hub.platform.models import utcnow
from hub.rules import get_active_rules
from hub.tracking.sweep_clocks import start_first_contact_clocks
from tests.support.council import routed
from tests.tracking.support import forget_clocks


@contextmanager
def counted(db: Any) -> Iterator[list[str]]:
    """Every SQL statement the database runs inside the block."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def sweep_reads(db: Any) -> tuple[int, int]:
    """(clocks opened, SELECT statements) of one first-contact pass over every decision."""
    with counted(db) as statements, db.transaction() as session:
        opened, _ = start_first_contact_clocks(session, utcnow(), get_active_rules())
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    return opened, len(selects)


def test_the_sweep_reads_two_decisions_and_six_in_the_same_number_of_statements(client, db) -> None:
    for _ in range(2):
        routed(client, db)
    forget_clocks(db)  # decisions recorded before routing opened clocks: the sweep opens them
    opened, few = sweep_reads(db)
    assert opened == 2
    for _ in range(4):
        routed(client, db)
    forget_clocks(db)
    opened, many = sweep_reads(db)
    assert opened == 6
    # The mark read, the decisions, their clocks, their first contacts, the mark locked.
    assert few == many <= 5
