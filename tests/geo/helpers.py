"""Resolving in the geography tests: the caller always says the partial postcode share."""

from __future__ import annotations

from pathlib import Path

from hub.geo import GeoResult, resolve_postcode

# The share these tests assume (the shipped rules use the same; the geography is told it).
SHARE = 0.95


def resolve(text: str, *, geo_dir: Path | None = None, min_share: float = SHARE) -> GeoResult:
    """``resolve_postcode`` with the tests' share unless one is given."""
    return resolve_postcode(text, min_share=min_share, geo_dir=geo_dir)
