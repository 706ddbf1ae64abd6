"""Normalising what people type as a postcode."""

from __future__ import annotations

import pytest

from hub.geo import PostcodeFormatError, normalise_postcode
from hub.geo.normalise import PostcodeKind, parse_postcode


@pytest.mark.parametrize(
    "typed",
    ["SW1A 1AA", "sw1a 1aa", "SW1A1AA", "  sw1a1aa\t", "SW1A   1AA", "s w 1 a 1 a a", "SW1A-1AA"],
)
def test_accepts_any_case_and_spacing(typed: str) -> None:
    assert normalise_postcode(typed) == "SW1A 1AA"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("m11aa", "M1 1AA"), ("B338TH", "B33 8TH"), ("W1A 0AX", "W1A 0AX"), ("EC1A1BB", "EC1A 1BB")],
)
def test_splits_every_outward_shape(typed: str, expected: str) -> None:
    assert normalise_postcode(typed) == expected


def test_folds_full_width_characters() -> None:
    assert normalise_postcode("\uff33\uff37\uff11\uff21\u3000\uff11\uff21\uff21") == "SW1A 1AA"


def test_fixes_letter_o_typed_for_zero_in_inward_code() -> None:
    assert normalise_postcode("SW1A OAA") == "SW1A 0AA"


def test_district_is_a_partial() -> None:
    assert normalise_postcode("kt1") == "KT1"
    assert parse_postcode("kt1").kind is PostcodeKind.DISTRICT


def test_sector_is_a_partial() -> None:
    assert normalise_postcode("kt1  2") == "KT1 2"
    assert parse_postcode("KT1 2").kind is PostcodeKind.SECTOR


def test_digits_without_space_read_as_district() -> None:
    assert parse_postcode("KT12").kind is PostcodeKind.DISTRICT


def test_partials_refused_when_full_postcode_required() -> None:
    with pytest.raises(PostcodeFormatError, match="full postcode"):
        normalise_postcode("KT1", allow_partial=False)


@pytest.mark.parametrize(
    "typed", ["", "   ", "hello", "12345", "SW1A 1AAA", "1AA SW1", "SW1A 1A", "KT1 2A", "AAA1 1AA"]
)
def test_rejects_what_is_not_a_postcode_shape(typed: str) -> None:
    with pytest.raises(PostcodeFormatError):
        normalise_postcode(typed)


def test_rejection_message_is_for_the_public() -> None:
    with pytest.raises(PostcodeFormatError, match=r"Enter a real postcode, like SW1A 1AA"):
        normalise_postcode("not a postcode")


def test_rejects_very_long_input_quickly() -> None:
    with pytest.raises(PostcodeFormatError, match="too long"):
        normalise_postcode("SW1A 1AA" * 1250)


@pytest.mark.parametrize("typed", ["SW1A\x001AA", "SW1A 1AA\x07", "SW1A 1ÅA", "🏠 SW1A 1AA"])
def test_rejects_control_and_non_ascii_characters(typed: str) -> None:
    with pytest.raises(PostcodeFormatError):
        normalise_postcode(typed)


def test_format_error_is_a_value_error() -> None:
    assert issubclass(PostcodeFormatError, ValueError)


def test_non_string_is_a_format_error() -> None:
    with pytest.raises(PostcodeFormatError):
        normalise_postcode(None)  # type: ignore[arg-type]
