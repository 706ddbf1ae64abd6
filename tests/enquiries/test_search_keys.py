"""Blind indexes: the same person typed differently gives the same index; kinds are apart."""

from __future__ import annotations

import hashlib

import pytest

from hub.enquiries.search_keys import (
    DISTRICT,
    EMAIL,
    NAME,
    PHONE,
    POSTCODE,
    SURNAME,
    SearchKind,
    SearchTermError,
    index_of,
    normalise_name,
    read_search_term,
    search_keys_of,
)

PERSON = {
    "given_name": "José",
    "family_name": "O'Brien-Smith",
    "email": "Jose.OBrien@Example.org",
    "phone": "+447911123456",
    "postcode": "ME14 1XQ",
}


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("José  O'Brien", "jose obrien"),
        ("JOSÉ O\u2019BRIEN", "jose obrien"),
        (" Zoë   Smith-Jones ", "zoe smith jones"),
        ("Straße", "strasse"),
    ],
)
def test_names_lose_case_accents_apostrophes_and_extra_spaces(typed, normalised) -> None:
    assert normalise_name(typed) == normalised


@pytest.mark.parametrize(
    "typed", ["07911 123456", "+44 7911 123456", "07911123456", "(07911) 123-456"]
)
def test_a_phone_number_in_any_format_reads_as_the_stored_number(settings, typed) -> None:
    term = read_search_term(typed)
    assert term.kind is SearchKind.PHONE
    assert term.matches == ((PHONE, search_keys_of(PERSON)[PHONE]),)


def test_each_kind_of_term_finds_its_own_index(settings) -> None:
    keys = search_keys_of(PERSON)
    assert read_search_term("jose.obrien@example.ORG").matches == ((EMAIL, keys[EMAIL]),)
    assert read_search_term("me141xq").matches == ((POSTCODE, keys[POSTCODE]),)
    assert read_search_term("ME14").matches == ((DISTRICT, keys[DISTRICT]),)
    assert read_search_term("o'brien smith").matches[1] == (SURNAME, keys[SURNAME])
    assert read_search_term("jose o'brien-smith").matches[0] == (NAME, keys[NAME])
    assert read_search_term("fe-7k3m9q2d").reference == "FE-7K3M9Q2D"


def test_the_same_text_has_a_different_index_for_each_kind(settings) -> None:
    assert index_of(NAME, "smith") != index_of(SURNAME, "smith")


def test_an_index_is_keyed_not_a_plain_hash(settings) -> None:
    assert index_of(SURNAME, "smith") != hashlib.sha256(b"smith").hexdigest()


def test_a_partial_postcode_keeps_only_its_district(settings) -> None:
    keys = search_keys_of({**PERSON, "postcode": "ME14"})
    assert keys[POSTCODE] is None and keys[DISTRICT] == search_keys_of(PERSON)[DISTRICT]


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "ME14 1", "0791", "x" * 101, "07700 9001"])
def test_a_term_that_is_none_of_the_kinds_is_refused_with_words(settings, typed) -> None:
    with pytest.raises(SearchTermError) as refused:
        read_search_term(typed)
    assert str(refused.value)
