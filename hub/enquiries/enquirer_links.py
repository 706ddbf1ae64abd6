"""The enquirer's link: made with the confirmation e-mail, signed in it, read when opened.

The link names a random key (``EnquirerLink.key``), never the enquiry, its reference or
anything the person told us; the key travels signed with the hub's secret (itsdangerous, as
Flask's own session cookie), so a key read from the database or guessed opens nothing, and a
link changed by one character is told apart from one that has run out. How long it works is
the row's ``expires_at`` (``HUB_ENQUIRER_LINK_DAYS`` after the e-mail was written), not the
signature's age: a retried e-mail carries the same link with the same end.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.enquiries.models import EnquirerLink

_SALT = "enquirer-link"  # only these links are signed with it


class LinkTamperedError(ValueError):
    """The link's signature does not hold: changed, cut short, or never made by the hub."""


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def add_enquirer_link(
    session: Session, enquiry_id: int, now: datetime, *, days: int
) -> EnquirerLink:
    """The enquiry's link, made now if it has none (one per enquiry), in the caller's
    transaction."""
    found = find_link_of_enquiry(session, enquiry_id)
    if found is not None:
        return found
    link = EnquirerLink(
        enquiry_id=enquiry_id,
        key=secrets.token_urlsafe(16)[:22],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    return link


def find_link_of_enquiry(session: Session, enquiry_id: int) -> EnquirerLink | None:
    return session.scalar(select(EnquirerLink).where(EnquirerLink.enquiry_id == enquiry_id))


def find_link(session: Session, key: str, *, for_update: bool = False) -> EnquirerLink | None:
    statement = select(EnquirerLink).where(EnquirerLink.key == key)
    if for_update:
        statement = statement.with_for_update()
    return session.scalar(statement)


def sign_link_key(secret_key: str, key: str) -> str:
    """The token the e-mail's link carries (URL-safe)."""
    return _serializer(secret_key).dumps(key)


def read_link_token(secret_key: str, token: str) -> str:
    """The key a token carries; LinkTamperedError when its signature does not hold."""
    if not token or len(token) > 200:
        raise LinkTamperedError("no token")
    try:
        key = _serializer(secret_key).loads(token)
    except BadSignature as exc:
        raise LinkTamperedError("bad signature") from exc
    if not isinstance(key, str) or not key:
        raise LinkTamperedError("no key")
    return key
