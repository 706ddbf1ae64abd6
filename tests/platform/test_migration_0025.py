"""Migration 0025: the changes feed's tables, the search indexes with the council; and the
downgrade puts the 0019 indexes back and drops the tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from hub.platform.db import make_engine
from hub.platform.migrate import alembic_config, upgrade
from tests.support.backends import backend_name, postgres_database


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


def _surname_index_columns(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        inspector = sa.inspect(engine)
        (index,) = [
            i
            for i in inspector.get_indexes("enquiries")
            if i["name"] == "ix_enquiries_surname_index"
        ]
        tables = set(inspector.get_table_names())
    finally:
        engine.dispose()
    columns = [str(name) for name in index["column_names"]]
    return [*columns, *sorted(tables & {"council_changes", "council_change_counters"})]


@pytest.mark.usefixtures("settings")  # the keys 0004 needs; and the services run (PostgreSQL)
def test_0025_upgrades_and_downgrades(scratch_url: str) -> None:
    upgrade(scratch_url, "0025_case_system")
    assert _surname_index_columns(scratch_url) == [
        "surname_index",
        "authority_code",
        "created_at",
        "council_change_counters",
        "council_changes",
    ]
    command.downgrade(alembic_config(scratch_url), "0024_bookings")
    assert _surname_index_columns(scratch_url) == ["surname_index", "created_at"]
    upgrade(scratch_url, "0025_case_system")
    assert _surname_index_columns(scratch_url)[:3] == [
        "surname_index",
        "authority_code",
        "created_at",
    ]
