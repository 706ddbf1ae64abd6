"""Staff accounts: invite (which makes the account), list, disable, and find one to sign in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from hub.access.manage_tokens import TokenScopeChoice
from hub.access.models import StaffRole, StaffUser, TokenScope, staff_email_index
from hub.platform.db import Database
from hub.platform.models import utcnow


class StaffAccountError(ValueError):
    """An invitation the hub cannot make (an address that is not one, a disabled account)."""


def normalise_email(text: str) -> str | None:
    """The address lower-cased and trimmed, or None when it cannot be an e-mail address."""
    address = text.strip().lower()
    local, at, domain = address.partition("@")
    if (
        not at
        or not local
        or "." not in domain
        or len(address) > 254
        or any(c.isspace() for c in address)
    ):
        return None
    return address


def role_for(choice: TokenScopeChoice, role: StaffRole | None) -> StaffRole:
    """A hub operator's role is ``operator``; a team's account is an officer unless told."""
    if choice.scope is TokenScope.HUB:
        return StaffRole.OPERATOR
    if role is None or role is StaffRole.OPERATOR:
        return StaffRole.OFFICER
    return role


def invite_staff_user(
    db: Database,
    email: str,
    choice: TokenScopeChoice,
    *,
    role: StaffRole | None = None,
    now: datetime | None = None,
) -> StaffUser:
    """The account for ``email`` with this scope and role (an officer unless told): made, or
    (re-invited) given the scope and role."""
    address = normalise_email(email)
    if address is None:
        raise StaffAccountError(f"{email!r} is not an e-mail address")
    now = now or utcnow()
    with db.transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.with_email(address))).first()
        if user is not None and user.disabled_at is not None:
            raise StaffAccountError(f"the account for {address} is disabled")
        if user is None:
            user = StaffUser(email=address, created_at=now)
            session.add(user)
        same_team = user.scope == choice.scope and user.scope_value == choice.value
        if role is None and same_team and user.role is not None:
            role = StaffRole(user.role)  # invited again without a role: it keeps its own
        user.scope = choice.scope
        user.scope_value = choice.value
        user.role = str(role_for(choice, role))
        try:
            session.flush()
        except IntegrityError as exc:  # the same address invited at the same moment
            raise StaffAccountError(f"{address} was invited meanwhile: try again") from exc
        session.expunge(user)
        return user


def list_staff_users(db: Database) -> list[StaffUser]:
    with db.sessions() as session:
        return list(session.scalars(select(StaffUser).order_by(StaffUser.id)))


def disable_staff_user(db: Database, user_id: int, *, now: datetime | None = None) -> bool:
    """Disable an account at once (its sessions end); False when no live account has that id."""
    now = now or utcnow()
    with db.transaction() as session:
        result = session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id, StaffUser.disabled_at.is_(None))
            .values(disabled_at=now, sessions_valid_after=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


def find_active_user(db: Database, user_id: int) -> StaffUser | None:
    with db.sessions() as session:
        user = session.get(StaffUser, user_id)
        if user is None or user.disabled_at is not None:
            return None
        session.expunge(user)
        return user


def end_sessions(db: Database, user_id: int, *, now: datetime | None = None) -> None:
    """Sign-out: every session of this user begun before now stops working."""
    with db.transaction() as session:
        session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .values(sessions_valid_after=now or utcnow())
        )


def rekey_staff_emails(db: Database) -> int:
    """Re-encrypt every address with the primary key and recompute its blind index.

    For after a new key is put first in ``HUB_ENCRYPTION_KEYS`` (so the old one can be
    retired) or after ``HUB_SECRET_KEY`` changes (which changes every index: until this runs,
    nobody is found by address). The number of accounts rewritten.
    """
    with db.transaction() as session:
        users = list(session.scalars(select(StaffUser).order_by(StaffUser.id)))
        for user in users:
            flag_modified(user, "email")  # written again, so encrypted with the primary key
            user.email_index = staff_email_index(user.email)
        return len(users)


def find_or_add_sso_user(
    db: Database, email: str, choice: TokenScopeChoice | None, *, now: datetime | None = None
) -> StaffUser | None:
    """The live account for an address a single sign-on provider vouched for.

    An existing account keeps its own scope; without one, ``choice`` (the council the e-mail
    domain maps to) makes a new account, and None means the address may not have one. A
    disabled account is never signed in.
    """
    address = normalise_email(email)
    if address is None:
        return None
    now = now or utcnow()
    with db.transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.with_email(address))).first()
        if user is None and choice is not None:
            user = StaffUser(
                email=address,
                scope=choice.scope,
                scope_value=choice.value,
                role=str(role_for(choice, None)),
                created_at=now,
            )
            session.add(user)
        if user is None or user.disabled_at is not None:
            return None
        user.last_signed_in_at = now
        session.flush()
        session.expunge(user)
        return user
