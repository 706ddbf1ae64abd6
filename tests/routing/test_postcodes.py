"""Override areas: districts, sectors and full postcodes."""

from __future__ import annotations

import pytest

from hub.routing.postcodes import parse_area


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("rg1", "district", "RG1"),
        ("RG1 2", "sector", "RG1 2"),
        ("rg1  2ab", "postcode", "RG1 2AB"),
        ("RG12AB", "postcode", "RG1 2AB"),
        ("EC1A 1BB", "postcode", "EC1A 1BB"),
    ],
)
def test_area_is_read_and_normalised(text: str, kind: str, shown: str) -> None:
    area = parse_area(text)
    assert area is not None and (area.kind, str(area)) == (kind, shown)


@pytest.mark.parametrize("text", ["", "NOT A POSTCODE", "RG1 2A", "12 3AB"])
def test_non_postcode_is_refused(text: str) -> None:
    assert parse_area(text) is None


def test_district_contains_its_sectors_and_postcodes() -> None:
    district, sector, unit = (parse_area(t) for t in ("RG1", "RG1 2", "RG1 2AB"))
    assert district and sector and unit
    assert district.contains(sector) and district.contains(unit) and sector.contains(unit)


def test_district_does_not_contain_a_longer_district() -> None:
    rg1, rg12 = parse_area("RG1"), parse_area("RG12 1AA")
    assert rg1 and rg12 and not rg1.overlaps(rg12)
