"""PostgreSQL pools per process and PgBouncer's transaction mode (HUB_DB_* settings)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from config.settings import SettingsError, load_settings
from hub.platform.db import Database, pool_options


def test_pool_options_come_from_the_settings() -> None:
    settings = load_settings(
        {"HUB_DB_POOL_SIZE": "3", "HUB_DB_MAX_OVERFLOW": "2", "HUB_DB_POOL_TIMEOUT": "7.5"}
    )
    assert pool_options(settings) == {"pool_size": 3, "max_overflow": 2, "pool_timeout": 7.5}


def test_behind_pgbouncer_psycopg_prepares_no_statement() -> None:
    settings = load_settings(
        {"HUB_DATABASE_URL": "postgresql://hub@pgbouncer:6432/hub", "HUB_DB_PGBOUNCER": "true"}
    )
    assert pool_options(settings)["connect_args"] == {"prepare_threshold": None}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"HUB_DB_PGBOUNCER": "true"}, "HUB_DB_PGBOUNCER=true needs a postgresql://"),
        ({"HUB_DB_POOL_SIZE": "0"}, "HUB_DB_POOL_SIZE must be 1 or more"),
        ({"HUB_DB_MAX_OVERFLOW": "-1"}, "HUB_DB_MAX_OVERFLOW must be a whole number"),
    ],
)
def test_a_wrong_pool_setting_stops_the_process(environ, message) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)


def test_sqlite_keeps_its_own_engine_settings(tmp_path) -> None:
    settings = load_settings({"HUB_DATA_DIR": str(tmp_path), "HUB_DB_POOL_SIZE": "2"})
    db = Database(settings)
    try:
        assert db.is_sqlite
        with db.transaction() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        db.dispose()


def _prepared_after_repeats(db: Database) -> int:
    """Statements psycopg prepared on one connection after running one query ten times."""
    with db.engine.connect() as connection:
        for _ in range(10):
            connection.execute(text("SELECT count(*) FROM outbox_messages WHERE id > :n"), {"n": 0})
        return int(connection.execute(text("SELECT count(*) FROM pg_prepared_statements")).one()[0])


def test_the_engine_has_the_pool_and_driver_settings(db) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only: the pool settings and psycopg's prepared statements")
    sized = dataclasses.replace(db.settings, db_pool_size=3, db_max_overflow=1)
    plain = Database(sized)
    behind_pgbouncer = Database(dataclasses.replace(sized, db_pgbouncer=True))
    try:
        assert (plain.engine.pool.size(), plain.engine.pool._max_overflow) == (3, 1)  # type: ignore[attr-defined]
        assert _prepared_after_repeats(plain) > 0  # psycopg's default: prepared after 5 uses
        assert _prepared_after_repeats(behind_pgbouncer) == 0
    finally:
        plain.dispose()
        behind_pgbouncer.dispose()
