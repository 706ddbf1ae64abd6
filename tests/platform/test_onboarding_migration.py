"""The onboarding migration keeps every council able to act: its existing staff become
managers, operators operators, old tokens read-only, operator-added mailboxes confirmed."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from config.settings import load_settings
from hub.platform.migrate import upgrade
from tests.support.settings import use_test_settings

BEFORE = "0013_staff_sign_in_requests"
NOW = "2026-12-01 09:00:00"


def test_existing_staff_become_managers_and_mailboxes_stay_confirmed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    # The migrations encrypt: their keys are installed here, not left by an earlier test.
    keys = load_settings({"HUB_ENV": "test", "HUB_DATA_DIR": str(tmp_path)})
    with use_test_settings(keys):
        upgrade(url, BEFORE)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for n, (scope, value) in enumerate(
            [("authority", "E10000016"), ("delivery_body", "Achieving for Children"), ("hub", None)]
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO staff_users (email_encrypted, email_index, scope, scope_value,"
                    " created_at) VALUES (:e, :i, :s, :v, :t)"
                ),
                {"e": f"x{n}", "i": f"index-{n}", "s": scope, "v": value, "t": NOW},
            )
        conn.execute(
            sa.text(
                "INSERT INTO api_tokens (prefix, secret_hash, scope, scope_value, created_at,"
                " expires_at) VALUES ('abc', 'h', 'authority', 'E10000016', :t, :t)"
            ),
            {"t": NOW},
        )
        conn.execute(
            sa.text(
                "INSERT INTO delivery_subscriptions (kind, scope, scope_value, target, events,"
                " status, created_at, consecutive_failures) VALUES ('mailbox', 'authority',"
                " 'E10000016', 'team@kent.example', '[]', 'active', :t, 0)"
            ),
            {"t": NOW},
        )
    with use_test_settings(keys):
        upgrade(url)
    with engine.connect() as conn:
        roles = conn.execute(sa.text("SELECT scope, role FROM staff_users ORDER BY id")).all()
        permissions = conn.execute(sa.text("SELECT permissions FROM api_tokens")).scalar_one()
        verified = conn.execute(sa.text("SELECT verified_at FROM delivery_subscriptions")).scalar()
    engine.dispose()
    assert [tuple(r) for r in roles] == [
        ("authority", "manager"),
        ("delivery_body", "manager"),
        ("hub", "operator"),
    ]
    assert permissions == "[]"
    assert verified is not None
