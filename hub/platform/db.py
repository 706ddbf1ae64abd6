"""Database engine and transactions: one place that knows PostgreSQL from SQLite."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from hub.platform.outbox import (
    DEFER_KEY,
    OutboxEntry,
    Publisher,
    after_commit,
    discard_pending,
    publish_committed,
    publish_entry,
)


class DatabaseUnavailableError(RuntimeError):
    """The hub's database is not there to open (a command must not create an empty one)."""


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for another backend or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def require_existing_database(url: str) -> None:
    """DatabaseUnavailableError unless the URL names an SQLite file that exists (or another
    backend, which the first query will reach or not)."""
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise DatabaseUnavailableError(
            f"no hub database at {path}: start the hub there (`hub run --data-dir DIR`) "
            "or run `hub db upgrade --data-dir DIR` first"
        )


def open_existing_database(settings: Settings) -> Database:
    """A Database for a hub database that already exists; DatabaseUnavailableError if not.

    SQLite would otherwise create an empty file wherever the URL points (a mistyped
    ``--data-dir``), and the command would fail later on a missing table.
    """
    require_existing_database(settings.resolved_database_url)
    return Database(settings)


def pool_options(settings: Settings) -> dict[str, Any]:
    """A PostgreSQL engine's pool and driver options, from the settings (docs/deployment.md).

    Each process has its own pool: a gunicorn worker uses at most one connection per thread
    at a time, a Celery pool process one, and the pool never opens more than are used at once
    (up to ``db_pool_size`` kept open, ``db_max_overflow`` more while busy).

    Behind PgBouncer in transaction mode a connection is the server's for one transaction
    only, so nothing may outlive one: psycopg's prepared statements would (it prepares a
    statement after its fifth use), so ``prepare_threshold=None`` turns them off. The hub keeps
    no other session state: no SET, no advisory locks, no LISTEN, no temporary tables, no
    server-side cursors; row locks (FOR UPDATE) end with their transaction.
    """
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if settings.db_pgbouncer:
        options["connect_args"] = {"prepare_threshold": None}
    return options


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs for concurrent writers."""
    # Statement parameters can hold personal data: keep them out of exception text and logs.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN; a deferred transaction that reads and
    # then writes can fail at once with SQLITE_BUSY under WAL. BEGIN IMMEDIATE takes the write
    # lock up front so concurrent writers queue on busy_timeout instead.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


DATABASE_KEY = "hub_database"


class Database:
    """An engine and a session factory; use cases open transactions through it.

    It is built from the process's settings (the database is theirs, ``url`` only points
    elsewhere), and carries them to the use cases it is handed to: ``db.settings``, and in a
    session ``settings_of(session)``. Every session publishes the outbox messages its
    transaction added, after the commit (``publisher`` sends one, by default to the settings'
    broker; tests pass their own).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        url: str | None = None,
        publisher: Publisher | None = None,
        **engine_kwargs: Any,
    ) -> None:
        self.settings = settings
        self.url = url or settings.resolved_database_url
        if not self.url.startswith("sqlite") and "poolclass" not in engine_kwargs:
            engine_kwargs = {**pool_options(settings), **engine_kwargs}
        self.engine = make_engine(self.url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, info={DATABASE_KEY: self})
        self.publisher = publisher or self._publish
        # SQLite allows one writer; threads of this process queue here rather than in
        # SQLite's busy handler, whose sleeps (up to 100 ms each) doubled intake's p99.
        self._sqlite_writer = threading.RLock() if self.is_sqlite else None
        event.listen(self.sessions, "after_commit", self._after_commit)
        event.listen(self.sessions, "after_rollback", discard_pending)
        self._reports: dict[str, Database] = {}
        self._reports_lock = threading.Lock()

    def _publish(self, entry: OutboxEntry) -> None:
        publish_entry(entry, settings=self.settings)

    def _after_commit(self, session: Session) -> None:
        after_commit(session, self.engine, self.publisher)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside a transaction: commit on success, roll back on error.

        Outbox messages the transaction added are published once it has committed and its
        lock (SQLite) is released.
        """
        with self.sessions() as session:
            session.info[DEFER_KEY] = True
            with self._sqlite_writer or nullcontext(), session.begin():
                yield session
            publish_committed(session, self.engine, self.publisher)

    def for_reports(self) -> Database:
        """Where reports read: the replica at ``HUB_REPORTS_DATABASE_URL`` when it is set (one
        engine per process, made at first use), else this database.

        Reports only read, and a replica a few seconds behind is fine for them; everything else,
        including the audit row of a report read, stays on the primary.
        """
        url = self.settings.reports_database_url
        if not url or url == self.url:
            return self
        with self._reports_lock:
            found = self._reports.get(url)
            if found is None:
                found = self._reports[url] = Database(self.settings, url=url)
        return found

    def dispose(self) -> None:
        with self._reports_lock:
            for reports in self._reports.values():
                reports.dispose()
            self._reports.clear()
        self.engine.dispose()


def settings_of(session: Session) -> Settings:
    """The settings of the Database that opened ``session``."""
    db = session.info[DATABASE_KEY]
    assert isinstance(db, Database)
    return db.settings
