"""The tracking policy a running hub uses: the rules file's ``tracking`` section (the rule set
itself is ``hub.rules.get_active_rules()``)."""

from __future__ import annotations

from hub.rules import RuleSet
from hub.tracking.calendar import WorkingCalendar


def calendar_for(rules: RuleSet, authority_code: str | None) -> WorkingCalendar:
    """England's working days less the council's own closure days."""
    return WorkingCalendar(rules.tracking.closure_days_of(authority_code))
