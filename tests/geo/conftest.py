"""Shared fixtures: the default geography built once per session into a cached directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.geo import ensure_default_geography
from hub.geo.build_default import build_default_geography
from hub.geo.resolver import _reset_for_tests
from hub.geo.store import GeoStore, use_geo_dir

FIXTURES = Path(__file__).parent.parent / "fixtures" / "geo"


@pytest.fixture(scope="session")
def geo_dir(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A geography directory holding the default version, shared by the whole session."""
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    root = Path(cache.mkdir("hub-geo")) if cache else tmp_path_factory.mktemp("hub-geo")
    store = GeoStore(root)
    with store.lock():
        # Rebuilds only when the packages, reference table or format changed (fingerprint).
        build_default_geography(store, activate=True)
    previous = os.environ.get("HUB_GEO_DIR")
    os.environ["HUB_GEO_DIR"] = str(root)
    use_geo_dir(root)  # as an edge installs HUB_GEO_DIR
    _reset_for_tests()
    ensure_default_geography()
    yield root
    if previous is None:
        os.environ.pop("HUB_GEO_DIR", None)
    else:
        os.environ["HUB_GEO_DIR"] = previous
    _reset_for_tests()


@pytest.fixture
def empty_geo_dir(tmp_path: Path) -> Path:
    """A fresh, empty geography directory for tests that change versions."""
    return tmp_path / "geo"


@pytest.fixture
def fixtures() -> Path:
    """Where the generated geography fixtures live."""
    return FIXTURES
