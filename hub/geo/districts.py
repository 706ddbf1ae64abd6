"""Map directory district codes to routing units: an English authority or a country."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from hub.geo.authorities import COUNTRY_BY_PREFIX, COUNTRY_CODES, authorities_by_code
from hub.geo.table import BLOCK, DISTRICT_MASK, BuiltTable

__all__ = ["DistrictMapping", "area_countries", "map_districts"]

_COUNTRY_NAME_BY_CODE = {code: name for name, code in COUNTRY_CODES.items()}


@dataclass
class DistrictMapping:
    """Which unit each district routes to, and what each unit is called."""

    district_units: list[str]
    units: dict[str, dict[str, str | None]]
    unmapped: list[str] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)


def _unit_info(code: str, names: Mapping[str, str]) -> tuple[dict[str, str | None], bool]:
    if code in _COUNTRY_NAME_BY_CODE:
        country = _COUNTRY_NAME_BY_CODE[code]
        return {"name": country, "country": country}, True
    info = authorities_by_code().get(code)
    if info is not None:
        return {"name": info.name, "country": "England"}, True
    return {"name": names.get(code, code), "country": "England"}, False


def map_districts(
    districts: list[str],
    counties: Mapping[str, str],
    names: Mapping[str, str] | None = None,
) -> DistrictMapping:
    """Map each district to its children's services authority (or country) code.

    E06/E08/E09 districts are their own authority; an E07 district belongs to the E10 county in
    ``counties``; Welsh, Scottish, Northern Irish, Channel Islands and Isle of Man codes map to
    the country. An empty or pseudo (``E99999999``) district maps to '' (unknown).
    """
    names = names or {}
    units: dict[str, dict[str, str | None]] = {}
    district_units: list[str] = []
    unmapped: list[str] = []
    unnamed: list[str] = []
    for district in districts:
        unit = ""
        first = district[:1]
        if not district or district == "E99999999":
            unit = ""
        elif first != "E" and first in COUNTRY_BY_PREFIX:
            unit = COUNTRY_CODES[COUNTRY_BY_PREFIX[first]]
        elif district.startswith(("E06", "E08", "E09")):
            unit = district
        elif district.startswith("E07") and counties.get(district, "").startswith("E10"):
            unit = counties[district]
        else:
            unmapped.append(district)
        district_units.append(unit)
        if unit and unit not in units:
            units[unit], known = _unit_info(unit, names)
            if not known:
                unnamed.append(unit)
    return DistrictMapping(district_units, units, unmapped, unnamed)


def area_countries(built: BuiltTable, mapping: DistrictMapping) -> dict[str, str]:
    """For each postcode area wholly in one country (by the rows that have one), that country."""
    countries = list(COUNTRY_CODES)
    country_bit = np.zeros(len(built.districts) + 1, dtype=np.uint8)
    for index, unit in enumerate(mapping.district_units):
        if unit:
            country = mapping.units[unit]["country"]
            if country is not None:
                country_bit[index + 1] = 1 << countries.index(country)
        elif built.districts[index][:1] == "E":
            # A pseudo English district still says the postcode is in England.
            country_bit[index + 1] = 1
    blocks = country_bit[built.table.reshape(-1, BLOCK) & DISTRICT_MASK]
    sector_bits = np.bitwise_or.reduce(blocks, axis=1)
    by_area: dict[str, int] = {}
    for sector, bits in zip(built.sectors, sector_bits.tolist(), strict=True):
        area = sector[: len(sector) - len(sector.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
        by_area[area] = by_area.get(area, 0) | int(bits)
    result: dict[str, str] = {}
    for area, bits in by_area.items():
        if bits and bits & (bits - 1) == 0:
            result[area] = countries[bits.bit_length() - 1]
    return result
