"""Alembic environment: the hub's metadata, the URL from settings or the caller."""

from __future__ import annotations

from alembic import context

from config.settings import get_settings
from hub.model_registry import Base
from hub.platform.db import make_engine
from hub.process_settings import use_settings

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url  # the caller's (`hub db upgrade`, `hub run`, tests): it installed its settings
    # Run by the `alembic` command itself: this process's edge reads and installs its settings
    # (the data migrations encrypt with the hub's keys).
    return use_settings(get_settings()).resolved_database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
