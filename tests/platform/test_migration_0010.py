"""Migration 0010: a staff address stored in plain is encrypted, readable and findable after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from config.settings import Settings
from hub.access.sign_in_links import issue_link
from hub.platform.crypto import get_cipher
from hub.platform.db import Database, make_engine
from hub.platform.migrate import alembic_config, upgrade
from hub.platform.models import UTCDateTime
from tests.support.backends import backend_name, postgres_database

ADDRESS = "priya.sharma@kent.gov.uk"
CREATED = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)

_users_0009 = sa.table(
    "staff_users",
    sa.column("id", sa.Integer()),
    sa.column("email", sa.String()),
    sa.column("scope", sa.String()),
    sa.column("scope_value", sa.String()),
    sa.column("created_at", UTCDateTime()),
)


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the session's backend, for this test alone."""
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


@pytest.fixture
def at_0009(scratch_url: str, settings: Settings) -> Iterator[sa.Engine]:
    """The scratch database at revision 0009 with two staff users, addresses in plain."""
    upgrade(scratch_url, "0009_staff")
    engine = make_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(
            _users_0009.insert(),
            [
                {
                    "id": 1,
                    "email": ADDRESS,
                    "scope": "authority",
                    "scope_value": "E10000016",
                    "created_at": CREATED,
                },
                {
                    "id": 2,
                    "email": "ops@hub.example",
                    "scope": "hub",
                    "scope_value": None,
                    "created_at": CREATED,
                },
            ],
        )
    yield engine
    engine.dispose()


def test_the_address_is_encrypted_and_the_plain_column_is_gone(
    scratch_url: str, at_0009: sa.Engine
) -> None:
    upgrade(scratch_url)
    with at_0009.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("staff_users")}
        stored = conn.execute(
            sa.text("SELECT email_encrypted FROM staff_users WHERE id = 1")
        ).scalar_one()
        every_value = " ".join(
            str(v) for row in conn.execute(sa.text("SELECT * FROM staff_users")) for v in row
        )
    assert "email" not in columns
    assert "priya" not in every_value and "kent.gov.uk" not in every_value
    assert stored.startswith("dev1:") and get_cipher().decrypt(stored).decode() == ADDRESS


def test_a_migrated_account_is_found_by_its_address(
    scratch_url: str, at_0009: sa.Engine, settings: Settings
) -> None:
    upgrade(scratch_url)
    db = Database(settings, url=scratch_url)
    try:
        link = issue_link(db, "Priya.Sharma@Kent.gov.uk")
    finally:
        db.dispose()
    assert link is not None and link.user_id == 1 and link.email == ADDRESS


def test_the_migrated_index_refuses_the_same_address_again(
    scratch_url: str, at_0009: sa.Engine
) -> None:
    upgrade(scratch_url)
    with at_0009.connect() as conn:
        index = conn.execute(
            sa.text("SELECT email_index FROM staff_users WHERE id = 1")
        ).scalar_one()
    with pytest.raises(sa.exc.IntegrityError), at_0009.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO staff_users (id, email_encrypted, email_index, scope, created_at) "
                "VALUES (3, 'x', :index, 'hub', :at)"
            ),
            {"index": index, "at": CREATED},
        )


def test_downgrade_puts_the_plain_address_back(scratch_url: str, at_0009: sa.Engine) -> None:
    upgrade(scratch_url)
    command.downgrade(alembic_config(scratch_url), "0009_staff")
    with at_0009.connect() as conn:
        rows = dict(conn.execute(sa.select(_users_0009.c.id, _users_0009.c.email)).all())
    assert rows == {1: ADDRESS, 2: "ops@hub.example"}
