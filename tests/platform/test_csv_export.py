"""The one CSV writer: cells a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import pytest

from hub.platform.csv_export import rows_to_csv, spreadsheet_safe


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-", "+"])
def test_text_that_starts_like_a_formula_gets_a_leading_quote(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, -0.25, "-7", "+1.5", "12", "spring", "", None])
def test_numbers_and_ordinary_text_are_left_as_they_are(value: object) -> None:
    assert spreadsheet_safe(value) == value


def test_rows_to_csv_quotes_formulas_in_the_header_and_cells() -> None:
    text = rows_to_csv(["key", "=n"], [{"key": "=cmd", "=n": 3}, {"key": "ok"}])
    assert text == "key,'=n\n'=cmd,3\nok,\n"
