"""Why journeys end, as the hub records it and as Ofsted counts it: one table per kind.

Ofsted's annual fostering data return (1 April to 31 March) has asked since 2023-24 why
applicants withdraw before panel, as one of six codes (``OfstedWithdrawal``). The hub keeps
finer reasons as sub-codes; each maps to exactly one Ofsted code in ``WITHDRAWAL_TO_OFSTED``,
and the code is stored beside the sub-code when the stage is recorded. Which sub-code goes
under which Ofsted code is the hub's reading of Ofsted's wording, not Ofsted's own list.

Deregistrations keep Ofsted's split of why carers leave (retirement, personal circumstances,
moving to another fostering service, allegations, the child staying through adoption or
special guardianship, dissatisfaction with the service) and add the main reasons the
Fostering Network found (State of the Nation 2024): lack of support, lack of respect from
other professionals, and burnout.

Codes renamed in this release are still accepted for one release (``DEPRECATED``): the API
maps them to the new code and answers with a ``Deprecation`` header.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum


class OfstedWithdrawal(StrEnum):
    """Ofsted's withdrawal codes (fostering data return, from 2023-24)."""

    AW0 = "AW0"  # other or unknown
    AW1 = "AW1"  # fostering not as expected
    AW2 = "AW2"  # the assessment process not as expected
    AW3 = "AW3"  # household circumstances changed (not financial)
    AW4 = "AW4"  # financial reasons
    AW5 = "AW5"  # concern about the risk of allegations


OFSTED_WITHDRAWAL_WORDS: dict[OfstedWithdrawal, str] = {
    OfstedWithdrawal.AW0: "Other or unknown",
    OfstedWithdrawal.AW1: "Fostering not as expected",
    OfstedWithdrawal.AW2: "Assessment process not as expected",
    OfstedWithdrawal.AW3: "Household circumstances changed (not financial)",
    OfstedWithdrawal.AW4: "Financial reasons",
    OfstedWithdrawal.AW5: "Concern about the risk of allegations",
}


class WithdrawalReason(StrEnum):
    """Why an enquirer or applicant withdrew (the hub's sub-codes)."""

    FOSTERING_NOT_AS_EXPECTED = "fostering_not_as_expected"
    IMPACT_ON_OWN_FAMILY = "impact_on_own_family"
    ASSESSMENT_NOT_AS_EXPECTED = "assessment_not_as_expected"
    ASSESSMENT_DELAYS = "assessment_delays_or_communication"
    HOUSEHOLD_CHANGE = "household_change"
    HEALTH = "health"
    FINANCES = "finances"
    ALLEGATION_RISK = "allegation_risk"
    TIMING = "timing"
    CHOSE_ANOTHER_SERVICE = "chose_another_fostering_service"
    NOT_ELIGIBLE = "not_eligible"
    NO_RESPONSE = "no_response"
    OTHER = "other"


# The one table: every withdrawal sub-code under exactly one Ofsted code.
WITHDRAWAL_TO_OFSTED: dict[WithdrawalReason, OfstedWithdrawal] = {
    WithdrawalReason.FOSTERING_NOT_AS_EXPECTED: OfstedWithdrawal.AW1,
    WithdrawalReason.IMPACT_ON_OWN_FAMILY: OfstedWithdrawal.AW1,
    WithdrawalReason.ASSESSMENT_NOT_AS_EXPECTED: OfstedWithdrawal.AW2,
    WithdrawalReason.ASSESSMENT_DELAYS: OfstedWithdrawal.AW2,
    WithdrawalReason.HOUSEHOLD_CHANGE: OfstedWithdrawal.AW3,
    WithdrawalReason.HEALTH: OfstedWithdrawal.AW3,
    WithdrawalReason.FINANCES: OfstedWithdrawal.AW4,
    WithdrawalReason.ALLEGATION_RISK: OfstedWithdrawal.AW5,
    # "Not the right time" says nothing of why: Ofsted's "other or unknown".
    WithdrawalReason.TIMING: OfstedWithdrawal.AW0,
    WithdrawalReason.CHOSE_ANOTHER_SERVICE: OfstedWithdrawal.AW0,
    WithdrawalReason.NOT_ELIGIBLE: OfstedWithdrawal.AW0,
    WithdrawalReason.NO_RESPONSE: OfstedWithdrawal.AW0,
    WithdrawalReason.OTHER: OfstedWithdrawal.AW0,
}


