"""Resolving postcodes against the default geography (real ONSPD November 2025 data)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hub.geo import GeoResult, Outcome, active_geography_version
from tests.geo.helpers import resolve

SAMPLES = Path(__file__).parent.parent / "fixtures" / "geo" / "sample_postcodes.csv"


def _samples() -> list[dict[str, str]]:
    with SAMPLES.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ENGLISH = [row for row in _samples() if row["expected_code"]]
NON_ENGLISH = [row for row in _samples() if not row["expected_code"]]


@pytest.fixture(autouse=True)
def _geography(geo_dir: Path) -> None:
    """Every test here resolves against the session's default geography."""


def test_samples_cover_all_153_authorities() -> None:
    assert len({row["expected_code"] for row in ENGLISH}) == 153


@pytest.mark.parametrize("row", ENGLISH, ids=lambda r: f"{r['expected_code']}-{r['postcode']}")
def test_real_postcode_resolves_to_its_authority(row: dict[str, str]) -> None:
    result = resolve(row["postcode"])
    assert result.outcome is Outcome.MATCHED
    assert result.authority is not None
    assert result.authority.code == row["expected_code"]
    assert result.country == "England"


@pytest.mark.parametrize(
    "row", NON_ENGLISH, ids=lambda r: f"{r['expected_country']}-{r['postcode']}"
)
def test_real_non_english_postcode_is_outside_england(row: dict[str, str]) -> None:
    result = resolve(row["postcode"])
    assert result.outcome is Outcome.OUTSIDE_ENGLAND
    assert result.country == row["expected_country"]
    assert result.authority is None


def _matched(postcode: str) -> GeoResult:
    result = resolve(postcode)
    assert result.outcome is Outcome.MATCHED, result
    assert result.authority is not None
    return result


def test_two_tier_district_routes_to_county() -> None:
    result = _matched("ME14 1XQ")  # Maidstone borough, in Kent
    assert result.authority is not None and result.authority.code == "E10000016"
    assert result.authority.name == "Kent"


@pytest.mark.parametrize(
    ("postcode", "code"),
    [
        ("CA1 1RQ", "E06000063"),  # Carlisle: Cumberland
        ("LA9 4DQ", "E06000064"),  # Kendal: Westmorland and Furness
        ("HG1 2RS", "E06000065"),  # Harrogate: North Yorkshire
        ("TA1 1HE", "E06000066"),  # Taunton: Somerset
    ],
)
def test_2023_unitaries(postcode: str, code: str) -> None:
    result = _matched(postcode)
    assert result.authority is not None and result.authority.code == code


@pytest.mark.parametrize(("postcode", "code"), [("S70 2TA", "E08000038"), ("S1 2HH", "E08000039")])
def test_2025_barnsley_and_sheffield_codes(postcode: str, code: str) -> None:
    result = _matched(postcode)
    assert result.authority is not None and result.authority.code == code


@pytest.mark.parametrize(
    ("postcode", "code"),
    [
        ("RG1 2LU", "E06000038"),  # Reading (Brighter Futures for Children)
        ("KT1 1EU", "E09000021"),  # Kingston (Achieving for Children)
        ("TW9 1DN", "E09000027"),  # Richmond (Achieving for Children)
        ("SL6 1RF", "E06000040"),  # Maidenhead (Achieving for Children)
    ],
)
def test_trust_councils_resolve_to_the_council_itself(postcode: str, code: str) -> None:
    # The trust that runs the council's services is in the routing rules, not the geography.
    result = _matched(postcode)
    assert result.authority is not None and result.authority.code == code


@pytest.mark.parametrize(
    ("postcode", "country"),
    [
        ("CF10 1EP", "Wales"),
        ("EH1 1YZ", "Scotland"),
        ("BT1 5GS", "Northern Ireland"),
        ("JE2 3QN", "Channel Islands"),
        ("GY1 1WG", "Channel Islands"),
        ("IM1 1EF", "Isle of Man"),
    ],
)
def test_non_english_postcodes_name_their_country(postcode: str, country: str) -> None:
    result = resolve(postcode)
    assert result.outcome is Outcome.OUTSIDE_ENGLAND
    assert result.country == country


