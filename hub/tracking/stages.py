"""The journey's stages, which need a reason, and which stage may follow which (a pure machine).

Progress stages run in order from first contact to approval, as the Fostering Services
(England) Regulations 2011 (as amended 2013) and the National Minimum Standards 2011 shape an
assessment: application, Stage 1 checks received, the Stage 1 decision, Stage 2, panel, the
agency decision maker's decision, approval. A council records key steps only, so forward
skips are allowed and going back is not. ``withdrawn`` (the enquirer stopped) and
``not_progressed`` (the council stopped) may come at any point before approval, ``on_hold``
pauses the clocks until ``resumed``; a withdrawn enquirer who re-engages is ``resumed`` too.

Two stages are paths beside the progress: ``brief_report`` (the assessment ended early with a
brief report, after the application and before panel; the applicant has 10 working days to
send observations, then it goes to panel) and ``refused`` (the decision maker's qualifying
determination, after panel: 28 days for representations or the Independent Review
Mechanism; then ``approved`` after a review, or ``not_progressed``).
After ``approved`` only ``deregistered`` may follow; ``not_progressed`` and ``deregistered``
end the journey. The reason codes are in :mod:`hub.tracking.ofsted_reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.tracking.ofsted_reasons import (
    DeregistrationReason,
    NotProgressedReason,
    WithdrawalReason,
)


class Stage(StrEnum):
    FIRST_CONTACT = "first_contact"
    INFORMATION_SESSION = "information_session"
    INITIAL_VISIT = "initial_visit"
    APPLICATION = "application"
    STAGE_ONE_CHECKS_RECEIVED = "stage_one_checks_received"
    STAGE_ONE = "stage_one"  # the Stage 1 decision
    STAGE_TWO = "stage_two"
    PANEL = "panel"
    ADM_DECISION = "adm_decision"  # the agency decision maker decided
    APPROVED = "approved"
    BRIEF_REPORT = "brief_report"
    REFUSED = "refused"  # a qualifying determination
    WITHDRAWN = "withdrawn"
    NOT_PROGRESSED = "not_progressed"
    ON_HOLD = "on_hold"
    RESUMED = "resumed"
    DEREGISTERED = "deregistered"


PROGRESS: tuple[Stage, ...] = (
    Stage.FIRST_CONTACT,
    Stage.INFORMATION_SESSION,
    Stage.INITIAL_VISIT,
    Stage.APPLICATION,
    Stage.STAGE_ONE_CHECKS_RECEIVED,
    Stage.STAGE_ONE,
    Stage.STAGE_TWO,
    Stage.PANEL,
    Stage.ADM_DECISION,
    Stage.APPROVED,
)


def position_of(stage: Stage) -> int:
    """1 for first contact ... 10 for approved; 0 for stages that are not progress.

    Journeys store the position: a stage added to ``PROGRESS`` needs a migration that moves
    the stored positions (``0022_journey_law`` did so for checks received and the decision).
    """
    return PROGRESS.index(stage) + 1 if stage in PROGRESS else 0


APPLICATION_POSITION = position_of(Stage.APPLICATION)
PANEL_POSITION = position_of(Stage.PANEL)
APPROVED_POSITION = position_of(Stage.APPROVED)


class WrittenReasonsNotSent(StrEnum):
    """Why a council did not send written reasons when it stopped or refused."""

    NO_CONTACT_DETAILS = "no_contact_details"  # no address or e-mail that still works
    PERSON_DECLINED = "person_declined"  # the person asked not to receive them
    NO_RESPONSE = "no_response"  # never reached after the attempts the council makes
    OTHER = "other"


# Stages that record when written reasons were sent (or why not). Telling the person in
# writing, with reasons, is published practice; for a refusal the notice of a qualifying
# determination gives the reasons (Fostering Services (England) Regulations 2011, reg 27).
WRITTEN_REASONS: frozenset[Stage] = frozenset({Stage.NOT_PROGRESSED, Stage.REFUSED})


# The stages that need a reason, and the reasons each may take.
REASONS: dict[Stage, tuple[str, ...]] = {
    Stage.WITHDRAWN: tuple(WithdrawalReason),
    Stage.NOT_PROGRESSED: tuple(NotProgressedReason),
    Stage.DEREGISTERED: tuple(DeregistrationReason),
}


@dataclass(frozen=True, slots=True)
class JourneyState:
    """Where a journey stands: the last stage recorded and the furthest progress reached."""

    last: Stage | None = None
    position: int = 0

    def allowed(self) -> tuple[Stage, ...]:
        """The stages that may be recorded next, in a stable order."""
        if self.last in (Stage.NOT_PROGRESSED, Stage.DEREGISTERED):
            return ()
        if self.last is Stage.WITHDRAWN:
            return (Stage.RESUMED,)
        if self.last is Stage.ON_HOLD:
            return (Stage.RESUMED, Stage.WITHDRAWN, Stage.NOT_PROGRESSED)
        if self.last is Stage.BRIEF_REPORT:
            return (Stage.PANEL, Stage.WITHDRAWN, Stage.NOT_PROGRESSED)
        if self.last is Stage.REFUSED:
            return (Stage.APPROVED, Stage.WITHDRAWN, Stage.NOT_PROGRESSED)
        if self.position >= APPROVED_POSITION:
            return (Stage.DEREGISTERED,)
        forward = PROGRESS[self.position :]
        paths: tuple[Stage, ...] = ()
        if APPLICATION_POSITION <= self.position < PANEL_POSITION:
            paths = (Stage.BRIEF_REPORT,)
        elif self.position >= PANEL_POSITION:
            paths = (Stage.REFUSED,)
        return (*forward, *paths, Stage.WITHDRAWN, Stage.NOT_PROGRESSED, Stage.ON_HOLD)

    def after(self, stage: Stage) -> JourneyState:
        """The state once ``stage`` is recorded; raises ValueError when it may not follow."""
        if stage not in self.allowed():
            raise ValueError(f"{stage} cannot follow {self.last or 'the start'}")
        return JourneyState(stage, max(self.position, position_of(stage)))
