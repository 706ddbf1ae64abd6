"""Migration 0028: the enquirer's links and Notify's receipts on deliveries, added and removed."""

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

BEFORE = "0027_connected_person"
RECEIPT_COLUMNS = {"provider_status", "provider_status_at", "provider_id"}


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


def _shape(url: str) -> tuple[set[str], set[str]]:
    engine = make_engine(url)
    try:
        inspector = sa.inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("deliveries")}
        return set(inspector.get_table_names()), columns
    finally:
        engine.dispose()


def test_0028_adds_the_links_and_receipt_columns_and_its_downgrade_removes_them(
    scratch_url: str, settings: Settings
) -> None:
    upgrade(scratch_url, "0028_enquirer_link")
    tables, columns = _shape(scratch_url)
    assert "enquirer_links" in tables and RECEIPT_COLUMNS <= columns
    command.downgrade(alembic_config(scratch_url), BEFORE)
    tables, columns = _shape(scratch_url)
    assert "enquirer_links" not in tables and not RECEIPT_COLUMNS & columns
