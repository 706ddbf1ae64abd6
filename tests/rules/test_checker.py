"""The rules check says exactly what is wrong with a file, on which line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.rules import Problem, RulesError, load_rules, read_rules_file
from tests.rules.builders import FIXTURES, SMALL_AUTHORITIES


def problems_in(name: str) -> list[Problem]:
    _, problems = read_rules_file(FIXTURES / name, SMALL_AUTHORITIES)
    return problems


def lines_with(problems: list[Problem], text: str) -> list[int]:
    return [problem.line for problem in problems if text in problem.message]


def test_valid_fixture_has_no_problems() -> None:
    assert problems_in("valid.yaml") == []


def test_malformed_yaml_is_reported_with_its_line() -> None:
    problems = problems_in("malformed.yaml")
    assert [(p.line, p.message.startswith("malformed YAML")) for p in problems] == [(5, True)]


def test_problem_names_the_file_and_line() -> None:
    (problem,) = problems_in("unknown_code.yaml")
    assert str(problem).startswith(f"{FIXTURES / 'unknown_code.yaml'}:11: ")


def test_unknown_authority_code_is_reported_on_its_line() -> None:
    problems = problems_in("unknown_code.yaml")
    assert lines_with(problems, "unknown authority code 'E06099999'") == [11]


def test_authority_in_two_clusters_at_overlapping_times_is_reported() -> None:
    problems = problems_in("two_clusters.yaml")
    assert lines_with(problems, "E10000014 (Hampshire) is in clusters 'Solent Hub' (line 9)") == [
        16
    ]


def test_authority_moving_between_clusters_without_overlap_is_valid() -> None:
    assert problems_in("moves_cluster.yaml") == []


def test_pause_whose_fallback_is_itself_paused_is_reported() -> None:
    problems = problems_in("paused_fallback.yaml")
    assert lines_with(problems, "falls back to E06000044 (Portsmouth), which is itself paused") == [
        6
    ]


def test_overlapping_overrides_are_reported_on_the_later_one() -> None:
    problems = problems_in("overlapping_overrides.yaml")
    assert lines_with(problems, "override for RG1 2 overlaps the override for RG1 (line 6)") == [10]


def test_empty_date_range_is_reported_on_valid_until() -> None:
    problems = problems_in("empty_range.yaml")
    assert lines_with(problems, "empty date range") == [10]


def test_unknown_key_is_reported_on_its_line() -> None:
    problems = problems_in("unknown_key.yaml")
    assert lines_with(problems, "unknown key 'service_level' in a cluster") == [10]


def test_missing_top_level_key_is_reported() -> None:
    problems = problems_in("missing_key.yaml")
    assert lines_with(problems, "missing the key 'preference_policy'") == [1]


def test_missing_override_key_is_reported_on_the_override() -> None:
    problems = problems_in("missing_key.yaml")
    assert lines_with(problems, "an override is missing the key 'authority'") == [5]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (2, "preference_policy must be one of anywhere, within_cluster, not_allowed"),
        (3, "partial_postcode_share must be in (0, 1]"),
        (6, "the lead E06000045 (Southampton) of cluster 'Solent Hub' is not one of its members"),
        (8, "first_contact_working_days must be a whole number"),
        (13, "valid_from must be a date written YYYY-MM-DD"),
        (16, "override postcode 'NOT A POSTCODE' is not a postcode district"),
    ],
)
def test_wrong_value_is_reported_on_its_line(line: int, text: str) -> None:
    assert lines_with(problems_in("wrong_values.yaml"), text) == [line]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (10, "cluster name 'Solent Hub' is used twice (first at line 6)"),
        (17, "E06000038 (Reading) has two delivery bodies at overlapping times"),
        (21, "the pause of E10000016 (Kent) falls back to itself"),
        (28, "E06000045 (Southampton) is paused twice at overlapping times (first at line 24)"),
    ],
)
def test_conflicting_rule_is_reported_on_its_line(line: int, text: str) -> None:
    assert lines_with(problems_in("more_conflicts.yaml"), text) == [line]


def test_triage_for_unclustered_lists_every_authority_without_a_rule() -> None:
    problems = problems_in("triage_unclustered.yaml")
    uncovered = set(SMALL_AUTHORITIES) - {"E06000044", "E10000014"}
    assert {p.message.split()[3] for p in problems} == uncovered
    assert {p.line for p in problems} == {4}


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        'version: "1"\nversion: "2"\npreference_policy: anywhere\n'
        "partial_postcode_share: 0.9\nunclustered: authority\n"
    )
    _, problems = read_rules_file(path, SMALL_AUTHORITIES)
    assert [(p.line, p.message) for p in problems] == [
        (2, "the rules file has the key 'version' twice")
    ]


def test_empty_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("# nothing here\n")
    _, problems = read_rules_file(path, SMALL_AUTHORITIES)
    assert [p.message for p in problems] == ["the rules file is empty"]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    _, problems = read_rules_file(tmp_path / "absent.yaml", SMALL_AUTHORITIES)
    assert problems[0].message.startswith("cannot read the rules file")


def test_load_rules_refuses_an_invalid_file() -> None:
    with pytest.raises(RulesError) as raised:
        load_rules(FIXTURES / "two_clusters.yaml", SMALL_AUTHORITIES)
    assert [p.line for p in raised.value.problems] == [16]


def test_rules_error_message_lists_every_problem() -> None:
    with pytest.raises(RulesError, match=r"wrong_values.yaml:16: override postcode"):
        load_rules(FIXTURES / "wrong_values.yaml", SMALL_AUTHORITIES)


def test_loaded_rules_carry_the_file_version() -> None:
    assert load_rules(FIXTURES / "valid.yaml", SMALL_AUTHORITIES).version == "test-1"
