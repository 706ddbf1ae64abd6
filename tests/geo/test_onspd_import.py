"""Importing full ONSPD / NSPL files as new geography versions."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hub.geo import Outcome
from hub.geo.onspd_import import ImportRefused, find_columns, import_directory
from hub.geo.store import GeoStore
from tests.geo.helpers import resolve

LAYOUTS = ["onspd_old_layout.csv", "onspd_2025_layout.csv"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_imports_each_layout_as_active_version(
    layout: str, fixtures: Path, empty_geo_dir: Path
) -> None:
    store = GeoStore(empty_geo_dir)
    report = import_directory(store, fixtures / layout, edition="test")
    assert report.created
    assert store.active_id() == report.version_id
    assert report.postcode_count == 6


@pytest.mark.parametrize("layout", LAYOUTS)
def test_import_counts_bad_rows_by_reason(layout: str, fixtures: Path, empty_geo_dir: Path) -> None:
    report = import_directory(GeoStore(empty_geo_dir), fixtures / layout)
    assert report.bad_row_count == 3
    assert report.bad_rows == {
        "postcode is not a valid postcode": 1,
        "district code is not a GSS code": 1,
        "wrong number of fields": 1,
    }
    assert any("bad rows: 3" in line for line in report.lines())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_imported_version_routes_two_tier_to_county(
    layout: str, fixtures: Path, empty_geo_dir: Path
) -> None:
    import_directory(GeoStore(empty_geo_dir), fixtures / layout)
    result = resolve("ME14 1AA", geo_dir=empty_geo_dir)
    assert result.authority is not None and result.authority.code == "E10000016"


def test_imported_version_handles_london_county_code(fixtures: Path, empty_geo_dir: Path) -> None:
    import_directory(GeoStore(empty_geo_dir), fixtures / "onspd_2025_layout.csv")
    result = resolve("SW1A 0AA", geo_dir=empty_geo_dir)
    assert result.authority is not None and result.authority.code == "E09000033"


def test_terminated_postcode_still_resolves(fixtures: Path, empty_geo_dir: Path) -> None:
    report = import_directory(GeoStore(empty_geo_dir), fixtures / "onspd_2025_layout.csv")
    assert report.terminated_count == 1
    result = resolve("RG1 1AF", geo_dir=empty_geo_dir)
    assert result.authority is not None and result.authority.code == "E06000041"


def test_partial_shares_count_live_postcodes_only(fixtures: Path, empty_geo_dir: Path) -> None:
    import_directory(GeoStore(empty_geo_dir), fixtures / "onspd_2025_layout.csv")
    result = resolve("RG1 1", geo_dir=empty_geo_dir)
    assert [(c.code, c.share) for c in result.candidates] == [("E06000038", 1.0)]


def test_missing_district_with_country_still_signposts(fixtures: Path, empty_geo_dir: Path) -> None:
    import_directory(GeoStore(empty_geo_dir), fixtures / "onspd_2025_layout.csv")
    result = resolve("EH1 1AA", geo_dir=empty_geo_dir)
    assert result.outcome is Outcome.OUTSIDE_ENGLAND and result.country == "Scotland"


def test_imports_from_zip(fixtures: Path, tmp_path: Path, empty_geo_dir: Path) -> None:
    archive = tmp_path / "ONSPD_NOV_2025.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("Documents/readme.csv", "a,b\n1,2\n")
        handle.write(fixtures / "onspd_2025_layout.csv", "Data/ONSPD_NOV_2025_UK.csv")
    report = import_directory(GeoStore(empty_geo_dir), archive)
    assert report.postcode_count == 6
    assert GeoStore(empty_geo_dir).list_versions()[0].edition == "2025-11"


def test_same_file_twice_is_one_version(fixtures: Path, empty_geo_dir: Path) -> None:
    store = GeoStore(empty_geo_dir)
    first = import_directory(store, fixtures / "onspd_2025_layout.csv")
    second = import_directory(store, fixtures / "onspd_2025_layout.csv")
    assert second.version_id == first.version_id and not second.created
    assert len(store.list_versions()) == 1


def test_not_a_directory_is_refused_and_changes_nothing(
    fixtures: Path, geo_dir: Path, tmp_path: Path
) -> None:
    store = GeoStore(geo_dir)
    before = ([v.id for v in store.list_versions()], store.active_id())
    with pytest.raises(ImportRefused, match="not a postcode directory"):
        import_directory(store, fixtures / "not_a_directory.csv")
    assert ([v.id for v in store.list_versions()], store.active_id()) == before


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00binary", b"pcd,lad25cd\n"])
def test_empty_or_binary_file_is_refused(
    content: bytes, tmp_path: Path, empty_geo_dir: Path
) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused):
        import_directory(GeoStore(empty_geo_dir), path)
    assert GeoStore(empty_geo_dir).list_versions() == []


def test_zip_without_csv_is_refused(tmp_path: Path, empty_geo_dir: Path) -> None:
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "hello")
    with pytest.raises(ImportRefused, match="no CSV"):
        import_directory(GeoStore(empty_geo_dir), archive)


@pytest.mark.parametrize(
    ("header", "district"),
    [
        (["pcd", "oslaua", "oscty"], 1),
        (["PCD7", "LAD25CD", "CTY25CD"], 1),
        (["pcds", "laua", "cty"], 1),
        (["pcd7", "lad25cd", "lad26cd"], 2),
    ],
)
def test_columns_matched_by_pattern(header: list[str], district: int) -> None:
    assert find_columns(header).district == district


def test_new_authority_takes_its_name_from_the_zip_documents(
    fixtures: Path, tmp_path: Path, empty_geo_dir: Path
) -> None:
    source = (fixtures / "onspd_2025_layout.csv").read_text(encoding="utf-8")
    # A future unitary our reference table does not know yet.
    source = source.replace("E06000038", "E06000099", 1)
    archive = tmp_path / "ONSPD_MAY_2027.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("Data/ONSPD_MAY_2027_UK.csv", source)
        handle.writestr(
            "Documents/LAD names and codes UK as at 04_27.csv",
            "LAD27CD,LAD27NM,LAD27NMW\nE06000099,New Berkshire,\n",
        )
    report = import_directory(GeoStore(empty_geo_dir), archive)
    assert report.unnamed_authorities == ["E06000099"]
    result = resolve("RG1 1AA", geo_dir=empty_geo_dir)
    assert result.authority is not None
    assert (result.authority.code, result.authority.name) == ("E06000099", "New Berkshire")
