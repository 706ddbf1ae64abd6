"""The journey's stages, its reason codes, and which stage may follow which (a pure machine).

Progress stages run in order from first contact to approval; a council records key steps only,
so forward skips are allowed and going back is not. ``withdrawn`` (the enquirer stopped) and
``not_progressed`` (the council stopped) may come at any point before approval, ``on_hold``
pauses the clocks until ``resumed``; a withdrawn enquirer who re-engages is ``resumed`` too.
After ``approved`` only ``deregistered`` may follow; ``not_progressed`` and ``deregistered``
end the journey.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    FIRST_CONTACT = "first_contact"
    INFORMATION_SESSION = "information_session"
    INITIAL_VISIT = "initial_visit"
    APPLICATION = "application"
    STAGE_ONE = "stage_one"
    STAGE_TWO = "stage_two"
    PANEL = "panel"
    APPROVED = "approved"
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
    Stage.STAGE_ONE,
    Stage.STAGE_TWO,
    Stage.PANEL,
    Stage.APPROVED,
)


def position_of(stage: Stage) -> int:
    """1 for first contact ... 8 for approved; 0 for stages that are not progress."""
    return PROGRESS.index(stage) + 1 if stage in PROGRESS else 0


APPLICATION_POSITION = position_of(Stage.APPLICATION)
APPROVED_POSITION = position_of(Stage.APPROVED)


class WithdrawalReason(StrEnum):
    TIMING = "timing"
    HOUSEHOLD_CHANGE = "household_change"
    CHOSE_ANOTHER_SERVICE = "chose_another_fostering_service"
    FINANCES = "finances"
    NOT_ELIGIBLE = "not_eligible"
    COMMUNICATION_OR_DELAYS = "communication_or_delays"
    NO_RESPONSE = "no_response"
    OTHER = "other"


class NotProgressedReason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    NO_RESPONSE = "no_response"
    SUITABILITY = "suitability"
    CHECKS = "statutory_checks"
    PANEL_NOT_RECOMMENDED = "panel_not_recommended"
    OTHER = "other"


class DeregistrationReason(StrEnum):
    RETIREMENT = "retirement"
    FAMILY_CIRCUMSTANCES = "family_circumstances"
    MOVED_TO_AGENCY = "moved_to_an_agency"
    LACK_OF_SUPPORT = "lack_of_support"
    FINANCES = "finances"
    ALLEGATION = "allegation"
    HEALTH = "health"
    ADOPTION_OR_SPECIAL_GUARDIANSHIP = "adoption_or_special_guardianship"
    OTHER = "other"


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
        if self.position >= APPROVED_POSITION:
            return (Stage.DEREGISTERED,)
        forward = PROGRESS[self.position :]
        return (*forward, Stage.WITHDRAWN, Stage.NOT_PROGRESSED, Stage.ON_HOLD)

    def after(self, stage: Stage) -> JourneyState:
        """The state once ``stage`` is recorded; raises ValueError when it may not follow."""
        if stage not in self.allowed():
            raise ValueError(f"{stage} cannot follow {self.last or 'the start'}")
        return JourneyState(stage, max(self.position, position_of(stage)))
