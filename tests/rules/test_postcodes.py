"""Override areas: districts, sectors and full postcodes, read with the geography's grammar."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.geo.normalise import PostcodeFormatError, normalise_postcode
from hub.rules import EnquiryFacts, decide
from hub.rules.loader import read_rules_text
from hub.rules.postcodes import parse_area
from tests.rules.builders import AT, SMALL_AUTHORITIES, matched


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


# -- one grammar: the geography's ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("GIR 0AA", "postcode", "GIR 0AA"),  # the old Girobank code ONS still lists
        ("gir0aa", "postcode", "GIR 0AA"),
        ("GIR", "district", "GIR"),
        ("GIR 0", "sector", "GIR 0"),
        ("NPT 1AA", "postcode", "NPT 1AA"),  # terminated Newport codes
        ("NPT", "district", "NPT"),
        ("BX1 1LT", "postcode", "BX1 1LT"),  # non-geographic area
        ("SW1A2", "sector", "SW1A 2"),
        ("rg1-2ab", "postcode", "RG1 2AB"),  # separators the geography accepts
        ("RG1 OAB", "postcode", "RG1 0AB"),  # O typed for 0 in the inward code
    ],
)
def test_area_accepts_what_the_geography_accepts(text: str, kind: str, shown: str) -> None:
    area = parse_area(text)
    assert area is not None and (area.kind, str(area)) == (kind, shown)


def test_gir_areas_nest_and_stay_apart_from_others() -> None:
    district, unit, other = parse_area("GIR"), parse_area("GIR 0AA"), parse_area("G1 1AA")
    assert district and unit and other
    assert district.contains(unit) and not district.overlaps(other)


postcode_like = st.from_regex(r"\s*[A-Za-z]{1,3}[0-9][A-Za-z0-9]?\s*[0-9]?[A-Za-z]{0,2}\s*")


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(st.text(max_size=20), postcode_like))
def test_area_reads_exactly_what_the_geography_normalises(text: str) -> None:
    try:
        expected: str | None = normalise_postcode(text)
    except PostcodeFormatError:
        expected = None
    area = parse_area(text)
    assert (str(area) if area is not None else None) == expected


RULES_WITH_OVERRIDES = """\
version: "test-gir"
preference_policy: within_cluster
partial_postcode_share: 0.9
unclustered: authority
overrides:
  - postcode: "gir 0aa"
    authority: E06000037
    reason: Non-geographic code agreed with West Berkshire
  - postcode: NPT
    authority: E06000038
    reason: Old Newport codes
"""


def test_overrides_on_gir_and_npt_load_without_problems() -> None:
    rules, problems = read_rules_text(RULES_WITH_OVERRIDES, "rules.yaml", SMALL_AUTHORITIES)
    assert problems == []
    assert rules is not None
    assert [o.postcode for o in rules.overrides] == ["GIR 0AA", "NPT"]


def test_an_override_on_gir_routes_the_enquiry() -> None:
    rules, _ = read_rules_text(RULES_WITH_OVERRIDES, "rules.yaml", SMALL_AUTHORITIES)
    assert rules is not None
    decision = decide(EnquiryFacts("GIR 0AA"), matched("E10000016", "GIR 0AA"), rules, AT)
    assert decision.authority is not None and decision.authority.code == "E06000037"
