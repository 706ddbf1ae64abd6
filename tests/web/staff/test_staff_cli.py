"""``hub users rekey``: staff addresses re-encrypted with the first key, from the command line."""

from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import text

from config.settings import Settings
from hub.cli import main
from tests.support.settings import use_test_settings
from tests.web.staff_support import invite, new_address


def test_users_rekey_re_encrypts_every_address_with_the_first_key(db, settings: Settings) -> None:
    invite(new_address(), council="Kent")
    invite(new_address(), hub_operator=True)
    new_key = f"k2:{Fernet.generate_key().decode()}"
    with use_test_settings(
        replace(settings, encryption_keys=f"{new_key},{settings.encryption_keys}")
    ):
        result = CliRunner().invoke(main, ["users", "rekey"])
    with db.engine.connect() as conn:
        stored = list(conn.execute(text("SELECT email_encrypted FROM staff_users")).scalars())
    assert result.exit_code == 0, result.output
    assert "2 staff addresses re-encrypted" in result.output
    assert len(stored) == 2 and all(value.startswith("k2:") for value in stored)
