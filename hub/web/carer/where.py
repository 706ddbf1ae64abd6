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


@dataclass(frozen=True, slots=True)
class ChildPlace:
    """What a connected person's child's postcode says: an error for the field (none when a
    council is known), and the signpost when the child lives outside England."""

    error: str | None
    signpost: Signpost | None = None


def child_place(answers: dict[str, str]) -> ChildPlace:
    """Check the child's postcode as the person's own is checked (a council is needed).

    The child's council given by name decides, and the postcode is then not used. A postcode
    outside England is signposted as the enquirer's would be; one split between councils or
    not listed asks for the full postcode or the council's name (the field's suggestions).
    """
    postcode = answers.get("child_postcode", "").strip()
    if answers.get("child_authority", "").strip() or not postcode:
        return ChildPlace(None)
    where = whereabouts(postcode)
    shown = where.geo.postcode or postcode
    if where.signpost is not None:
        country = where.geo.country or "outside England"
        return ChildPlace(
            f"{shown} is in {country}. This service passes enquiries to councils in England "
            "only: contact the service below, or enter the council of the child if it is in "
            "England.",
            where.signpost,
        )
    if where.geo.outcome is Outcome.OUTSIDE_ENGLAND:
        return ChildPlace(f"{shown} is not in England. Enter the child's council in England.")
    if where.unclear and where.councils:
        names = " or ".join(c.name for c in where.councils)
        return ChildPlace(
            f"{shown} is in more than one council ({names}). Enter the child's full postcode, "
            "or the name of the child's council."
        )
    if where.unclear:
        return ChildPlace(
            f"We could not find {shown} in our list of postcodes. Check it, or enter the name "
            "of the child's council."
        )
    return ChildPlace(None)
