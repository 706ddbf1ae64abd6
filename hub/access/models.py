"""API tokens: how a council, a delivery body or a hub operator signs in to the API.

Only a SHA-256 hash of each token is stored; the short ``prefix`` is not secret and finds the
row, the rest is compared in constant time.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ColumnElement, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from hub.platform.crypto import blind_index
from hub.platform.models import Base, BigId, EncryptedText, UTCDateTime, enum_column, utcnow

# The blind index's purpose: its own derived key, so it matches no other index.
STAFF_EMAIL_INDEX = "staff-email"


def staff_email_index(address: str) -> str:
    """The blind index of an address: the same for any case or surrounding spaces."""
    return blind_index(STAFF_EMAIL_INDEX, address.strip().lower())


class TokenScope(StrEnum):
    """Whose referrals a token sees."""

    AUTHORITY = "authority"  # one children's services authority (GSS code)
    DELIVERY_BODY = "delivery_body"  # a trust or company: all the councils it serves
    HUB = "hub"  # a hub operator: triage and decisions, no council inbox


class LinkPurpose(StrEnum):
    INVITE = "invite"
    SIGN_IN = "sign_in"


class StaffRole(StrEnum):
    """What a staff member may do for their team.

    A manager of a council (or a delivery body) also runs the team: invites, disables and
    changes the role of its members, and adds, tests and changes its webhooks and mailboxes.
    An officer works the referrals only. Hub operators have the one role, ``operator``.
    """

    MANAGER = "manager"
    OFFICER = "officer"
    OPERATOR = "operator"


# The API token permission that lets a council's (or delivery body's) system manage its own
# subscriptions (``/v1/council/subscriptions``), as a manager does on the pages.
MANAGE_PERMISSION = "council:manage"


def label_for_scope(scope: str, value: str | None) -> str:
    """``authority:E10000016``, ``delivery_body:Achieving for Children`` or ``hub``."""
    return str(scope) if not value else f"{scope}:{value}"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, 20))
    # The GSS code or delivery body name; empty for hub operators.
    scope_value: Mapped[str | None] = mapped_column(String(120))
    label: Mapped[str | None] = mapped_column(String(200))
    # Beyond reading its scope's referrals: ["council:manage"] lets it manage subscriptions.
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the token is made (a year unless told): an expired token is refused.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def actor(self) -> str:
        """How the token is named in audit rows, journey events and decisions."""
        return f"token:{self.id}"

    @property
    def scope_label(self) -> str:
        return label_for_scope(self.scope, self.scope_value)


class StaffUser(Base):
    """A person on a council's, a delivery body's or the hub's team, who signs in to the pages.

    The address is the only personal data kept. It is encrypted at rest (``email`` reads it
    back in plain, lower-cased); setting it also sets ``email_index``, a keyed hash of it that
    finds the account (``with_email``) and makes one address one account.
    ``sessions_valid_after`` ends every session begun before it (sign-out, disable).
    """

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column("email_encrypted", EncryptedText())
    email_index: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, 20))
    scope_value: Mapped[str | None] = mapped_column(String(120))
    # A StaffRole: manager or officer on a council's or delivery body's team, else operator.
    role: Mapped[str] = mapped_column(String(10), default=StaffRole.OFFICER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def scope_label(self) -> str:
        return label_for_scope(self.scope, self.scope_value)

    @property
    def is_manager(self) -> bool:
        return self.role == StaffRole.MANAGER

    @validates("email")
    def _index_email(self, _key: str, address: str) -> str:
        self.email_index = staff_email_index(address)
        return address

    @classmethod
    def with_email(cls, address: str) -> ColumnElement[bool]:
        """The condition that finds the account for ``address`` (by its blind index)."""
        return cls.email_index == staff_email_index(address)


class SignInRequest(Base):
    """Someone asked for a sign-in link at /sign-in: waiting for the worker to send it.

    Written for every well-formed address, with an account or not, so the request does the
    same work either way; it holds only the address's blind index (the worker finds the
    account by it) and is deleted when the worker takes it. The id is random, not a
    sequence: SQLite would hand a deleted row's id out again, and the outbox's dedupe key
    names it.
    """

    __tablename__ = "staff_sign_in_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    email_index: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SignInLink(Base):
    """A one-time sign-in link: only the SHA-256 hash of its secret is stored."""

    __tablename__ = "staff_sign_in_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, 20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
