"""The directory of councils and hubs: what an enquirer may be told, each fact with its source.

Routing lives in the rules file (:mod:`hub.rules.model`); this is what the rules do not hold:
the brand name a carer sees, public contacts, whether a first-contact target is confirmed,
and how much of a published hub's membership is known. :func:`council_facts` joins the two
for one council on one day. Each object remembers its line (``line``, not part of equality).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from hub.rules.model import RuleSet


class HubRouting(StrEnum):
    """Whether this service routes a hub's enquiries through it."""

    RULES = "rules"  # the rules cluster of the same name: its members, dates and clock
    NONE = "none"  # published, not routed through: each member takes its own enquiries


@dataclass(frozen=True, slots=True)
class PublicContact:
    """How an enquirer may reach a council or hub: only what a named source gives."""

    phone: str | None = None
    web: str | None = None
    source: str | None = None
    as_of: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.phone or self.web)


@dataclass(frozen=True, slots=True)
class TargetConfirmation:
    """Whether a council (or hub) has confirmed its first-contact target, and which."""

    confirmed: bool = False
    working_days: int | None = None
    source: str | None = None
    as_of: str | None = None


@dataclass(frozen=True, slots=True)
class HubEntry:
    """A published regional hub: its brand, its known members, its contact and target."""

    name: str
    brand: str
    routing: HubRouting
    members: tuple[str, ...] = ()
    lead: str | None = None
    member_count: int | None = None
    members_complete: bool = False
    source: str | None = None
    as_of: str | None = None
    contact: PublicContact = field(default_factory=PublicContact)
    first_contact: TargetConfirmation = field(default_factory=TargetConfirmation)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class CouncilEntry:
    """One children's services authority's own facts."""

    code: str
    name: str
    contact: PublicContact = field(default_factory=PublicContact)
    first_contact: TargetConfirmation = field(default_factory=TargetConfirmation)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class CouncilDirectory:
    """A whole directory file: hubs in file order, councils by code."""

    version: str
    hubs: tuple[HubEntry, ...] = ()
    councils: Mapping[str, CouncilEntry] = field(default_factory=dict)
    source: str = field(default="", compare=False)

    def hub_named(self, name: str | None) -> HubEntry | None:
        for hub in self.hubs:
            if name is not None and hub.name == name:
                return hub
        return None

    def listing_hub(self, code: str) -> HubEntry | None:
        """The published hub (not routed through) whose known members include ``code``."""
        for hub in self.hubs:
            if hub.routing is HubRouting.NONE and code in hub.members:
                return hub
        return None


@dataclass(frozen=True, slots=True)
class CouncilFacts:
    """One council on one day: the directory's facts joined with the rules' routing."""

    code: str
    name: str
    hub: HubEntry | None
    # True when enquiries go through the hub (a rules cluster); False when it only lists it.
    routed_through_hub: bool
    delivery_body: str | None
    contact: PublicContact
    first_contact_working_days: int  # the rules file's clock
    confirmed_working_days: int | None  # the target the council or its hub confirmed

    @property
    def hub_brand(self) -> str | None:
        return self.hub.brand if self.hub is not None else None

    @property
    def hub_source(self) -> str:
        if self.hub is None:
            return "in no hub on file: takes its own enquiries"
        if self.routed_through_hub:
            return f"rules file cluster {self.hub.name!r}"
        return self.hub.source or "no source"

    @property
    def public_contact(self) -> PublicContact | None:
        """The council's own contact when known, else its hub's, else None."""
        if self.contact.known:
            return self.contact
        if self.hub is not None and self.hub.contact.known:
            return self.hub.contact
        return None


def council_facts(
    directory: CouncilDirectory, rules: RuleSet, code: str, day: date
) -> CouncilFacts:
    """What is known of council ``code`` on ``day`` (a code outside the directory has only
    the rules' facts)."""
    entry = directory.councils.get(code)
    name = entry.name if entry else rules.authorities.get(code, code)
    cluster = rules.cluster_of(code, day)
    hub = directory.hub_named(cluster.name) if cluster is not None else None
    if cluster is not None and hub is None:
        # A cluster the directory does not describe yet: its name is its brand.
        hub = HubEntry(cluster.name, cluster.name, HubRouting.RULES)
    routed = cluster is not None
    if hub is None:
        hub = directory.listing_hub(code)
    body = rules.delivery_body_of(code, day)
    clock = rules.clock_targets_for(code, day).first_contact_working_days
    own = entry.first_contact if entry else TargetConfirmation()
    hub_target = hub.first_contact if hub is not None else TargetConfirmation()
    confirmed = own if own.confirmed else hub_target if hub_target.confirmed else None
    return CouncilFacts(
        code=code,
        name=name,
        hub=hub,
        routed_through_hub=routed,
        delivery_body=body.name if body else None,
        contact=entry.contact if entry else PublicContact(),
        first_contact_working_days=clock,
        confirmed_working_days=confirmed.working_days if confirmed else None,
    )
