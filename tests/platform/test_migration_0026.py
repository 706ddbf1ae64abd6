"""Migration 0026: the Stage 1 tasks' table comes with the upgrade and goes with the downgrade,
and the upgrade runs again after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from config.settings import Settings
from hub.platform.db import make_engine
from hub.platform.migrate import alembic_config, upgrade
from tests.support.backends import backend_name, postgres_database

REVISION = "0026_consultations"


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
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


def test_the_tasks_table_comes_and_goes_with_the_migration(
    scratch_url: str, settings: Settings
) -> None:
    upgrade(scratch_url, REVISION)
    assert "assessment_tasks" in _tables(scratch_url)
    command.downgrade(alembic_config(scratch_url), "-1")  # to the revision before it
    assert "assessment_tasks" not in _tables(scratch_url)
    upgrade(scratch_url, REVISION)
    assert "assessment_tasks" in _tables(scratch_url)
