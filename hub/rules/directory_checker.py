"""Check what the councils directory means, and that it agrees with the rules file.

Problems (the hub refuses the file): a code that is no children's services authority, an
authority missing or listed twice, a name that is not the geography's, a hub that repeats what
the rules file holds or is not in it, a member in two hubs, a count that contradicts the known
members, a contact without its source, a phone or web page that cannot be one, a confirmed
target that differs from the rules' clock. Gaps (reported, never refused): councils with no
public contact, hubs whose members are not all known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from hub.rules.directory import (
    CouncilDirectory,
    HubEntry,
    HubRouting,
    PublicContact,
    TargetConfirmation,
    council_facts,
)
from hub.rules.model import RuleSet
from hub.rules.problems import Problem

# A UK number as people write it: 0 or +44 first, then 9 or 10 more digits, spaces allowed.
_PHONE = re.compile(r"^(0|\+44 ?)[0-9]{2,5}( ?[0-9]{3,4}){1,3}$")


def check_directory(
    directory: CouncilDirectory,
    authorities: Mapping[str, str],
    rules: RuleSet | None = None,
    day: date | None = None,
) -> list[Problem]:
    """Every problem with ``directory`` (and with its agreement with ``rules``), by line."""
    checker = _Checker(directory, authorities, rules, day or date.today())
    checker.run()
    return sorted(set(checker.problems))


@dataclass(frozen=True, slots=True)
class DirectoryGaps:
    """What the directory does not know yet (it is not wrong: the facts are missing)."""

    without_contact: tuple[str, ...]  # council codes with no public contact, own or hub's
    incomplete_hubs: tuple[HubEntry, ...]  # hubs whose members are not all known


def directory_gaps(directory: CouncilDirectory, rules: RuleSet, day: date) -> DirectoryGaps:
    """The councils an enquirer could be given no number or page for, and the unknown hubs."""
    missing = tuple(
        code
        for code in sorted(directory.councils)
        if council_facts(directory, rules, code, day).public_contact is None
    )
    return DirectoryGaps(missing, tuple(h for h in directory.hubs if not h.members_complete))


class _Checker:
    def __init__(
        self,
        directory: CouncilDirectory,
        authorities: Mapping[str, str],
        rules: RuleSet | None,
        day: date,
    ) -> None:
        self.directory = directory
        self.authorities = authorities
        self.rules = rules
        self.day = day
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.directory.source, line, message))

    def label(self, code: str) -> str:
        name = self.authorities.get(code)
        return f"{code} ({name})" if name else code

    def run(self) -> None:
        self.check_councils()
        self.check_hubs()
        if self.rules is not None:
            self.check_against_rules(self.rules)

    def check_councils(self) -> None:
        for code, council in self.directory.councils.items():
            known = self.authorities.get(code)
            if known is None:
                self.error(
                    council.line,
                    f"unknown authority code {code!r}: not a children's services authority "
                    "in the active geography",
                )
            elif known != council.name:
                self.error(
                    council.line,
                    f"{code} is named {known!r} in the geography, not {council.name!r}",
                )
            self.check_contact(council.contact, council.line, council.name)
            self.check_target(council.first_contact, council.line, council.name)
        for code in sorted(set(self.authorities) - set(self.directory.councils)):
            self.error(0, f"{self.label(code)} is not in the directory: every authority is listed")

    def check_hubs(self) -> None:
        seen: dict[str, int] = {}
        member_of: dict[str, HubEntry] = {}
        for hub in self.directory.hubs:
            if hub.name in seen:
                self.error(
                    hub.line, f"hub {hub.name!r} is listed twice (first at line {seen[hub.name]})"
                )
            seen.setdefault(hub.name, hub.line)
            self.check_contact(hub.contact, hub.line, hub.name)
            self.check_target(hub.first_contact, hub.line, hub.name)
            if hub.routing is HubRouting.RULES:
                if hub.members or hub.lead or hub.member_count is not None:
                    self.error(
                        hub.line,
                        f"hub {hub.name!r} routes through the rules file: its lead, members "
                        "and count are the rules cluster's, not written here",
                    )
                continue
            for code in (*hub.members, *([hub.lead] if hub.lead else [])):
                if code not in self.authorities:
                    self.error(hub.line, f"unknown authority code {code!r} in hub {hub.name!r}")
            if hub.lead and hub.lead not in hub.members:
                self.error(
                    hub.line, f"the lead {self.label(hub.lead)} of {hub.name!r} is not a member"
                )
            for code in hub.members:
                other = member_of.setdefault(code, hub)
                if other is not hub:
                    self.error(
                        hub.line,
                        f"{self.label(code)} is a member of {other.name!r} (line {other.line}) "
                        f"and of {hub.name!r}",
                    )
            if hub.member_count is not None and hub.member_count < len(hub.members):
                self.error(
                    hub.line,
                    f"hub {hub.name!r} names {len(hub.members)} members but member_count "
                    f"is {hub.member_count}",
                )
            if hub.members_complete and (
                not hub.members
                or (hub.member_count is not None and hub.member_count != len(hub.members))
            ):
                self.error(
                    hub.line,
                    f"hub {hub.name!r} says members_complete but does not name all its members",
                )

    def check_contact(self, contact: PublicContact, line: int, whose: str) -> None:
        if contact.phone is not None and not _PHONE.match(contact.phone):
            self.error(line, f"the phone of {whose} {contact.phone!r} is not a UK phone number")
        if contact.web is not None and not contact.web.startswith("https://"):
            self.error(line, f"the web page of {whose} must be an https:// address")
        if contact.known and not contact.source:
            self.error(line, f"the contact of {whose} has no source: never add one without it")

    def check_target(self, target: TargetConfirmation, line: int, whose: str) -> None:
        if target.working_days is not None and not target.confirmed:
            self.error(
                line,
                f"the first-contact target of {whose} gives working_days without confirmed: "
                "true (the number is the rules file's clock; write it only to confirm it)",
            )

    def check_against_rules(self, rules: RuleSet) -> None:
        clusters = {cluster.name: cluster for cluster in rules.clusters}
        clustered = {m.authority for c in rules.clusters for m in c.members}
        for hub in self.directory.hubs:
            if hub.routing is HubRouting.RULES and hub.name not in clusters:
                self.error(
                    hub.line,
                    f"hub {hub.name!r} says routing: rules but the rules file has no "
                    "cluster of that name",
                )
            if hub.routing is HubRouting.NONE:
                for code in sorted(set(hub.members) & clustered):
                    self.error(
                        hub.line,
                        f"{self.label(code)} is listed in {hub.name!r} but routed through a "
                        "rules cluster: its hub is the rules cluster",
                    )
            if hub.name in clusters and hub.routing is not HubRouting.RULES:
                self.error(hub.line, f"hub {hub.name!r} is a rules cluster: say routing: rules")
            if hub.first_contact.confirmed:
                cluster = clusters.get(hub.name)
                clock = (
                    cluster.first_contact_working_days
                    if cluster is not None
                    else rules.default_first_contact_working_days
                )
                self.check_clock(hub.first_contact, clock, hub.line, hub.name)
        for cluster in rules.clusters:
            if cluster.contact.phone or cluster.contact.email or cluster.contact.website:
                self.error(
                    0,
                    f"the rules cluster {cluster.name!r} has a contact: keep contacts in the "
                    "directory only (one source), with their source",
                )
        described = {hub.name for hub in self.directory.hubs}
        for name in sorted(set(clusters) - described):
            self.error(
                0,
                f"the rules cluster {name!r} is not in the directory's hubs: give it a brand "
                "and its contact here",
            )
        for code, council in self.directory.councils.items():
            if council.first_contact.confirmed and code in self.authorities:
                clock = rules.clock_targets_for(code, self.day).first_contact_working_days
                self.check_clock(council.first_contact, clock, council.line, council.name)

    def check_clock(self, target: TargetConfirmation, clock: int, line: int, whose: str) -> None:
        if target.working_days != clock:
            self.error(
                line,
                f"{whose} confirmed a first contact within {target.working_days} working "
                f"day(s) but the rules file's clock is {clock}: change one so they agree",
            )
