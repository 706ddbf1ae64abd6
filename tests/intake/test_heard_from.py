"""`campaign.heard_from` is free text (it may name people): encrypted, never stored in plaintext."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from hub.model_registry import Base
from hub.platform.db import sqlite_path
from tests.support.council import KENT, bearer, routed, token_for

HEARD_FROM = "My neighbour Zebedee Quartermaine told me"


def _every_stored_value(db) -> str:
    with db.engine.connect() as conn:
        return " ".join(
            str(value)
            for table in Base.metadata.sorted_tables
            # Raw SQL: a select() of the table would decrypt through the column types.
            for row in conn.execute(text(f"SELECT * FROM {table.name}"))
            for value in row
        )


def test_heard_from_never_reaches_the_database_in_plaintext(client, db) -> None:
    routed(client, db, campaign={"utm_source": "radio", "heard_from": HEARD_FROM})
    stored = _every_stored_value(db)
    assert "Zebedee" not in stored and "Quartermaine" not in stored
    assert "radio" in stored  # the campaign tags stay readable for reports
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT heard_from FROM enquiries")).scalar_one()
    assert raw.startswith("dev1:")
    path = sqlite_path(db.url)
    if path is not None:  # the embedded backend: the file and its write-ahead log too
        files = [path, Path(f"{path}-wal")]
        data = b"".join(f.read_bytes() for f in files if f.exists())
        assert b"Quartermaine" not in data


def test_the_receiving_council_reads_heard_from_with_the_campaign(client, db) -> None:
    reference = routed(client, db, campaign={"utm_source": "radio", "heard_from": HEARD_FROM})
    response = client.get(f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, KENT)))
    assert response.status_code == 200
    assert response.get_json()["campaign"] == {"utm_source": "radio", "heard_from": HEARD_FROM}
