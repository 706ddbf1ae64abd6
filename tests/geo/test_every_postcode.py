"""Every postcode in the packaged directory resolves as the raw package data says it should."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from hub.geo import Outcome
from hub.geo.build_default import package_dir, postcode_files, read_postcode_file
from tests.geo.helpers import resolve

# Created after the 2021 authorities package; each is its own children's services authority.
NEW_SINCE_2021 = {"E06000063", "E06000064", "E06000065", "E06000066", "E08000038", "E08000039"}
COUNTRIES = {
    "W": "Wales",
    "S": "Scotland",
    "N": "Northern Ireland",
    "L": "Channel Islands",
    "M": "Isle of Man",
}


def _expected_upper_tier() -> dict[str, str]:
    records = json.loads((package_dir("qlacref_authorities") / "records.json").read_text())
    mapping = {r["LTLA21CD"]: r["UTLA21CD"] for r in records}
    mapping.update({code: code for code in NEW_SINCE_2021})
    return mapping


@pytest.mark.slow
def test_every_packaged_postcode_resolves_to_its_authority_or_country(geo_dir: Path) -> None:
    upper = _expected_upper_tier()
    wrong: Counter[str] = Counter()
    checked = 0
    for path in postcode_files():
        data = read_postcode_file(path)
        for pcd, district in zip(data["pcd"], data["laua"], strict=True):
            if not isinstance(district, str) or not district:
                continue
            result = resolve(pcd)
            checked += 1
            if district[0] == "E":
                ok = result.outcome is Outcome.MATCHED and (
                    result.authority is not None and result.authority.code == upper[district]
                )
            else:
                ok = (
                    result.outcome is Outcome.OUTSIDE_ENGLAND
                    and result.country == COUNTRIES[district[0]]
                )
            if not ok:
                wrong[district] += 1
    assert checked > 2_700_000
    assert not wrong


@pytest.mark.slow
def test_packaged_postcodes_without_district_never_match(geo_dir: Path) -> None:
    outcomes: Counter[Outcome] = Counter()
    for path in postcode_files():
        data = read_postcode_file(path)
        for pcd, district in zip(data["pcd"], data["laua"], strict=True):
            if not isinstance(district, str) or not district:
                outcomes[resolve(pcd).outcome] += 1
    assert set(outcomes) <= {Outcome.UNKNOWN, Outcome.OUTSIDE_ENGLAND}
    assert outcomes[Outcome.OUTSIDE_ENGLAND] >= 2856  # at least the Northern Irish ones
