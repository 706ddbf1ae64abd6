"""The free-text rule: one table of refused characters, read the same by the check and the
OpenAPI pattern."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from hub.platform.text import has_forbidden_chars, text_pattern


def test_every_control_and_bmp_format_character_is_refused() -> None:
    missing = [
        hex(code)
        for code in range(0x10000)
        if unicodedata.category(chr(code)) in {"Cc", "Cf", "Cs"}
        and not has_forbidden_chars(chr(code), allow_newlines=False)
    ]
    assert missing == [], f"add these to FORBIDDEN_RANGES (Unicode {unicodedata.unidata_version})"


@pytest.mark.parametrize("allow_newlines", [False, True])
@pytest.mark.parametrize("required", [False, True])
def test_the_pattern_and_the_check_agree_on_every_bmp_character(
    allow_newlines: bool, required: bool
) -> None:
    # Read as OpenAPI readers read it (ECMA-262: ``^...$`` spans the whole string; Python's
    # ``$`` would also match before a final newline).
    body = text_pattern(allow_newlines=allow_newlines, required=required)
    assert body.startswith("^") and body.endswith("$")
    pattern = re.compile(body[1:-1])
    disagree = [
        hex(code)
        for code in range(0x10000)
        if not 0xD800 <= code <= 0xDFFF  # surrogates: refused by the check alone (see text.py)
        and bool(pattern.fullmatch(f"a{chr(code)}"))
        == has_forbidden_chars(f"a{chr(code)}", allow_newlines=allow_newlines)
    ]
    assert disagree == []


def test_newlines_only_where_allowed_and_required_text_needs_a_visible_character() -> None:
    assert has_forbidden_chars("a\nb", allow_newlines=False)
    assert not has_forbidden_chars("a\r\n\tb", allow_newlines=True)
    assert not re.match(text_pattern(allow_newlines=False, required=True), "   ")
    assert re.match(text_pattern(allow_newlines=False, required=False), "   ")


def test_emoji_flags_and_characters_unassigned_today_are_allowed() -> None:
    for text in ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", "😀", chr(0x1FAF8), "\ue000"):
        assert not has_forbidden_chars(text, allow_newlines=False), text
    assert sys.maxunicode == 0x10FFFF
