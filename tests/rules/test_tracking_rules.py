"""The rules file's tracking section: clock targets, follow-ups, closure days, retention."""

from __future__ import annotations

from datetime import date

from hub.rules.loader import read_rules_file, read_rules_text
from hub.rules.tracking_policy import ClockTargets, NoResponsePolicy, RetentionPeriods
from tests.rules.builders import ENGLAND_RULES, FIXTURES, SMALL_AUTHORITIES

BASE = (FIXTURES / "valid.yaml").read_text()


def read(extra: str):
    return read_rules_text(BASE + extra, "rules.yaml", SMALL_AUTHORITIES)


def line_of(text: str, needle: str) -> int:
    return (BASE + text).splitlines().index(needle) + 1


def test_a_file_without_a_tracking_section_gets_the_defaults() -> None:
    rules, problems = read("")
    assert problems == []
    assert rules is not None
    # valid.yaml's default_first_contact_working_days is 2; the other clocks are the defaults.
    assert rules.tracking.clocks == ClockTargets(first_contact_working_days=2)
    assert rules.tracking.retention == RetentionPeriods(3, 3, 10)
    assert rules.tracking.follow_ups.retention_check_in_months == (1, 3, 6, 12)


def test_england_rules_carry_the_issue_defaults() -> None:
    rules, problems = read_rules_file(ENGLAND_RULES, {})
    assert rules is not None
    assert not [p for p in problems if "tracking" in p.message]
    targets = rules.clock_targets_for("E10000016", date(2026, 1, 5))  # Kent, in the cluster
    assert targets == ClockTargets(1, 10, 10, 8)
    assert rules.tracking.follow_ups.re_engagement_months == (3, 12)


def test_first_contact_days_are_read_into_the_clock_targets_alone() -> None:
    rules, problems = read("")
    assert problems == [] and rules is not None
    day = date(2026, 1, 5)
    # Berkshire Hub says 3, Solent Hub 1, the file's default (councils in no cluster) 2.
    assert rules.clock_targets_for("E06000037", day).first_contact_working_days == 3
    assert rules.clock_targets_for("E10000014", day).first_contact_working_days == 1
    assert rules.clock_targets_for("E10000016", day).first_contact_working_days == 2
    berkshire = next(c for c in rules.clusters if c.name == "Berkshire Hub")
    assert berkshire.first_contact_working_days == 3
    assert rules.default_first_contact_working_days == 2


TRACKING = """
tracking:
  clocks:
    initial_visit_working_days: 5
  follow_ups:
    stalled_enquiry_working_days: 7
    re_engagement_months: [3, 6]
  retention:
    no_application_years: 2
  councils:
    - authority: E10000016
      closure_days: [2026-12-29, 2026-12-30]
      retention: {approved_years: 15}
"""


def test_tracking_values_and_per_council_overrides_are_read() -> None:
    rules, problems = read(TRACKING)
    assert problems == []
    assert rules is not None
    assert rules.tracking.clocks.initial_visit_working_days == 5
    assert rules.tracking.follow_ups.stalled_enquiry_working_days == 7
    assert rules.tracking.follow_ups.re_engagement_months == (3, 6)
    assert rules.tracking.closure_days_of("E10000016") == {date(2026, 12, 29), date(2026, 12, 30)}
    assert rules.tracking.closure_days_of("E06000037") == frozenset()
    assert rules.tracking.retention_for("E10000016") == RetentionPeriods(2, 3, 15)
    assert rules.tracking.retention_for("E06000037") == RetentionPeriods(2, 3, 10)


def test_unclustered_council_gets_the_default_targets() -> None:
    rules, _ = read(TRACKING)
    assert rules is not None
    targets = rules.clock_targets_for("E08000025", date(2026, 1, 5))  # Birmingham
    assert targets.initial_visit_working_days == 5
    assert targets.first_contact_working_days == rules.default_first_contact_working_days


def test_unknown_council_in_tracking_is_reported_on_its_line() -> None:
    text = "\ntracking:\n  councils:\n    - authority: E06099999\n"
    _, problems = read(text)
    assert [(p.line, "unknown authority code 'E06099999'" in p.message) for p in problems] == [
        (line_of(text, "    - authority: E06099999"), True)
    ]


def test_council_listed_twice_is_reported() -> None:
    text = "\ntracking:\n  councils:\n    - authority: E10000016\n    - authority: E10000016\n"
    _, problems = read(text)
    assert any("listed twice in tracking.councils" in p.message for p in problems)


def test_zero_days_months_out_of_order_and_unknown_keys_are_reported() -> None:
    text = (
        "\ntracking:\n  clocks:\n    stage_one_working_days: 0\n    panel_weeks: 3\n"
        "  follow_ups:\n    retention_check_in_months: [12, 3]\n"
        "  councils:\n    - authority: E10000016\n      closure_days: [2026-13-01]\n"
    )
    _, problems = read(text)
    messages = [p.message for p in problems]
    assert "stage_one_working_days must be at least 1" in messages
    assert any("unknown key 'panel_weeks'" in m for m in messages)
    assert any("in increasing order" in m for m in messages)
    assert any("a closure day must be a date" in m for m in messages)
    assert all(p.line > 0 for p in problems)


def test_a_cluster_may_set_its_own_clock_targets() -> None:
    text = BASE.replace(
        "first_contact_working_days: 1", "first_contact_working_days: 2\n    panel_months: 6", 1
    )
    rules, problems = read_rules_text(text, "rules.yaml", SMALL_AUTHORITIES)
    assert problems == []
    assert rules is not None
    cluster = rules.clusters[0]
    assert cluster.clock_targets == ClockTargets(2, 10, 10, 6)


def test_an_impossible_date_is_a_problem_not_a_crash() -> None:
    # The reader used to raise ValueError from PyYAML's date constructor for this.
    text = BASE.replace("valid_from: 2024-07-08", "valid_from: 2024-13-08", 1)
    _, problems = read_rules_text(text, "rules.yaml", SMALL_AUTHORITIES)
    assert [p.message for p in problems] == ["valid_from must be a date written YYYY-MM-DD"]


def test_the_no_response_rule_is_read_and_defaults_to_two_attempts_on_two_days() -> None:
    rules, problems = read("")
    assert rules is not None and problems == []
    assert rules.tracking.no_response == NoResponsePolicy(2, 2)
    rules, problems = read("\ntracking:\n  no_response:\n    attempts: 3\n")
    assert rules is not None and problems == []
    assert rules.tracking.no_response == NoResponsePolicy(attempts=3, working_days=2)


def test_a_no_response_rule_of_zero_attempts_is_a_problem() -> None:
    _, problems = read("\ntracking:\n  no_response:\n    attempts: 0\n")
    assert any("attempts must be at least 1" in p.message for p in problems)
