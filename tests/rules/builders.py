"""Small builders for geography results and rule sets used by the routing tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hub.geo.result import Authority, Candidate, GeoResult, Outcome

FIXTURES = Path(__file__).parent / "fixtures"
ENGLAND_RULES = Path(__file__).resolve().parents[2] / "config" / "rules" / "england.yaml"
GEOGRAPHY_VERSION = "test-geo-2025-11"

# The councils the fixture files use.
SMALL_AUTHORITIES = {
    "E06000037": "West Berkshire",
    "E06000038": "Reading",
    "E06000044": "Portsmouth",
    "E06000045": "Southampton",
    "E06000046": "Isle of Wight",
    "E08000025": "Birmingham",
    "E10000014": "Hampshire",
    "E10000016": "Kent",
}

# A Monday in March 2025: the Solent Hub is live, the Isle of Wight has joined, the February
# pause of Southampton is over and the June override is not yet in force.
AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def geo_authorities() -> dict[str, str]:
    """The authorities ``hub.geo`` lists (what ``hub rules check`` checks against)."""
    from hub.geo import list_authorities

    return {info.code: info.name for info in list_authorities()}


def matched(code: str, postcode: str = "PO1 2AB", name: str | None = None) -> GeoResult:
    """A full postcode matched to one authority."""
    return GeoResult(
        input=postcode,
        postcode=postcode,
        outcome=Outcome.MATCHED,
        authority=Authority(code, name or SMALL_AUTHORITIES.get(code, code)),
        country="England",
        confidence=1.0,
        geography_version=GEOGRAPHY_VERSION,
    )


def partial(postcode: str, *shares: tuple[str, float]) -> GeoResult:
    """A partial postcode spread over several authorities."""
    return GeoResult(
        input=postcode,
        postcode=postcode,
        outcome=Outcome.PARTIAL,
        country="England",
        confidence=max(share for _, share in shares),
        candidates=tuple(
            Candidate(code, SMALL_AUTHORITIES.get(code, code), share) for code, share in shares
        ),
        geography_version=GEOGRAPHY_VERSION,
    )


def outside(country: str, postcode: str = "CF10 1AA") -> GeoResult:
    """A postcode outside England."""
    return GeoResult(
        input=postcode,
        postcode=postcode,
        outcome=Outcome.OUTSIDE_ENGLAND,
        country=country,
        geography_version=GEOGRAPHY_VERSION,
    )


def unresolved(outcome: Outcome, text: str = "XX99 9XX") -> GeoResult:
    """An invalid or unknown postcode."""
    return GeoResult(
        input=text,
        postcode=None if outcome is Outcome.INVALID else text,
        outcome=outcome,
        geography_version=GEOGRAPHY_VERSION,
    )
