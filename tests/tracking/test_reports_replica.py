"""Reports read from HUB_REPORTS_DATABASE_URL (a replica) when it is set; the rest stays put.

The "replica" is a second database of the same backend (another PostgreSQL database, or
another SQLite file) holding a copy of the primary's rows taken at one moment; the primary then
moves on, as a replica's primary does, so a report that counts the copy's rows read the copy.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import time_machine
from sqlalchemy import delete, insert, select

from hub.app import create_app
from hub.model_registry import Base
from hub.platform.db import Database, make_engine
from hub.platform.migrate import upgrade
from tests.support.backends import PG_ADMIN_URL
from tests.support.council import KENT, audit_rows, bearer, routed, token_for
from tests.support.settings import db_settings
from tests.tracking.support import london

PERIOD = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def replica_url(db: Database, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated second database on the session's backend."""
    if not db.url.startswith("postgresql"):
        url = f"sqlite:///{tmp_path / 'replica.db'}"
        upgrade(url)
        yield url
        db.dispose()  # and the reports engine it made
        return
    name = f"hub_replica_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        db.dispose()  # and the reports engine it made
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_rows(source: Database, target_url: str) -> None:
    """Every row of every table, as they are now (a replica at this moment)."""
    target = make_engine(target_url)
    try:
        with source.engine.connect() as reading, target.begin() as writing:
            for table in reversed(Base.metadata.sorted_tables):
                writing.execute(delete(table))
            for table in Base.metadata.sorted_tables:
                rows = [dict(row._mapping) for row in reading.execute(select(table))]
                if rows:
                    writing.execute(insert(table), rows)
    finally:
        target.dispose()


def kent_funnel(client, token: str) -> dict:
    with time_machine.travel(london(2026, 4, 1, 10, 0), tick=False):
        answer = client.get(f"/v1/council/reports/funnel?{PERIOD}", headers=bearer(token))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_report_reads_the_replica_and_its_audit_row_is_written_to_the_primary(
    client, db, settings, replica_url
) -> None:
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        for _ in range(3):
            routed(client, db)
    token = token_for(db, KENT)
    copy_rows(db, replica_url)
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=False):
        for _ in range(2):  # on the primary only: the replica has not caught up
            routed(client, db)

    assert kent_funnel(client, token)["rows"][0]["enquiries"] == 5  # the primary's

    with db_settings(db, dataclasses.replace(settings, reports_database_url=replica_url)) as on:
        app = create_app(on, db=db)
        app.config["TESTING"] = True
        report = kent_funnel(app.test_client(), token)
    assert report["rows"][0]["enquiries"] == 3  # the replica's
    assert len(audit_rows(db, action="read_report")) == 2  # both reads, audited on the primary
    replica = Database(settings, url=replica_url)
    try:
        assert audit_rows(replica, action="read_report") == []
    finally:
        replica.dispose()


def test_without_a_reports_url_reports_read_the_primary(db) -> None:
    assert db.settings.reports_database_url == ""
    assert db.for_reports() is db


def test_the_reports_database_is_made_once_per_process(db, settings, replica_url) -> None:
    with db_settings(db, dataclasses.replace(settings, reports_database_url=replica_url)):
        first = db.for_reports()
        assert first is not db and first.url == replica_url
        assert db.for_reports() is first
