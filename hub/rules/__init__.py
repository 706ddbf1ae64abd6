"""Cluster rules and the pure routing engine: who receives an enquiry, and why.

Load the rules once per process with :func:`get_active_rules` (the configured file, checked
against the geography; :func:`load_rules` for any file): both refuse an invalid file. Then
call :func:`decide` for each enquiry and store ``decision.to_dict()``.
"""

from __future__ import annotations

from hub.rules.active import get_active_rules
from hub.rules.decision import (
    DecisionOutcome,
    EnquiryFacts,
    HomeCouncilNotice,
    RoutingDecision,
    TraceStep,
    TriageReason,
)
from hub.rules.engine import decide
from hub.rules.loader import load_rules, read_rules_file
from hub.rules.model import PreferencePolicy, RuleSet
from hub.rules.operator_route import OPERATOR_ROUTE_RULE
from hub.rules.problems import Problem, RulesError

__all__ = [
    "OPERATOR_ROUTE_RULE",
    "DecisionOutcome",
    "EnquiryFacts",
    "HomeCouncilNotice",
    "PreferencePolicy",
    "Problem",
    "RoutingDecision",
    "RuleSet",
    "RulesError",
    "TraceStep",
    "TriageReason",
    "decide",
    "get_active_rules",
    "load_rules",
    "read_rules_file",
]
