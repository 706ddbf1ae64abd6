"""Shared fixtures: one migrated database and one Redis per session, real worker processes.

Settings are explicit: ``hub_env`` is the session's HUB_* variables as a dict (never written
to ``os.environ``), ``hub_settings`` is ``load_settings(hub_env)``. Code is handed them: the
``db`` carries them (``Database(settings)``), the ``app`` is built with them. The ``settings``
fixture also installs their process-wide parts (keys, rules file, geography: ``use_settings``)
and makes them what the edges' ``get_settings()`` returns, for one test (every test that asks
for ``db``, ``app`` or ``client`` gets it). Worker processes get ``hub_env`` as their
environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import delete

from config.settings import Settings, load_settings
from hub.platform.queued_marks import QUEUED_PREFIX
from tests.support.backends import Backend, backend_name, session_backend
from tests.support.route_builders import memoize_route_builders
from tests.support.settings import use_test_settings

REPO = Path(__file__).resolve().parent.parent
GEO_CACHE = Path(os.environ.get("HUB_TEST_GEO_DIR", REPO / ".cache" / "geo"))

# Almost every test builds an app: each URL rule's builder is compiled once per process.
memoize_route_builders()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Accept pyproject's ``-n``/``--dist`` (parallel runs) when pytest-xdist is turned off.

    ``addopts`` runs the suite on several xdist workers; ``-n 0`` runs it in this process.
    With ``-p no:xdist`` the options would be unknown: they are accepted here and ignored.
    """
    if pluginmanager.has_plugin("xdist"):
        return
    group = parser.getgroup("xdist", "parallel runs (pytest-xdist is turned off: ignored)")
    # pytest reserves lowercase short options for itself and plugins; xdist registers -n so.
    group._addoption("-n", "--numprocesses", dest="numprocesses", default=None)
    group.addoption("--dist", dest="dist", default="no")


def runs_on_this_backend(item: pytest.Item, backend: str) -> bool:
    """Whether ``item`` runs in this session, on ``backend`` (see docs/contributing.md).

    A test that does not use the ``backend`` fixture, directly or through another (``db``,
    ``app``, ``client``, ``hub_env``, ...), runs the same code whatever the backend: pure
    functions, rules, geography, schemas, the embedded server's own tests. It runs on the
    embedded run only, not again on the services run. ``@pytest.mark.one_backend("services")``
    runs a test that uses a backend on that backend's run only. ``HUB_TEST_SPLIT=0`` runs
    every test on both.
    """
    if os.environ.get("HUB_TEST_SPLIT", "1") == "0":
        return True
    only = item.get_closest_marker("one_backend")
    if only is not None:
        return bool(backend == only.args[0])
    if "backend" in getattr(item, "fixturenames", ()):
        return True
    return backend == "embedded"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each module whose tests share a module-scoped fixture on one xdist worker, and
    leave out the tests that belong to the other backend's run (``runs_on_this_backend``).

    Such fixtures start something costly once for the module (a browser, a Celery worker,
    `hub run`, gunicorn, an identity provider); spread over several workers, each would start
    its own. ``--dist loadgroup`` sends the tests of one ``xdist_group`` to one worker.
    """
    backend = backend_name()
    left_out = [item for item in items if not runs_on_this_backend(item, backend)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if runs_on_this_backend(item, backend)]
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None or item.get_closest_marker("xdist_group") is not None:
            continue
        scopes = {d.scope for defs in fixtures.name2fixturedefs.values() for d in defs}
        if scopes & {"module", "class", "package"}:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    with session_backend(tmp_path_factory.mktemp("backend")) as found:
        yield found


@pytest.fixture(scope="session")
def hub_env(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every HUB_* setting of the session, pointing at its backend (a dict, not os.environ)."""
    return {
        "HUB_ENV": "test",
        "HUB_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "HUB_DATABASE_URL": backend.database_url,
        "HUB_REDIS_URL": backend.redis_url,
        "HUB_GEO_DIR": str(GEO_CACHE),
        "HUB_INTAKE_RATE_LIMIT": "100000/minute",
        "HUB_FORM_RATE_LIMIT": "100000/minute",
        "HUB_OUTBOX_SWEEP_SECONDS": "1",
        "HUB_OUTBOX_STALE_SECONDS": "2",
    }


@pytest.fixture(scope="session")
def hub_settings(hub_env: dict[str, str]) -> Settings:
    """The session's settings, built from ``hub_env`` alone (the shell's HUB_* are ignored)."""
    return load_settings(hub_env)


@pytest.fixture
def settings(hub_settings: Settings) -> Iterator[Settings]:
    """``hub_settings`` installed in this process (and for the edges), for this test."""
    with use_test_settings(hub_settings):
        yield hub_settings


@pytest.fixture(scope="session")
def geography_version(hub_settings: Settings) -> str:
    """The default geography in the session's geo directory, built once if missing."""
    from hub.geo import ensure_default_geography

    with use_test_settings(hub_settings):
        return ensure_default_geography(hub_settings.resolved_geo_dir)


@pytest.fixture
def geography(geography_version: str, settings: Settings) -> str:
    """The session's geography, with the settings that point at it installed for this test."""
    return geography_version


@pytest.fixture(scope="session")
def database(hub_settings: Settings):
    from hub.platform.db import Database
    from hub.platform.migrate import upgrade

    with use_test_settings(hub_settings):
        upgrade(hub_settings.database_url)
        db = Database(hub_settings)
    yield db
    db.dispose()


@pytest.fixture
def db(database, settings: Settings):
    """The session database, emptied before each test, handing on the test's ``settings``."""
    from hub.model_registry import Base

    with database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    # Outbox ids start again in an emptied SQLite table: forget the queued marks of the last
    # test's rows (hub.platform.queued_marks), as a fresh hub's Redis would not have them.
    with Redis.from_url(settings.redis_url) as broker:
        marks = list(broker.scan_iter(match=f"{QUEUED_PREFIX}*", count=1000))
        if marks:
            broker.delete(*marks)
    before = database.settings
    database.settings = settings
    yield database
    database.settings = before


@pytest.fixture
def app(db, geography: str, settings: Settings) -> Flask:
    from hub.app import create_app

    app = create_app(settings, db=db)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
