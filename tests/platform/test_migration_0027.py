"""Migration 0027: earlier enquiries and decisions are not connected persons; the downgrade
takes the columns away again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from config.settings import Settings
from hub.platform.db import make_engine
from hub.platform.migrate import alembic_config, upgrade
from tests.support.backends import backend_name, postgres_database

BEFORE = "0026_consultations"
THIS = "0027_connected_person"
AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


def _filler(column: Any, n: int) -> Any:
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return n
    if isinstance(kind, sa.DateTime):
        return AT
    return f"{column['name'][:4]}{n}"


def _columns(engine: sa.Engine, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def test_earlier_rows_are_not_connected_persons_and_downgrade_removes_the_columns(
    scratch_url: str, settings: Settings
) -> None:
    upgrade(scratch_url, BEFORE)
    engine = make_engine(scratch_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine, only=["enquiries", "routing_decisions"])
        rows = {}
        for table in ("enquiries", "routing_decisions"):
            required = [
                c
                for c in sa.inspect(engine).get_columns(table)
                if not c["nullable"] and c.get("default") is None and c["name"] != "id"
            ]
            rows[table] = {c["name"]: _filler(c, 1) for c in required}
        rows["routing_decisions"]["enquiry_id"] = 1
        with engine.begin() as conn:
            for table, values in rows.items():
                conn.execute(meta.tables[table].insert().values(id=1, **values))
        upgrade(scratch_url, THIS)
        with engine.connect() as conn:
            # SQLite reads a boolean back as 0 through plain SQL; both are false.
            flag, child = conn.execute(
                sa.text("SELECT connected_person, child_authority_code FROM enquiries")
            ).one()
            assert (bool(flag), flag is not None, child) == (False, True, None)
            decided = conn.execute(sa.text("SELECT connected_person FROM routing_decisions"))
            assert decided.scalar_one() in (False, 0)
        command.downgrade(alembic_config(scratch_url), BEFORE)
        assert not {"connected_person", "child_authority_code"} & _columns(engine, "enquiries")
        assert "connected_person" not in _columns(engine, "routing_decisions")
    finally:
        engine.dispose()
