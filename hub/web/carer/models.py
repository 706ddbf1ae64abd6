"""The carer's answers between pages, and the receipt that finds their enquiry afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, utcnow


class FormDraft(Base):
    """One person's way through the enquiry form, found by the hash of a random token.

    The token lives only in the person's session cookie (and, on the check-answers page, in
    the form as the one-time submission token); the database keeps its SHA-256, so a copy of
    the table finds nobody's draft. The answers are personal data, encrypted at rest, and are
    emptied once the enquiry is stored: the row is then only the receipt that lets the
    confirmation page find the enquiry (``enquiry_id``) without a reference in the URL.
    """

    __tablename__ = "web_form_drafts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    enquiry_id: Mapped[int | None] = mapped_column(ForeignKey("enquiries.id"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
