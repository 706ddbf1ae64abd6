"""The enquiry aggregate: what a prospective carer told us, and where it stands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from hub.enquiries.search_keys import INDEX_COLUMNS, search_keys_of
from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, enum_column, utcnow

# The interest of someone who wants to care for a child they already know (a grandchild, a
# relative's or a friend's child): a *connected person* (Care Planning, Placement and Case
# Review (England) Regulations 2010, reg 2 and reg 24). Such an enquiry names the child's
# council or postcode, and is routed to the child's council (hub.rules.engine), not the
# enquirer's.
CONNECTED_INTEREST = "child_i_know"


class EnquiryStatus(StrEnum):
    RECEIVED = "received"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    TRIAGE = "triage"
    SIGNPOSTED = "signposted"
    # A hub operator closed it from triage (a duplicate, a test, spam, not about fostering,
    # withdrawn): it left the queue and goes nowhere until an operator reopens it.
    CLOSED = "closed"
    # The enquirer withdrew it before any council had it (through the confirmation e-mail's
    # link): it leaves the triage queue and is never routed. A council's referral that the
    # enquirer withdraws keeps its status; its journey records ``withdrawn``.
    WITHDRAWN = "withdrawn"


# The only status changes the hub makes; anything else is a bug.
ALLOWED_TRANSITIONS: dict[EnquiryStatus, frozenset[EnquiryStatus]] = {
    EnquiryStatus.RECEIVED: frozenset(
        {
            EnquiryStatus.ROUTED,
            EnquiryStatus.TRIAGE,
            EnquiryStatus.SIGNPOSTED,
            EnquiryStatus.WITHDRAWN,
        }
    ),
    EnquiryStatus.TRIAGE: frozenset(
        {
            EnquiryStatus.ROUTED,
            EnquiryStatus.SIGNPOSTED,
            EnquiryStatus.CLOSED,
            EnquiryStatus.WITHDRAWN,
        }
    ),
    # routed -> routed is a transfer to another council; -> triage is a return to the hub.
    EnquiryStatus.ROUTED: frozenset(
        {EnquiryStatus.TRIAGE, EnquiryStatus.ROUTED, EnquiryStatus.ACKNOWLEDGED}
    ),
    EnquiryStatus.ACKNOWLEDGED: frozenset({EnquiryStatus.TRIAGE, EnquiryStatus.ROUTED}),
    EnquiryStatus.SIGNPOSTED: frozenset(),
    # Closed is left only by reopening, back to triage: never routed straight from closed.
    EnquiryStatus.CLOSED: frozenset({EnquiryStatus.TRIAGE}),
    EnquiryStatus.WITHDRAWN: frozenset(),
}


class InvalidTransitionError(ValueError):
    """A status change the journey does not allow."""


class Enquiry(Base):
    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[EnquiryStatus] = mapped_column(
        enum_column(EnquiryStatus, 32), default=EnquiryStatus.RECEIVED, index=True
    )
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Personal data, encrypted at rest. Special-category answers are kept apart.
    personal: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    special_category: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON())
    # Not personal on their own: used for routing and reports.
    interest: Mapped[str] = mapped_column(String(32))
    preferred_authority_code: Mapped[str | None] = mapped_column(String(9))
    # For a partial or unknown postcode: the council the enquirer said they live in, chosen
    # from the postcode's councils (the form's "check your postcode" step). Routing uses it
    # only when it is one of those councils.
    home_authority_code: Mapped[str | None] = mapped_column(String(9))
    # A connected person: the enquirer wants to care for a child they already know. The
    # enquiry goes to the child's council (``child_authority_code`` as the enquirer named it,
    # else from the child's postcode, kept encrypted in ``personal``), not the enquirer's.
    connected_person: Mapped[bool] = mapped_column(Boolean, default=False)
    child_authority_code: Mapped[str | None] = mapped_column(String(9))
    campaign: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # "How did you hear about us" is free text, so it may name people: encrypted, kept apart
    # from the campaign tags (utm_*), which are not personal.
    heard_from: Mapped[str | None] = mapped_column(EncryptedJSON())
    consent_privacy_notice: Mapped[bool] = mapped_column(Boolean)
    consent_keep_in_touch: Mapped[bool] = mapped_column(Boolean)
    # Set by routing.
    authority_code: Mapped[str | None] = mapped_column(String(9), index=True)
    authority_name: Mapped[str | None] = mapped_column(String(120))
    delivery_body: Mapped[str | None] = mapped_column(String(120))
    cluster: Mapped[str | None] = mapped_column(String(120))
    # Set when the receiving council acknowledges: stops the first-contact clock.
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic lock: every ORM update checks and bumps it, so concurrent changes cannot
    # both win (a conditional UPDATE ... WHERE row_version = n).
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    # Blind indexes of the enquirer's details (hub.enquiries.search_keys): keyed hashes that
    # find an enquiry by e-mail, phone, name or postcode without decrypting any. Set whenever
    # ``personal`` is (anonymising clears all but the district).
    email_index: Mapped[str | None] = mapped_column(String(64))
    phone_index: Mapped[str | None] = mapped_column(String(64))
    name_index: Mapped[str | None] = mapped_column(String(64))
    surname_index: Mapped[str | None] = mapped_column(String(64))
    postcode_index: Mapped[str | None] = mapped_column(String(64))
    district_index: Mapped[str | None] = mapped_column(String(64))
    # The person, as far as the hub can tell: the id of the earliest enquiry in this one's
    # group of repeat enquiries (itself when it matched none); set when it is first decided
    # (hub.enquiries.repeats). Reports count people by it. Not personal data.
    person_key: Mapped[int | None] = mapped_column(BigId, index=True)

    # Each index with the council and the time, so a search within one council reads its
    # newest-first page from the index alone.
    __table_args__ = tuple(
        Index(f"ix_enquiries_{column}", column, "authority_code", "created_at")
        for column in INDEX_COLUMNS
    )
    __mapper_args__ = {"version_id_col": row_version}

    @validates("personal")
    def _index_personal(self, _key: str, personal: dict[str, Any]) -> dict[str, Any]:
        for column, value in search_keys_of(personal).items():
            setattr(self, column, value)
        return personal

    def move_to(self, status: EnquiryStatus, at: datetime) -> None:
        """Change status, refusing a change the journey does not allow."""
        if status not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransitionError(f"an enquiry cannot go from {self.status} to {status}")
        self.status = status
        self.status_changed_at = at


class RepeatMatch(Base):
    """An enquiry found, when it was first decided, to come from the same person as an
    earlier one: by e-mail, phone, or name and postcode together (``matched_on``).

    Never a merge: both enquiries stay as they are; a council sees the earlier one's details
    only when it holds it. Ids only.
    """

    __tablename__ = "repeat_matches"
    __table_args__ = (UniqueConstraint("enquiry_id", "earlier_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"))
    earlier_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    matched_on: Mapped[list[str]] = mapped_column(JSON, default=list)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DuplicateMark(Base):
    """A council's judgement that one of its referrals duplicates another of its own."""

    __tablename__ = "duplicate_marks"

    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), primary_key=True)
    duplicate_of_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    marked_by: Mapped[str] = mapped_column(String(80))


class EnquirerLink(Base):
    """The link in an enquiry's confirmation e-mail that lets the enquirer act on it.

    ``key`` is random and says nothing of the enquiry; the e-mail carries it signed with the
    hub's secret (``hub.enquiries.enquirer_links``), so a key alone, as stored here, opens
    nothing. One per enquiry; it stops working at ``expires_at``.
    """

    __tablename__ = "enquirer_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), unique=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
