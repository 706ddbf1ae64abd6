"""Form drafts: create, read and save a person's answers between pages; purge old ones.

A draft is found by a random token the person's session holds; the database keeps only the
token's SHA-256. Drafts live ``DRAFT_IDLE`` after their last save; a submitted draft keeps no
answers and lives ``RECEIPT_LIFE`` as the confirmation page's receipt.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.access.tokens import hash_token
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.web.carer.models import FormDraft

# Long enough to fill the form in at a person's pace, short enough not to keep answers that
# were given up on (GOV.UK services usually time a session out after 20-60 minutes).
DRAFT_IDLE = timedelta(minutes=60)
RECEIPT_LIFE = timedelta(hours=24)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def find_draft(
    session: Session, token: str | None, *, now: datetime, for_update: bool = False
) -> FormDraft | None:
    """The live draft (or receipt) for ``token``, or None when unknown or expired."""
    if not token:
        return None
    query = select(FormDraft).where(
        FormDraft.token_hash == hash_token(token), FormDraft.expires_at > now
    )
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def load_answers(db: Database, token: str | None, *, now: datetime | None = None) -> dict[str, str]:
    """The answers saved so far for an unsent draft ({} when none)."""
    with db.sessions() as session:
        draft = find_draft(session, token, now=now or utcnow())
        if draft is None or draft.enquiry_id is not None:
            return {}
        return dict(draft.answers)


def save_answers(
    db: Database, token: str | None, answers: dict[str, str], *, now: datetime | None = None
) -> str:
    """Merge ``answers`` into the draft (a new one when ``token`` has none); returns its token.

    A draft already sent is never changed: a new one is started instead.
    """
    now = now or utcnow()
    with db.transaction() as session:
        draft = find_draft(session, token, now=now, for_update=True)
        if draft is None or draft.enquiry_id is not None:
            token = new_token()
            session.add(
                FormDraft(
                    token_hash=hash_token(token),
                    answers=dict(answers),
                    created_at=now,
                    updated_at=now,
                    expires_at=now + DRAFT_IDLE,
                )
            )
            return token
        assert token is not None
        merged: dict[str, Any] = {**draft.answers, **answers}
        draft.answers = merged
        draft.updated_at = now
        draft.expires_at = now + DRAFT_IDLE
        return token


def purge_expired_drafts(db: Database, *, now: datetime | None = None) -> int:
    """Delete drafts and receipts past their life; returns how many went."""
    with db.transaction() as session:
        result = session.execute(delete(FormDraft).where(FormDraft.expires_at <= (now or utcnow())))
        return int(getattr(result, "rowcount", 0) or 0)
