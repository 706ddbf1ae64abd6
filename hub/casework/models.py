"""The casework store: a referral's owner, its contact attempts, its notes and no-response
closures.

Rows are keyed by enquiry and carry the council that wrote them (``authority_code``): a council
reads only the rows written while it held the referral, so what one team wrote about a person
never reaches the team a referral is transferred to.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, enum_column, utcnow
from hub.platform.personal_text import erase_with_the_enquiry


class ContactChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"
    LETTER = "letter"
    VISIT = "visit"


class ContactOutcome(StrEnum):
    REACHED = "reached"
    VOICEMAIL_LEFT = "voicemail_left"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    EMAIL_SENT = "email_sent"
    BOUNCED = "bounced"


class ClosureState(StrEnum):
    REQUESTED = "requested"  # an officer asked; a manager has not yet signed it off
    CLOSED = "closed"  # a manager signed it off: the journey records not_progressed


class ReferralOwner(Base):
    """Who owns a referral on the holding council's team.

    ``decision_id`` is the routing decision under which it was given: any later decision (a
    transfer away, a return to the hub, a new route) clears the owner without touching this
    row, because an owner counts only while it names the referral's latest decision.
    """

    __tablename__ = "referral_owners"

    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff_users.id"), index=True)
    authority_code: Mapped[str] = mapped_column(String(9))
    decision_id: Mapped[int] = mapped_column(BigId)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assigned_by: Mapped[str] = mapped_column(String(80))


class ContactAttempt(Base):
    """One attempt to reach the enquirer (append-only). ``note`` is encrypted free text."""

    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    authority_code: Mapped[str] = mapped_column(String(9))
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel, 10))
    outcome: Mapped[ContactOutcome] = mapped_column(enum_column(ContactOutcome, 20))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    # This attempt recorded the journey's first_contact stage.
    first_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(EncryptedJSON())


class CaseNote(Base):
    """A free note on a referral: encrypted; never in an audit row, webhook or e-mail."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    authority_code: Mapped[str] = mapped_column(String(9))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(EncryptedJSON())


class NoResponseClosure(Base):
    """Closing a referral as "no response": an officer's request, a manager's sign-off."""

    __tablename__ = "no_response_closures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    authority_code: Mapped[str] = mapped_column(String(9))
    state: Mapped[ClosureState] = mapped_column(enum_column(ClosureState, 10))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    requested_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(80))


# Officers' words can name anyone: the retention job erases them with the enquiry.
erase_with_the_enquiry(ContactAttempt, "note")
erase_with_the_enquiry(CaseNote, "text", "")
