"""Migrations upgrade an empty database to head and match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.model_registry import Base


def test_migrations_from_empty_match_the_models(database) -> None:
    # The session database was created empty and upgraded to head by the `database` fixture.
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() is not None
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
