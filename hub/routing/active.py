"""The rule set a running hub uses: loaded once per process from the configured file.

This is the only place (with the CLI) that wires the pure rules code to the geography and the
settings. ``get_active_rules.cache_clear()`` makes the next call reload (after a rules or
geography change, or in tests).
"""

from __future__ import annotations

from functools import lru_cache

from hub.routing.loader import load_rules
from hub.routing.model import RuleSet


@lru_cache(maxsize=1)
def get_active_rules() -> RuleSet:
    """Load and check ``settings.rules_path`` against the geography; raise ``RulesError``."""
    from config.settings import get_settings
    from hub.geo import list_authorities

    known = {info.code: info.name for info in list_authorities()}
    return load_rules(get_settings().rules_path, known)
