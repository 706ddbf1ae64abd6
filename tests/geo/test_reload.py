"""The process-wide resolver notices version switches and is safe across threads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from hub.geo import Outcome
from hub.geo.onspd_import import import_directory
from hub.geo.resolver import _reset_for_tests
from hub.geo.store import GeoStore, use_geo_dir
from tests.geo.helpers import resolve


def test_activating_another_version_is_seen_by_the_resolver(
    fixtures: Path, empty_geo_dir: Path
) -> None:
    store = GeoStore(empty_geo_dir)
    first = import_directory(store, fixtures / "onspd_old_layout.csv", edition="2024-02")
    assert resolve("ME14 1AA", geo_dir=empty_geo_dir).geography_version == first.version_id
    second = import_directory(store, fixtures / "onspd_2025_layout.csv", edition="2025-11")
    assert first.version_id != second.version_id
    result = resolve("ME14 1AA", geo_dir=empty_geo_dir)
    assert result.geography_version == second.version_id


def test_changing_geo_dir_setting_is_seen_at_once(
    geo_dir: Path, fixtures: Path, empty_geo_dir: Path
) -> None:
    report = import_directory(GeoStore(empty_geo_dir), fixtures / "onspd_2025_layout.csv")
    default_version = resolve("ME14 1XQ").geography_version
    use_geo_dir(empty_geo_dir)  # as an edge installs a changed HUB_GEO_DIR
    try:
        assert resolve("ME14 1AA").geography_version == report.version_id
    finally:
        use_geo_dir(geo_dir)
    assert resolve("ME14 1XQ").geography_version == default_version


def test_first_load_from_many_threads_gives_one_answer(geo_dir: Path) -> None:
    _reset_for_tests()
    results: list[str] = []

    def work() -> None:
        result = resolve("ME14 1XQ")
        assert result.outcome is Outcome.MATCHED
        results.append(result.geography_version or "")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1
    assert os.environ["HUB_GEO_DIR"] == str(geo_dir)
