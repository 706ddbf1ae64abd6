"""One-time sign-in links: issued for an account, redeemed once, within their lifetime.

Only the SHA-256 hash of a link's secret is stored, so the table cannot be used to sign in.
Redeeming is one conditional update (``WHERE used_at IS NULL AND expires_at > now``), so two
clicks at the same moment sign in once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.access.manage_staff import normalise_email
from hub.access.models import LinkPurpose, SignInLink, StaffUser
from hub.access.tokens import hash_token
from hub.platform.db import Database
from hub.platform.models import utcnow

SIGN_IN_LINK_LIFE = timedelta(minutes=15)
# An invitation is read when the person next looks at their mail, not within minutes.
INVITE_LINK_LIFE = timedelta(hours=24)
# At most this many sign-in links per account in one link lifetime; more are not sent (the
# person is told the same thing), so nobody can fill a colleague's mailbox.
MAX_LINKS_PER_LIFE = 3


@dataclass(frozen=True, slots=True)
class IssuedLink:
    user_id: int
    email: str
    token: str  # the secret for the e-mail: shown once, never stored
    expires_at: datetime


def issue_link(
    db: Database,
    email: str,
    purpose: LinkPurpose = LinkPurpose.SIGN_IN,
    *,
    now: datetime | None = None,
) -> IssuedLink | None:
    """A new link for the live account with this address; None when there is none (or too
    many links were sent lately). The caller says the same thing to the person either way."""
    address = normalise_email(email)
    if address is None:
        return None
    now = now or utcnow()
    with db.transaction() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.with_email(address), StaffUser.disabled_at.is_(None))
        ).first()
        if user is None:
            return None
        return add_link(session, user, purpose, now)


def add_link(
    session: Session, user: StaffUser, purpose: LinkPurpose, now: datetime
) -> IssuedLink | None:
    """Add a link for this live account in the caller's transaction; None when too many
    sign-in links were sent to it lately."""
    life = INVITE_LINK_LIFE if purpose is LinkPurpose.INVITE else SIGN_IN_LINK_LIFE
    if purpose is LinkPurpose.SIGN_IN:
        recent = session.scalar(
            select(func.count())
            .select_from(SignInLink)
            .where(
                SignInLink.user_id == user.id,
                SignInLink.purpose == LinkPurpose.SIGN_IN,
                SignInLink.created_at > now - SIGN_IN_LINK_LIFE,
            )
        )
        if (recent or 0) >= MAX_LINKS_PER_LIFE:
            return None
    token = secrets.token_urlsafe(32)
    session.add(
        SignInLink(
            user_id=user.id,
            token_hash=hash_token(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + life,
        )
    )
    return IssuedLink(user.id, user.email, token, now + life)


def redeem_link(db: Database, token: str, *, now: datetime | None = None) -> StaffUser | None:
    """The live account a valid, unused link names, marking the link used; None otherwise."""
    now = now or utcnow()
    digest = hash_token(token)
    with db.transaction() as session:
        claimed = session.execute(
            update(SignInLink)
            .where(
                SignInLink.token_hash == digest,
                SignInLink.used_at.is_(None),
                SignInLink.expires_at > now,
            )
            .values(used_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        link = session.scalars(select(SignInLink).where(SignInLink.token_hash == digest)).one()
        user = session.get(StaffUser, link.user_id)
        if user is None or user.disabled_at is not None:
            return None
        user.last_signed_in_at = now
        session.flush()
        session.expunge(user)
        return user


def is_live_link(db: Database, token: str, *, now: datetime | None = None) -> bool:
    """Whether a link could still be redeemed (for the page that asks to confirm)."""
    now = now or utcnow()
    with db.sessions() as session:
        found = session.scalar(
            select(func.count())
            .select_from(SignInLink)
            .where(
                SignInLink.token_hash == hash_token(token),
                SignInLink.used_at.is_(None),
                SignInLink.expires_at > now,
            )
        )
    return bool(found)
