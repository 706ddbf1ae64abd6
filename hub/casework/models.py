"""The casework store: a referral's owner, its contact attempts, its notes, no-response
closures, bookings (an initial visit or an information session planned for a time) and the
information events referrals are booked onto.

Rows are keyed by enquiry and carry the council that wrote them (``authority_code``): a council
reads only the rows written while it held the referral, so what one team wrote about a person
never reaches the team a referral is transferred to.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
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


class BookingKind(StrEnum):
    """What a booking plans: each is the journey stage that records it happened."""

    INITIAL_VISIT = "initial_visit"
    INFORMATION_SESSION = "information_session"


class BookingState(StrEnum):
    BOOKED = "booked"  # planned; no outcome yet
    ATTENDED = "attended"  # it happened: the journey has the stage
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"


class BookingReason(StrEnum):
    """Why a booking was moved or cancelled (codes only: the audit row keeps them)."""

    ENQUIRER_ASKED = "enquirer_asked"
    COUNCIL_REARRANGED = "council_rearranged"
    ENQUIRER_NOT_PROCEEDING = "enquirer_not_proceeding"
    BOOKED_IN_ERROR = "booked_in_error"
    OTHER = "other"


class InfoEvent(Base):
    """An information session a council or its delivery body runs, with a number of places.

    ``scope``/``scope_value`` name who runs it as tokens and staff accounts do (a council's
    code, or a delivery body's name): a delivery body's session takes referrals of all its
    councils. ``places_taken`` is changed only by one conditional UPDATE (``places_taken <
    capacity``), so two officers booking the last place cannot both have it.
    """

    __tablename__ = "info_events"
    __table_args__ = (Index("ix_info_events_scope_starts_at", "scope", "scope_value", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(20))
    scope_value: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(200))
    online_link: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int] = mapped_column(Integer)
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))


class Booking(Base):
    """A plan: an initial visit or an information session at a time (a stage is what
    happened). Onto an event, ``event_id`` names it and ``starts_at`` is the event's.

    Open while ``booked`` and the journey has not yet reached the booked stage (a stage
    recorded on the progress page overtakes it too); past ``starts_at`` and open, it is
    overdue. ``reason`` is the last move's or the cancellation's.
    """

    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_officer_id_starts_at", "officer_id", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    authority_code: Mapped[str] = mapped_column(String(9))
    kind: Mapped[BookingKind] = mapped_column(enum_column(BookingKind, 32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("info_events.id"), index=True)
    # The staff member who goes (the visit) or booked the place: "my day" reads by it.
    officer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff_users.id"))
    state: Mapped[BookingState] = mapped_column(enum_column(BookingState, 20))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    booked_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_by: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[BookingReason | None] = mapped_column(enum_column(BookingReason, 32))
    moves: Mapped[int] = mapped_column(Integer, default=0)


# Officers' words can name anyone: the retention job erases them with the enquiry.
erase_with_the_enquiry(ContactAttempt, "note")
erase_with_the_enquiry(CaseNote, "text", "")
