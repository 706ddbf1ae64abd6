"""The hub through a real PgBouncer in transaction mode (HUB_DB_PGBOUNCER=true).

PgBouncer is started for the test in front of the session's PostgreSQL with ONE server
connection, so every transaction of every client runs on the same server connection, one
after another: any session state the hub kept (a prepared statement, a SET) would meet another
client's. PostgreSQL-only by nature; skipped where the pgbouncer program is not installed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hub.app import create_app
from hub.embedded.redis_server import free_port
from hub.platform.db import Database
from tests.support.council import KENT, bearer, routed, token_for
from tests.support.processes import wait_for

pytestmark = pytest.mark.slow

PGBOUNCER = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")


@pytest.fixture
def bouncer_url(db: Database) -> Iterator[str]:
    """A postgresql:// URL of the session's database through PgBouncer (transaction mode)."""
    if db.is_sqlite:
        pytest.skip("PgBouncer sits in front of PostgreSQL (HUB_TEST_BACKEND=services)")
    if PGBOUNCER is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    target = urlsplit(db.url)
    port = free_port()
    # PgBouncer refuses to run as root: it runs as nobody, from a directory nobody can read.
    folder = Path(tempfile.mkdtemp(prefix="hub-pgbouncer-"))
    folder.chmod(0o777)
    (folder / "users.txt").write_text(f'"{target.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={target.hostname} port={target.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 50\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    for path in folder.iterdir():
        path.chmod(0o666)
    process = subprocess.Popen(
        [PGBOUNCER, str(folder / "pgbouncer.ini")],
        user="nobody" if os.geteuid() == 0 else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"postgresql://{target.username}@127.0.0.1:{port}{target.path}"
    try:

        def answers() -> bool:
            probe = Database(db.settings, url=url)
            try:
                with probe.engine.connect() as connection:
                    return connection.execute(text("SELECT 1")).scalar() == 1
            except DBAPIError:
                return False
            finally:
                probe.dispose()

        wait_for(answers, 20, lambda: (folder / "pgbouncer.log").read_text()[-2000:])
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _same_query_from_two_clients(db: Database) -> None:
    """Two pooled connections take turns running one query, each seven times."""
    first, second = db.engine.connect(), db.engine.connect()
    try:
        for _ in range(7):
            for connection in (first, second):
                connection.execute(text("SELECT count(*) FROM enquiries WHERE id > :n"), {"n": 0})
                connection.commit()
    finally:
        first.close()
        second.close()


def test_without_the_setting_psycopgs_prepared_statements_collide(db, bouncer_url) -> None:
    plain = Database(dataclasses.replace(db.settings, database_url=bouncer_url), url=bouncer_url)
    try:
        with pytest.raises(DBAPIError, match="prepared statement"):
            _same_query_from_two_clients(plain)
    finally:
        plain.dispose()


def test_the_hub_routes_and_reports_through_pgbouncer(db, settings, bouncer_url) -> None:
    through = dataclasses.replace(settings, database_url=bouncer_url, db_pgbouncer=True)
    bounced = Database(through, url=bouncer_url)
    try:
        _same_query_from_two_clients(bounced)
        app = create_app(through, db=bounced)
        app.config["TESTING"] = True
        client = app.test_client()
        references = [routed(client, bounced) for _ in range(6)]
        token = token_for(bounced, KENT)
        inbox = client.get("/v1/council/referrals", headers=bearer(token))
        assert inbox.status_code == 200, inbox.get_json()
        assert len(references) == 6
        report = client.get(
            "/v1/council/reports/funnel?from=2000-01-01&to=2100-01-01", headers=bearer(token)
        )
        assert report.status_code == 200, report.get_json()
        assert report.get_json()["rows"][0]["enquiries"] == 6
    finally:
        bounced.dispose()
