"""Property: no string makes the geography raise."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.geo import GeoResult, PostcodeFormatError, normalise_postcode
from tests.geo.helpers import resolve

postcode_like = st.from_regex(r"\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9]?[A-Za-z]{0,2}\s*")
anything = st.one_of(st.text(), st.text(max_size=12_000), postcode_like, st.binary().map(repr))


@settings(max_examples=400, deadline=None)
@given(text=anything)
def test_resolve_never_raises(geo_dir: Path, text: str) -> None:
    result = resolve(text)
    assert isinstance(result, GeoResult)
    assert result.input == text


@settings(max_examples=400, deadline=None)
@given(text=anything)
def test_normalise_raises_only_format_errors(text: str) -> None:
    try:
        normalised = normalise_postcode(text)
    except PostcodeFormatError as error:
        assert str(error)
    else:
        assert normalise_postcode(normalised) == normalised
