"""The directory as people read it: every council with its facts and readiness, and the
completeness figures (how many have a hub-or-none, a public contact, a confirmed target)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hub.councils.readiness import Readiness
from hub.rules.directory import CouncilDirectory, CouncilFacts, council_facts
from hub.rules.model import RuleSet


@dataclass(frozen=True, slots=True)
class Completeness:
    authorities: int  # in the geography
    with_hub_or_none: int  # listed in the directory, so its hub (or none) is known
    with_own_contact: int
    with_public_contact: int  # own or its hub's
    confirmed_targets: int
    ready: int | None  # None when no database was read

    def line(self) -> str:
        ready = "" if self.ready is None else f", {self.ready} ready"
        return (
            f"{self.with_hub_or_none}/{self.authorities} with a hub-or-none, "
            f"{self.with_public_contact} with a public contact ({self.with_own_contact} their "
            f"own, the rest their hub's), {self.confirmed_targets} confirmed targets{ready}"
        )


def all_council_facts(directory: CouncilDirectory, rules: RuleSet, day: date) -> list[CouncilFacts]:
    return [council_facts(directory, rules, code, day) for code in sorted(directory.councils)]


def completeness(
    directory: CouncilDirectory,
    rules: RuleSet,
    day: date,
    readiness: dict[str, Readiness] | None = None,
) -> Completeness:
    facts = all_council_facts(directory, rules, day)
    return Completeness(
        authorities=len(rules.authorities),
        with_hub_or_none=sum(1 for f in facts if f.code in rules.authorities),
        with_own_contact=sum(1 for f in facts if f.contact.known),
        with_public_contact=sum(1 for f in facts if f.public_contact is not None),
        confirmed_targets=sum(1 for f in facts if f.confirmed_working_days is not None),
        ready=None
        if readiness is None
        else sum(1 for f in facts if readiness.get(f.code) and readiness[f.code].ready),
    )
