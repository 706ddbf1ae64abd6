"""Migration 0024: the bookings and information events tables come and go cleanly, and a
booking onto an event is kept with its event."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from config.settings import Settings
from hub.platform.db import make_engine
from hub.platform.migrate import alembic_config, upgrade
from tests.support.backends import backend_name, postgres_database

AT = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)


@pytest.fixture
def scratch_url(tmp_path: Path, settings: Settings) -> Iterator[str]:
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0024_adds_the_tables_and_the_downgrade_removes_them(scratch_url: str) -> None:
    upgrade(scratch_url, "0023_front_door")
    assert not {"bookings", "info_events"} & _tables(scratch_url)
    upgrade(scratch_url, "0024_bookings")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO info_events (scope, scope_value, title, starts_at, capacity,"
                    " places_taken, created_at, created_by) VALUES ('authority', 'E10000016',"
                    " 'Evening', :at, 10, 0, :at, 'user:1')"
                ),
                {"at": AT},
            )
            row = conn.execute(sa.text("SELECT capacity, places_taken FROM info_events")).one()
        assert tuple(row) == (10, 0)
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("bookings")}
        assert "ix_bookings_officer_id_starts_at" in indexes
    finally:
        engine.dispose()
    command.downgrade(alembic_config(scratch_url), "0023_front_door")
    assert not {"bookings", "info_events"} & _tables(scratch_url)
