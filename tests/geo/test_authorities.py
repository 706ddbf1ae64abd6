"""The reference table of English children's services authorities."""

from __future__ import annotations

import pytest

from hub.geo import find_authority, list_authorities


def test_england_has_153_authorities() -> None:
    authorities = list_authorities()
    assert len(authorities) == 153
    assert len({a.code for a in authorities}) == 153


def test_every_authority_code_is_a_children_services_kind() -> None:
    assert all(a.code[:3] in {"E06", "E08", "E09", "E10"} for a in list_authorities())


def test_abolished_authorities_are_not_listed() -> None:
    codes = {a.code for a in list_authorities()}
    assert not codes & {"E10000006", "E10000023", "E10000027", "E08000016", "E08000019"}


@pytest.mark.parametrize(
    "code", ["E06000063", "E06000064", "E06000065", "E06000066", "E08000038", "E08000039"]
)
def test_authorities_created_since_2021_are_listed(code: str) -> None:
    assert find_authority(code) is not None


def test_isles_of_scilly_and_city_of_london_count() -> None:
    assert find_authority("E06000053") is not None
    assert find_authority("E09000001") is not None


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("E09000021", "Achieving for Children"),
        ("E09000027", "Achieving for Children"),
        ("E06000040", "Achieving for Children"),
        ("E06000038", "Brighter Futures for Children"),
        ("E06000039", "Slough Children First"),
        ("E08000025", "Birmingham Children's Trust"),
        ("E08000028", "Sandwell Children's Trust"),
        ("E06000061", "Northamptonshire Children's Trust"),
        ("E06000062", "Northamptonshire Children's Trust"),
        ("E08000024", "Together for Children"),
        ("E08000032", "Bradford Children and Families Trust"),
    ],
)
def test_trust_delivery_bodies(code: str, body: str) -> None:
    found = find_authority(code)
    assert found is not None and found.delivery_body == body


def test_in_house_councils_have_no_delivery_body() -> None:
    kent = find_authority("E10000016")
    assert kent is not None and kent.delivery_body is None


def test_only_the_eleven_trust_councils_have_delivery_bodies() -> None:
    assert sum(1 for a in list_authorities() if a.delivery_body) == 11


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("e10000016", "E10000016"),
        ("Kent", "E10000016"),
        ("Kent County Council", "E10000016"),
        ("kent county council", "E10000016"),
        ("Royal Borough of Windsor & Maidenhead", "E06000040"),
        ("Windsor and Maidenhead Council", "E06000040"),
        ("London Borough of Barking & Dagenham", "E09000002"),
        ("Bristol City Council", "E06000023"),
        ("City of Bristol", "E06000023"),
        ("Hull City Council", "E06000010"),
        ("Herefordshire Council", "E06000019"),
        ("Durham County Council", "E06000047"),
        ("St Helens Borough Council", "E08000013"),
        ("City of London", "E09000001"),
        ("Brighton & Hove City Council", "E06000043"),
        ("Stockton-on-Tees Borough Council", "E06000004"),
    ],
)
def test_finds_authority_by_code_or_name(text: str, code: str) -> None:
    found = find_authority(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", ["", "Council", "Narnia", "London", "W06000015", "x" * 10_000])
def test_unknown_names_find_nothing(text: str) -> None:
    assert find_authority(text) is None
