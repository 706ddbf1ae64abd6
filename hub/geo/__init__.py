"""Geography: which children's services authority covers a postcode, from a versioned store.

The router calls :func:`resolve_postcode`; the intake API validates with
:func:`normalise_postcode`; rules and preferences use :func:`list_authorities` and
:func:`find_authority` (:func:`find_authority_name` for a code shown to people).
"""

from __future__ import annotations

from hub.geo.authorities import (
    AuthorityInfo,
    find_authority,
    find_authority_name,
    list_authorities,
    suggest_authorities,
)
from hub.geo.normalise import PostcodeFormatError, PostcodeKind, normalise_postcode, parse_postcode
from hub.geo.resolver import (
    active_geography_version,
    ensure_default_geography,
    resolve_postcode,
)
from hub.geo.result import Authority, Candidate, GeoResult, Outcome

__all__ = [
    "Authority",
    "AuthorityInfo",
    "Candidate",
    "GeoResult",
    "Outcome",
    "PostcodeFormatError",
    "PostcodeKind",
    "active_geography_version",
    "ensure_default_geography",
    "find_authority",
    "find_authority_name",
    "list_authorities",
    "normalise_postcode",
    "parse_postcode",
    "resolve_postcode",
    "suggest_authorities",
]
