"""The tracking policy a running hub uses: the rules file's ``tracking`` section."""

from __future__ import annotations

from hub.routing import RuleSet, get_active_rules
from hub.tracking.calendar import WorkingCalendar


def active_rules() -> RuleSet:
    return get_active_rules()


def calendar_for(rules: RuleSet, authority_code: str | None) -> WorkingCalendar:
    """England's working days less the council's own closure days."""
    return WorkingCalendar(rules.tracking.closure_days_of(authority_code))
