"""The rule set: clusters, delivery bodies, overrides, pauses and signposts, as loaded from YAML.

Every rule that can change over time carries a :class:`Validity`. Dates are whole days in
England: ``valid_from`` is the first day a rule applies and ``valid_until`` the last day it
applies (both inclusive, either may be open). Each object remembers the line of the rules file
it came from (``line``, not part of equality) so the checker can point at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from hub.rules.tracking_policy import ClockTargets, TrackingPolicy


class PreferencePolicy(StrEnum):
    """Whether an enquirer's preferred council may override the postcode."""

    ANYWHERE = "anywhere"
    WITHIN_CLUSTER = "within_cluster"
    NOT_ALLOWED = "not_allowed"


class UnclusteredRoute(StrEnum):
    """What happens to an authority that is in no cluster on the day."""

    AUTHORITY = "authority"  # straight to the authority itself
    TRIAGE = "triage"  # a person at the hub decides


@dataclass(frozen=True, slots=True)
class Validity:
    """The inclusive range of days on which a rule applies; ``None`` means open-ended."""

    valid_from: date | None = None
    valid_until: date | None = None

    @property
    def is_empty(self) -> bool:
        """True when the range contains no day at all (``valid_until`` before ``valid_from``)."""
        return (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        )

    def contains(self, day: date) -> bool:
        """True when the rule applies on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    def overlaps(self, other: Validity) -> bool:
        """True when some day lies in both ranges."""
        return not self.intersect(other).is_empty

    def intersect(self, other: Validity) -> Validity:
        """The days in both ranges (possibly empty)."""
        starts = [d for d in (self.valid_from, other.valid_from) if d is not None]
        ends = [d for d in (self.valid_until, other.valid_until) if d is not None]
        return Validity(max(starts) if starts else None, min(ends) if ends else None)

    def describe(self) -> str:
        """Plain words, e.g. ``from 8 July 2024``."""
        parts = []
        if self.valid_from is not None:
            parts.append(f"from {_day(self.valid_from)}")
        if self.valid_until is not None:
            parts.append(f"until {_day(self.valid_until)}")
        return " ".join(parts) if parts else "always"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach a cluster's hub."""

    phone: str | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """One authority's membership of a cluster over a range of days."""

    authority: str
    validity: Validity = field(default_factory=Validity)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ConnectedPersonsRoute:
    """Where a cluster sends the enquiries of connected persons (people who want to care for a
    child they already know) whose child's council is one of its members, instead of the
    child's council itself: a named council, for example the one whose kinship team assesses
    connected persons for the whole hub (``team`` names it in the explanation)."""

    send_to: str
    reason: str
    team: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Cluster:
    """A regional hub: a lead authority and its member councils."""

    name: str
    lead: str
    members: tuple[Membership, ...]
    # The cluster's clock targets: its first-contact days (a required key of a cluster in the
    # rules file) and the tracking defaults for any other clock the cluster does not set. The
    # one place a cluster's first-contact days are kept.
    clock_targets: ClockTargets
    contact: Contact = field(default_factory=Contact)
    validity: Validity = field(default_factory=Validity)
    line: int = field(default=0, compare=False)
    # None: a connected person's enquiry goes to the child's council (the default).
    connected_persons: ConnectedPersonsRoute | None = None

    @property
    def first_contact_working_days(self) -> int:
        """The working days the cluster's councils have to make first contact."""
        return self.clock_targets.first_contact_working_days

    def membership_of(self, authority: str, day: date) -> Membership | None:
        """The membership of ``authority`` in force on ``day`` (cluster validity included)."""
        if not self.validity.contains(day):
            return None
        for member in self.members:
            if member.authority == authority and member.validity.contains(day):
                return member
        return None


@dataclass(frozen=True, slots=True)
class DeliveryBody:
    """A trust or company that delivers children's services for some councils."""

    name: str
    authorities: tuple[str, ...]
    validity: Validity = field(default_factory=Validity)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Override:
    """An agreed exception: a postcode (unit, sector or district) sent to a named council."""

    postcode: str
    authority: str
    reason: str
    validity: Validity = field(default_factory=Validity)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Pause:
    """A council that has paused intake, and the council that takes its referrals meanwhile."""

    authority: str
    fallback: str
    reason: str
    validity: Validity = field(default_factory=Validity)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Signpost:
    """Where an enquirer outside England is sent."""

    country: str
    name: str
    url: str
    text: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A whole, checked rules file.

    ``authorities`` holds the known children's services authorities (code -> name) of the
    geography the file was checked against. ``partial_postcode_share`` has no default: the
    rules file is the one place it is set (a partial postcode routes only when one council
    holds at least this share of its postcodes).
    """

    version: str
    authorities: Mapping[str, str]
    partial_postcode_share: float
    clusters: tuple[Cluster, ...] = ()
    delivery_bodies: tuple[DeliveryBody, ...] = ()
    overrides: tuple[Override, ...] = ()
    pauses: tuple[Pause, ...] = ()
    signposts: tuple[Signpost, ...] = ()
    preference_policy: PreferencePolicy = PreferencePolicy.WITHIN_CLUSTER
    unclustered: UnclusteredRoute = UnclusteredRoute.AUTHORITY
    # ``tracking.clocks`` holds the clocks of councils in no cluster, its first-contact days
    # read from the file's ``default_first_contact_working_days``.
    tracking: TrackingPolicy = field(default_factory=TrackingPolicy)
    source: str = field(default="", compare=False)
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False)

    def cluster_of(self, authority: str, day: date) -> Cluster | None:
        """The cluster ``authority`` belongs to on ``day``, if any (the first, in file order)."""
        for cluster in self.clusters:
            if cluster.membership_of(authority, day) is not None:
                return cluster
        return None

    @property
    def default_first_contact_working_days(self) -> int:
        """First-contact working days for a council in no cluster (the file's default)."""
        return self.tracking.clocks.first_contact_working_days

    def clock_targets_for(self, authority: str | None, day: date) -> ClockTargets:
        """The clock targets for a referral held by ``authority`` on ``day``: the council's
        own (``tracking.councils``) over its cluster's over the defaults."""
        cluster = self.cluster_of(authority, day) if authority else None
        targets = cluster.clock_targets if cluster is not None else self.tracking.clocks
        council = self.tracking.council(authority)
        if council is not None and council.clocks:
            targets = replace(targets, **dict(council.clocks))
        return targets

    def delivery_body_of(self, authority: str, day: date) -> DeliveryBody | None:
        """The trust or company delivering ``authority``'s services on ``day``, if any."""
        for body in self.delivery_bodies:
            if authority in body.authorities and body.validity.contains(day):
                return body
        return None

    def pause_of(self, authority: str, day: date) -> Pause | None:
        """The pause in force for ``authority`` on ``day``, if any."""
        for pause in self.pauses:
            if pause.authority == authority and pause.validity.contains(day):
                return pause
        return None

    def signpost_for(self, country: str) -> Signpost | None:
        """The signpost for a country key such as ``wales``."""
        for signpost in self.signposts:
            if signpost.country == country:
                return signpost
        return None
