"""Where the person lives, read as soon as they give their postcode (the form's first page).

Someone outside England is signposted at once, with nothing more asked: the signpost is the
rules file's (``signposts``, the one source the router uses too), found by the same geography
and the same country keys (``hub.rules.engine.country_key``) the router uses, so the page and
a routed API enquiry always point to the same place.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.geo import Candidate, GeoResult, Outcome, resolve_postcode
from hub.rules import get_active_rules
from hub.rules.engine import country_key
from hub.rules.model import Signpost


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """What the geography says of a postcode, and where to send the person if not England."""

    geo: GeoResult
    signpost: Signpost | None

    @property
    def outside_england(self) -> bool:
        """Outside England with a service to point to (without one, triage decides)."""
        return self.signpost is not None

    @property
    def unclear(self) -> bool:
        """In England (or not found), but no one council: a split partial, or not listed.

        The person is asked which of the postcode's councils is theirs, or to type it again.
        """
        split = self.geo.outcome is Outcome.PARTIAL and self.geo.authority is None
        return split or self.geo.outcome is Outcome.UNKNOWN

    @property
    def councils(self) -> tuple[Candidate, ...]:
        """The English councils the postcode lies in, largest share first."""
        return tuple(sorted(self.geo.candidates, key=lambda c: (-c.share, c.name)))


def whereabouts(postcode: str) -> Whereabouts:
    """Resolve a postcode as the router would, with the rules' partial-postcode share."""
    rules = get_active_rules()
    geo = resolve_postcode(postcode, min_share=rules.partial_postcode_share)
    signpost = None
    if geo.outcome is Outcome.OUTSIDE_ENGLAND:
        signpost = rules.signpost_for(country_key(geo.country))
    return Whereabouts(geo, signpost)


def whereabouts_of(answers: dict[str, str]) -> Whereabouts | None:
    """``whereabouts`` of a draft's postcode, or None before one is given."""
    postcode = answers.get("postcode", "").strip()
    return whereabouts(postcode) if postcode else None


def signpost_of(answers: dict[str, str]) -> Signpost | None:
    """The signpost for the postcode among a draft's answers, or None (England, or none yet)."""
    postcode = answers.get("postcode", "").strip()
    return whereabouts(postcode).signpost if postcode else None