class NotProgressedReason(StrEnum):
    """Why the council stopped (not Ofsted-coded: the return counts applicants' withdrawals)."""

    NOT_ELIGIBLE = "not_eligible"
    NO_RESPONSE = "no_response"
    SUITABILITY = "suitability"
    CHECKS = "statutory_checks"
    PANEL_NOT_RECOMMENDED = "panel_not_recommended"
    OTHER = "other"


class OfstedLeaving(StrEnum):
    """Ofsted's split of why fostering households deregister."""

    RETIREMENT = "retirement"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    MOVED_TO_ANOTHER_SERVICE = "moved_to_another_fostering_service"
    ALLEGATIONS = "allegations"
    CHILD_STAYED = "child_stayed_adoption_or_special_guardianship"
    DISSATISFIED = "dissatisfied_with_the_service"
    OTHER = "other"


class DeregistrationReason(StrEnum):
    """Why an approved carer left (the hub's codes)."""

    RETIREMENT = "retirement"
    FAMILY_CIRCUMSTANCES = "family_circumstances"
    HEALTH = "health"
    FINANCES = "finances"
    MOVED_TO_ANOTHER_SERVICE = "moved_to_another_fostering_service"
    ALLEGATION = "allegation"
    ADOPTION_OR_SPECIAL_GUARDIANSHIP = "adoption_or_special_guardianship"
    DISSATISFIED = "dissatisfied_with_the_service"
    # The Fostering Network's main reasons (State of the Nation 2024).
    LACK_OF_SUPPORT = "lack_of_support"
    LACK_OF_RESPECT = "lack_of_respect_from_professionals"
    BURNOUT = "burnout"
    OTHER = "other"


DEREGISTRATION_TO_OFSTED: dict[DeregistrationReason, OfstedLeaving] = {
    DeregistrationReason.RETIREMENT: OfstedLeaving.RETIREMENT,
    DeregistrationReason.FAMILY_CIRCUMSTANCES: OfstedLeaving.PERSONAL_CIRCUMSTANCES,
    DeregistrationReason.HEALTH: OfstedLeaving.PERSONAL_CIRCUMSTANCES,
    DeregistrationReason.FINANCES: OfstedLeaving.PERSONAL_CIRCUMSTANCES,
    DeregistrationReason.MOVED_TO_ANOTHER_SERVICE: OfstedLeaving.MOVED_TO_ANOTHER_SERVICE,
    DeregistrationReason.ALLEGATION: OfstedLeaving.ALLEGATIONS,
    DeregistrationReason.ADOPTION_OR_SPECIAL_GUARDIANSHIP: OfstedLeaving.CHILD_STAYED,
    DeregistrationReason.DISSATISFIED: OfstedLeaving.DISSATISFIED,
    DeregistrationReason.LACK_OF_SUPPORT: OfstedLeaving.DISSATISFIED,
    DeregistrationReason.LACK_OF_RESPECT: OfstedLeaving.DISSATISFIED,
    # Burnout is the carer's own circumstance, not a complaint about the service.
    DeregistrationReason.BURNOUT: OfstedLeaving.PERSONAL_CIRCUMSTANCES,
    DeregistrationReason.OTHER: OfstedLeaving.OTHER,
}

# Old codes (stage, old code) -> new code, accepted until the next release.
DEPRECATED: dict[tuple[str, str], str] = {
    ("withdrawn", "communication_or_delays"): WithdrawalReason.ASSESSMENT_DELAYS,
    ("deregistered", "moved_to_an_agency"): DeregistrationReason.MOVED_TO_ANOTHER_SERVICE,
}
# When those codes were deprecated (RFC 9745 ``Deprecation: @<seconds>``).
DEPRECATED_SINCE = datetime(2026, 12, 3, tzinfo=UTC)


def deprecation_header() -> dict[str, str]:
    return {"Deprecation": f"@{int(DEPRECATED_SINCE.timestamp())}"}


def current_code(stage: str, reason: str | None) -> tuple[str | None, bool]:
    """``reason`` as this release names it, and whether the caller sent a deprecated code."""
    if reason is None:
        return None, False
    new = DEPRECATED.get((stage, reason))
    return (str(new), True) if new is not None else (reason, False)


def ofsted_code_of(stage: str, reason: str | None) -> str | None:
    """The Ofsted code stored beside a stage's reason (withdrawals and deregistrations)."""
    if reason is None:
        return None
    if stage == "withdrawn" and reason in set(WithdrawalReason):
        return str(WITHDRAWAL_TO_OFSTED[WithdrawalReason(reason)])
    if stage == "deregistered" and reason in set(DeregistrationReason):
        return str(DEREGISTRATION_TO_OFSTED[DeregistrationReason(reason)])
    return None
