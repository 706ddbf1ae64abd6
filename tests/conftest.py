"""Shared fixtures: one migrated database and one Redis per session, real worker processes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from tests.support.backends import Backend, session_backend

REPO = Path(__file__).resolve().parent.parent
GEO_CACHE = Path(os.environ.get("HUB_TEST_GEO_DIR", REPO / ".cache" / "geo"))


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with session_backend(tmp_path_factory.mktemp("backend")) as found:
        yield found


@pytest.fixture(scope="session")
def hub_env(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Point every setting at the session's backend; workers get the same environment."""
    data_dir = tmp_path_factory.mktemp("data")
    env = {
        "HUB_ENV": "test",
        "HUB_DATA_DIR": str(data_dir),
        "HUB_DATABASE_URL": backend.database_url,
        "HUB_REDIS_URL": backend.redis_url,
        "HUB_GEO_DIR": str(GEO_CACHE),
        "HUB_INTAKE_RATE_LIMIT": "100000/minute",
        "HUB_OUTBOX_SWEEP_SECONDS": "1",
        "HUB_OUTBOX_STALE_SECONDS": "2",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from config.settings import get_settings

    get_settings.cache_clear()
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def geography(hub_env: dict[str, str]) -> str:
    from hub.geo import ensure_default_geography

    return ensure_default_geography()


@pytest.fixture(scope="session")
def database(hub_env: dict[str, str], backend: Backend):  # type: ignore[no-untyped-def]
    from hub.platform.db import Database
    from hub.platform.migrate import upgrade

    upgrade(backend.database_url)
    db = Database(backend.database_url)
    yield db
    db.dispose()


@pytest.fixture
def db(database):  # type: ignore[no-untyped-def]
    """The session database, emptied before each test."""
    from hub.model_registry import Base

    with database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    return database


@pytest.fixture
def app(db, geography: str) -> Flask:  # type: ignore[no-untyped-def]
    from config.settings import get_settings
    from hub.app import create_app

    app = create_app(get_settings(), db=db)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
