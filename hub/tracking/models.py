"""The tracking store: each enquiry's journey, its clocks, its follow-ups and its Stage 1 tasks.

Rows are keyed by enquiry, never by council: a transfer carries the journey to the new
council, and every read and write checks who holds the referral at that moment.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, EncryptedJSON, UTCDateTime, enum_column, utcnow
from hub.rules.tracking_policy import FollowUpOwner
from hub.tracking.stages import Stage


class ClockKind(StrEnum):
    FIRST_CONTACT = "first_contact"
    INITIAL_VISIT = "initial_visit"
    STAGE_ONE = "stage_one"  # the Stage 1 decision, from the checks received
    PANEL = "panel"
    ADM_DECISION = "adm_decision"
    OBSERVATIONS = "observations"  # the applicant's window after a brief report
    REPRESENTATIONS = "representations"  # the applicant's window after a refusal


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # on hold: the time does not count
    MET = "met"
    BREACHED = "breached"  # passed its due time unmet (met_at is set if it was met later)
    STOPPED = "stopped"  # withdrawn, not progressed, or the referral left the council
    # A period the applicant has (observations, representations): it closes, never breaches,
    # and no sweep reads it.
    WINDOW = "window"


class FollowUpKind(StrEnum):
    STALLED_ENQUIRY = "stalled_enquiry"
    RE_ENGAGEMENT = "re_engagement"
    RETENTION_CHECK_IN = "retention_check_in"
    EXIT_CONVERSATION = "exit_conversation"
    # The review of a carer's approval: within a year of approval, then at least yearly
    # (Fostering Services (England) Regulations 2011, reg 28).
    APPROVAL_REVIEW = "approval_review"


class FollowUpStatus(StrEnum):
    DUE = "due"  # open: to do from its due day
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    RE_ENGAGED = "re_engaged"
    NOT_INTERESTED = "not_interested"
    CONTINUING = "continuing"
    NEEDS_SUPPORT = "needs_support"
    CONSIDERING_LEAVING = "considering_leaving"
    DEREGISTERED = "deregistered"
    CONSENT_WITHDRAWN = "consent_withdrawn"


class AssessmentTaskKind(StrEnum):
    """Checks of Stage 1 that the hub tracks as tasks (Fostering Services (England)
    Regulations 2011 as amended 2013, reg 26(1A))."""

    # Reg 26(1A)(d): the applicant lives in another council's area; that council is consulted.
    HOME_COUNCIL_CONSULTATION = "home_council_consultation"
    # Reg 26(1A)(b): a reference from a fostering service the applicant fostered for in the
    # last 12 months.
    PREVIOUS_PROVIDER_REFERENCE = "previous_provider_reference"


class AssessmentTaskStatus(StrEnum):
    OPEN = "open"  # the request is not sent yet
    REQUESTED = "requested"  # sent; the views or the reference are awaited
    DONE = "done"  # received


class Journey(Base):
    """Where one enquiry's journey stands (the latest of its stages, kept for the sweeps)."""

    __tablename__ = "journeys"

    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), primary_key=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    stage_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the journey last changed (recorded, not occurred): the follow-up sweep's cursor.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    application_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # withdrawn, not progressed
    deregistered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JourneyStage(Base):
    """One recorded stage (append-only). ``note`` is free text: encrypted, erased by retention."""

    __tablename__ = "journey_stages"
    __table_args__ = (Index("ix_journey_stages_stage_occurred_at", "stage", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    authority_code: Mapped[str | None] = mapped_column(String(9))  # the holder who recorded it
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(String(60))
    # Ofsted's code for the reason (AW0..AW5 for a withdrawal, the leaving reason for a
    # deregistration), stored beside it: hub.tracking.ofsted_reasons.
    ofsted_code: Mapped[str | None] = mapped_column(String(60))
    # not_progressed and refused: the day written reasons were sent, or why they were not.
    written_reasons_sent_on: Mapped[date | None] = mapped_column(Date)
    written_reasons_not_sent: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(EncryptedJSON())


class JourneyClock(Base):
    """One promise with a deadline: started, due, and how it ended."""

    __tablename__ = "journey_clocks"
    __table_args__ = (
        UniqueConstraint("enquiry_id", "kind", "started_at", name="uq_journey_clocks_start"),
        # The breach sweep reads only running clocks, by due time.
        Index(
            "ix_journey_clocks_running_due_at",
            "due_at",
            postgresql_where=text("state = 'running'"),
            sqlite_where=text("state = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    kind: Mapped[ClockKind] = mapped_column(enum_column(ClockKind, 20))
    authority_code: Mapped[str | None] = mapped_column(String(9))  # the holder when started
    cluster: Mapped[str | None] = mapped_column(String(120))
    target: Mapped[str] = mapped_column(String(40))  # e.g. "1 working day", "8 months"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[ClockState] = mapped_column(
        enum_column(ClockState, 12), default=ClockState.RUNNING
    )
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set in the transaction that emitted clock.breached: once per clock.
    breach_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """A retention follow-up: created once by the policy, done with an outcome or cancelled."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("enquiry_id", "kind", "occurrence", name="uq_follow_ups_once"),
        Index("ix_follow_ups_kind_due_on", "kind", "due_on"),
        Index(
            "ix_follow_ups_open_due_on",
            "due_on",
            postgresql_where=text("status = 'due'"),
            sqlite_where=text("status = 'due'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    kind: Mapped[FollowUpKind] = mapped_column(enum_column(FollowUpKind, 24))
    # Months after the stage for re-engagements and check-ins; 0 for one-off kinds.
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date] = mapped_column(Date)
    owner: Mapped[FollowUpOwner] = mapped_column(enum_column(FollowUpOwner, 10))
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_column(FollowUpStatus, 10), default=FollowUpStatus.DUE
    )
    needs_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[FollowUpOutcome | None] = mapped_column(enum_column(FollowUpOutcome, 24))
    # Codes only (the support named, a deregistration reason, why it was cancelled).
    outcome_detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(EncryptedJSON())


class AssessmentTask(Base):
    """A Stage 1 check tracked as a task: opened when the journey reaches the application.

    One of each kind per enquiry. ``consulted_code`` is the home council consulted (a
    consultation only). ``due_on`` is the council's own target (local practice, not law:
    the regulations say only that Stage 1 is done as soon as reasonably practicable).
    ``note`` is free text: encrypted, erased by retention.
    """

    __tablename__ = "assessment_tasks"
    __table_args__ = (UniqueConstraint("enquiry_id", "kind", name="uq_assessment_tasks_kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), index=True)
    kind: Mapped[AssessmentTaskKind] = mapped_column(enum_column(AssessmentTaskKind, 32))
    status: Mapped[AssessmentTaskStatus] = mapped_column(
        enum_column(AssessmentTaskStatus, 12), default=AssessmentTaskStatus.OPEN
    )
    authority_code: Mapped[str | None] = mapped_column(String(9))  # the holder who opened it
    consulted_code: Mapped[str | None] = mapped_column(String(9))
    # Why it opened: "application" (the stage), "screening" (the enquirer's answer) or the
    # actor who opened it by hand.
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[date] = mapped_column(Date)
    request_sent_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(EncryptedJSON())


class SweepMark(Base):
    """How far a sweep has read (the follow-up and first-contact sweeps), by name."""

    __tablename__ = "tracking_sweep_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    swept_to: Mapped[datetime] = mapped_column(UTCDateTime())


class Anonymisation(Base):
    """An enquiry whose personal data was erased at the end of its retention period."""

    __tablename__ = "anonymisations"

    enquiry_id: Mapped[int] = mapped_column(ForeignKey("enquiries.id"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    category: Mapped[str] = mapped_column(String(20))
    kept_until: Mapped[date] = mapped_column(Date)
