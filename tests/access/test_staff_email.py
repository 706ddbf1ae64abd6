"""Staff e-mail addresses: encrypted at rest, found and kept unique by a keyed blind index."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from config.settings import Settings
from hub.access.manage_staff import (
    find_or_add_sso_user,
    invite_staff_user,
    list_staff_users,
    rekey_staff_emails,
)
from hub.access.manage_tokens import TokenScopeChoice
from hub.access.models import StaffUser, TokenScope, staff_email_index
from hub.access.sign_in_links import issue_link
from tests.support.settings import db_settings, use_test_settings

KENT = TokenScopeChoice(TokenScope.AUTHORITY, "E10000016")


def _raw_rows(db) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text("SELECT * FROM staff_users"))]


def _stored_ciphertext(db, user_id: int) -> str:
    with db.engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT email_encrypted FROM staff_users WHERE id = :id"), {"id": user_id}
            ).scalar_one()
        )


def test_the_stored_row_never_contains_the_address(db) -> None:
    user = invite_staff_user(db, "Priya.Sharma@kent.gov.uk", KENT)
    (row,) = _raw_rows(db)
    every_value = " ".join(str(value) for value in row).lower()
    assert "priya" not in every_value and "sharma" not in every_value
    assert "kent.gov.uk" not in every_value
    assert _stored_ciphertext(db, user.id).startswith("dev1:")


def test_reading_the_account_gives_the_plain_address(db) -> None:
    invite_staff_user(db, "Priya.Sharma@kent.gov.uk", KENT)
    (user,) = list_staff_users(db)
    assert user.email == "priya.sharma@kent.gov.uk"


def test_sign_in_lookups_ignore_case_and_spaces(db) -> None:
    user = invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    link = issue_link(db, "  Sam.Jones@KENT.gov.uk ")
    assert link is not None and link.user_id == user.id
    assert link.email == "sam.jones@kent.gov.uk"


def test_single_sign_on_finds_an_invited_account_whatever_the_case(db) -> None:
    user = invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    found = find_or_add_sso_user(db, "SAM.JONES@Kent.Gov.UK", None)
    assert found is not None and found.id == user.id


def test_inviting_an_address_again_keeps_one_account(db) -> None:
    first = invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    again = invite_staff_user(db, "Sam.Jones@Kent.gov.uk", TokenScopeChoice(TokenScope.HUB, None))
    assert again.id == first.id and len(list_staff_users(db)) == 1


def test_a_second_account_with_the_same_address_is_refused(db) -> None:
    invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(StaffUser(email="Sam.Jones@kent.gov.uk", scope="hub"))
        session.flush()
    assert len(list_staff_users(db)) == 1


def test_old_rows_are_found_and_read_after_a_new_key_is_put_first(db, settings: Settings) -> None:
    old = invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    new_key = f"k2:{Fernet.generate_key().decode()}"
    rotated = replace(settings, encryption_keys=f"{new_key},{settings.encryption_keys}")
    with db_settings(db, rotated):
        link = issue_link(db, "Sam.Jones@kent.gov.uk")
        newer = invite_staff_user(db, "alex.smith@kent.gov.uk", KENT)
        addresses = {user.id: user.email for user in list_staff_users(db)}
    assert link is not None and link.user_id == old.id
    assert addresses == {old.id: "sam.jones@kent.gov.uk", newer.id: "alex.smith@kent.gov.uk"}
    assert _stored_ciphertext(db, old.id).startswith("dev1:")
    assert _stored_ciphertext(db, newer.id).startswith("k2:")


def test_rekey_moves_old_rows_to_the_new_primary_key(db, settings: Settings) -> None:
    user = invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    new_key = f"k2:{Fernet.generate_key().decode()}"
    with db_settings(
        db, replace(settings, encryption_keys=f"{new_key},{settings.encryption_keys}")
    ):
        assert rekey_staff_emails(db) == 1
    assert _stored_ciphertext(db, user.id).startswith("k2:")
    with db_settings(db, replace(settings, encryption_keys=new_key)):  # the old key retired
        link = issue_link(db, "sam.jones@kent.gov.uk")
    assert link is not None and link.email == "sam.jones@kent.gov.uk"


def test_after_a_new_secret_key_rekey_makes_accounts_findable_again(db, settings: Settings) -> None:
    user = invite_staff_user(db, "sam.jones@kent.gov.uk", KENT)
    with db_settings(db, replace(settings, secret_key="a-new-secret-key")):
        before = issue_link(db, "sam.jones@kent.gov.uk")
        rekey_staff_emails(db)
        after = issue_link(db, "sam.jones@kent.gov.uk")
    assert before is None
    assert after is not None and after.user_id == user.id


def test_the_index_is_keyed_by_the_secret_not_a_plain_hash(settings: Settings) -> None:
    address = "sam.jones@kent.gov.uk"
    index = staff_email_index(address)
    with use_test_settings(replace(settings, secret_key="another-secret")):
        other = staff_email_index(address)
    assert index != hashlib.sha256(address.encode()).hexdigest()
    assert other != index and len(index) == 64


def test_comparing_the_encrypted_column_in_sql_is_refused(db) -> None:
    # Ciphertexts differ every time, so such a query would silently find nobody.
    with pytest.raises(TypeError, match="blind index"):
        select(StaffUser).where(StaffUser.email == "sam.jones@kent.gov.uk")
