"""The reference table of English children's services authorities."""

from __future__ import annotations

import pytest

from hub.geo import find_authority, find_authority_name, list_authorities


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


def test_reference_table_does_not_keep_delivery_bodies() -> None:
    # Trusts are kept once, with their dates, in the routing rules (config/rules/england.yaml).
    from hub.geo.authorities import reference_path

    header = reference_path().read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ["code", "name", "aliases"]


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


@pytest.mark.parametrize(
    ("code", "name"),
    [("E10000016", "Kent"), ("e06000023", "Bristol, City of"), ("Kent County Council", "Kent")],
)
def test_authority_name_for_a_code(code: str, name: str) -> None:
    assert find_authority_name(code) == name


@pytest.mark.parametrize("code", [None, "", "E99999999", "Narnia"])
def test_no_authority_name_for_no_code_or_an_unknown_one(code: str | None) -> None:
    assert find_authority_name(code) is None