@pytest.mark.parametrize(
    ("partial", "country"),
    [("BT1", "Northern Ireland"), ("JE2", "Channel Islands"), ("GY1", "Channel Islands")],
)
def test_non_english_partials_name_their_country(partial: str, country: str) -> None:
    result = resolve(partial)
    assert result.outcome is Outcome.OUTSIDE_ENGLAND
    assert result.country == country


@pytest.mark.parametrize(
    ("postcode", "country"),
    [("JE9 9ZZ", "Channel Islands"), ("IM9 9ZZ", "Isle of Man"), ("BT99 9ZZ", "Northern Ireland")],
)
def test_crown_dependencies_decided_by_prefix_when_not_in_data(postcode: str, country: str) -> None:
    result = resolve(postcode)
    assert result.outcome is Outcome.OUTSIDE_ENGLAND
    assert result.country == country


def test_well_formed_postcode_not_in_directory_is_unknown() -> None:
    result = resolve("SW1A 9ZZ")
    assert result.outcome is Outcome.UNKNOWN
    assert result.postcode == "SW1A 9ZZ"
    assert result.authority is None
    assert result.country == "England"


def test_unknown_area_is_unknown_without_country() -> None:
    result = resolve("ZZ9 9ZZ")
    assert result.outcome is Outcome.UNKNOWN
    assert result.country is None


def test_postcode_without_district_in_directory_is_unknown_with_country() -> None:
    # GIR 0AA is listed with no district code; an English one with none says England.
    assert resolve("GIR 0AA").outcome is Outcome.UNKNOWN


def test_invalid_input_gives_reason_and_no_postcode() -> None:
    result = resolve("not a postcode")
    assert result.outcome is Outcome.INVALID
    assert result.postcode is None
    assert result.reason


def test_result_keeps_the_input_and_normalises_the_postcode() -> None:
    result = resolve("  me141xq ")
    assert result.input == "  me141xq "
    assert result.postcode == "ME14 1XQ"


def test_every_result_names_the_geography_version() -> None:
    version = active_geography_version()
    for text in ("ME14 1XQ", "KT1", "CF10 1EP", "SW1A 9ZZ", "nonsense"):
        assert resolve(text).geography_version == version


def test_district_partial_lists_candidates_with_shares() -> None:
    result = resolve("KT1")
    assert result.outcome is Outcome.PARTIAL
    assert result.postcode == "KT1"
    codes = [c.code for c in result.candidates]
    assert codes[:2] == ["E09000021", "E09000027"]
    assert sum(c.share for c in result.candidates) == pytest.approx(1.0, abs=1e-3)


def test_partial_below_threshold_names_no_authority() -> None:
    result = resolve("KT1")  # about 92% Kingston
    assert result.authority is None


def test_partial_with_dominant_authority_names_it() -> None:
    result = resolve("KT1 2")
    assert result.outcome is Outcome.PARTIAL
    assert result.postcode == "KT1 2"
    assert result.authority is not None and result.authority.code == "E09000021"
    assert result.confidence is not None and result.confidence >= 0.95


def test_min_share_override_changes_the_decision() -> None:
    result = resolve("KT1", min_share=0.9)
    assert result.authority is not None and result.authority.code == "E09000021"


def test_welsh_partial_is_outside_england() -> None:
    result = resolve("CF10")
    assert result.outcome is Outcome.OUTSIDE_ENGLAND
    assert result.country == "Wales"


def test_partial_with_no_postcodes_is_unknown() -> None:
    assert resolve("SW1A 9").outcome is Outcome.UNKNOWN


def test_invalid_min_share_is_refused() -> None:
    with pytest.raises(ValueError, match="min_share"):
        resolve("KT1", min_share=0)
