"""The councils directory: every authority once, no fact without a source, one source each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hub.geo import list_authorities
from hub.rules.directory import council_facts
from hub.rules.directory_checker import directory_gaps
from hub.rules.directory_loader import read_directory_file, read_directory_text
from hub.rules.loader import read_rules_file

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ROOT / "config" / "councils" / "england.yaml"
RULES = ROOT / "config" / "rules" / "england.yaml"
KNOWN = {info.code: info.name for info in list_authorities()}
TODAY = date(2026, 12, 3)


@pytest.fixture(scope="module")
def rules():
    found, problems = read_rules_file(RULES, KNOWN)
    assert not problems and found is not None
    return found


def _problems(text: str, rules=None) -> list[str]:
    _, problems = read_directory_text(text, "d.yaml", KNOWN, rules)
    return [str(p) for p in problems]


def _with_council_line(code: str, replacement: str) -> str:
    text = DIRECTORY.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith(f"  - {{code: {code},"))
    return text.replace(line, replacement)


def test_the_england_directory_lists_all_153_authorities_and_agrees_with_the_rules(rules) -> None:
    directory, problems = read_directory_file(DIRECTORY, KNOWN, rules)
    assert problems == [] and directory is not None
    assert set(directory.councils) == set(KNOWN) and len(KNOWN) == 153


def test_the_lafse_phone_reaches_its_20_members_and_nobody_else(rules) -> None:
    directory, _ = read_directory_file(DIRECTORY, KNOWN, rules)
    assert directory is not None
    phones = {
        code: facts.public_contact.phone
        for code in directory.councils
        if (facts := council_facts(directory, rules, code, TODAY)).public_contact is not None
    }
    assert len(phones) == 20 and set(phones.values()) == {"0300 131 2797"}
    kent = council_facts(directory, rules, "E10000016", TODAY)
    assert kent.hub_brand == "Local Authority Fostering South East" and kent.routed_through_hub


def test_no_target_is_confirmed_today(rules) -> None:
    directory, _ = read_directory_file(DIRECTORY, KNOWN, rules)
    assert directory is not None
    assert all(
        council_facts(directory, rules, code, TODAY).confirmed_working_days is None
        for code in directory.councils
    )


def test_gaps_list_councils_without_a_contact_and_hubs_whose_members_are_unknown(rules) -> None:
    directory, _ = read_directory_file(DIRECTORY, KNOWN, rules)
    assert directory is not None
    gaps = directory_gaps(directory, rules, TODAY)
    assert len(gaps.without_contact) == 133 and "E08000025" in gaps.without_contact
    assert "E10000016" not in gaps.without_contact
    unknown = {hub.name for hub in gaps.incomplete_hubs}
    assert "Foster for Greater Manchester" in unknown and "Foster East" in unknown
    assert "Local Authority Fostering South East" not in unknown


def test_a_member_of_a_published_hub_is_named_as_such_but_routed_to_itself(rules) -> None:
    directory, _ = read_directory_file(DIRECTORY, KNOWN, rules)
    assert directory is not None
    derby = council_facts(directory, rules, "E06000015", TODAY)
    assert derby.hub_brand == "Foster for East Midlands" and not derby.routed_through_hub


def test_a_phone_without_a_source_is_refused() -> None:
    text = _with_council_line(
        "E08000025",
        '  - code: E08000025\n    name: "Birmingham"\n    contact: {phone: "0121 303 1234", '
        'source: "", as_of: "2026-12-01"}',
    )
    assert any("contact source must be a non-empty text value" in p for p in _problems(text))


def test_a_contact_needs_its_source_key() -> None:
    text = _with_council_line(
        "E08000025",
        '  - code: E08000025\n    name: "Birmingham"\n    contact: {phone: "0121 303 1234"}',
    )
    assert any("missing the key 'source'" in p for p in _problems(text))


def test_something_that_is_no_phone_number_or_no_https_page_is_refused() -> None:
    text = _with_council_line(
        "E08000025",
        '  - code: E08000025\n    name: "Birmingham"\n    contact: {phone: "call us", '
        'web: "http://x.example", source: "s", as_of: "2026"}',
    )
    problems = _problems(text)
    assert any("is not a UK phone number" in p for p in problems)
    assert any("must be an https:// address" in p for p in problems)


def test_a_bad_code_is_refused_with_its_line() -> None:
    text = _with_council_line("E08000025", '  - {code: E08099999, name: "Birmingham"}')
    problems = _problems(text)
    assert any(
        "unknown authority code 'E08099999'" in p and p.startswith("d.yaml:") for p in problems
    )
    assert any("E08000025 (Birmingham) is not in the directory" in p for p in problems)


def test_a_council_listed_twice_or_misnamed_is_refused() -> None:
    text = _with_council_line(
        "E08000025",
        '  - {code: E08000025, name: "Brum"}\n  - {code: E08000025, name: "Birmingham"}',
    )
    problems = _problems(text)
    assert any("E08000025 is listed twice" in p for p in problems)
    assert any("named 'Birmingham' in the geography, not 'Brum'" in p for p in problems)


def test_a_hub_that_claims_complete_without_naming_its_members_is_refused() -> None:
    text = DIRECTORY.read_text(encoding="utf-8").replace(
        "    member_count: 10\n    members_complete: false",
        "    member_count: 10\n    members_complete: true",
    )
    assert any(
        "'Foster for Greater Manchester' says members_complete" in p for p in _problems(text)
    )


def test_a_member_of_a_rules_cluster_cannot_be_listed_in_another_hub(rules) -> None:
    text = DIRECTORY.read_text(encoding="utf-8").replace(
        "      - E10000020                  # Norfolk\n    member_count: 11",
        "      - E10000020                  # Norfolk\n      - E10000016\n    member_count: 11",
    )
    assert any(
        "E10000016 (Kent) is listed in 'Foster East' but routed through a rules cluster" in p
        for p in _problems(text, rules)
    )


def test_a_confirmed_target_must_agree_with_the_rules_clock(rules) -> None:
    text = _with_council_line(
        "E10000016",
        '  - code: E10000016\n    name: "Kent"\n    first_contact: {confirmed: true, '
        'working_days: 2, source: "Kent, by letter", as_of: "2026-12-01"}',
    )
    assert any(
        "Kent confirmed a first contact within 2 working day(s) but the rules file's clock is 1"
        in p
        for p in _problems(text, rules)
    )


def test_a_confirmation_without_its_source_is_no_confirmation() -> None:
    text = _with_council_line(
        "E10000016",
        '  - code: E10000016\n    name: "Kent"\n'
        "    first_contact: {confirmed: true, working_days: 1}",
    )
    assert any("needs working_days, source and as_of" in p for p in _problems(text))


def test_a_routing_hub_missing_from_the_rules_is_refused(rules) -> None:
    text = DIRECTORY.read_text(encoding="utf-8").replace(
        "  - name: Local Authority Fostering South East\n",
        "  - name: Local Authority Fostering South-East\n",
    )
    problems = _problems(text, rules)
    assert any("says routing: rules but the rules file has no cluster" in p for p in problems)
    assert any(
        "'Local Authority Fostering South East' is not in the directory's hubs" in p
        for p in problems
    )
