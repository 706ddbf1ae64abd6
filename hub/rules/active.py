"""The rule set a running hub uses: the configured file, reloaded when it changes.

This is the only place (with the CLI) that wires the pure rules code to the geography. The
file is ``HUB_RULES_PATH``, which the process's edge installs (``get_active_rules.use_file``)
from the settings it built. Like the geography, a process looks at the file at most every
RECHECK_SECONDS: a changed, valid file replaces the rules in use; an invalid one is refused
and logged, and the rules in use stay (each decision records the rules version it was made
with). The first load, or a different configured path, must succeed: it raises
``RulesError``. ``get_active_rules.cache_clear()`` forgets the loaded rules (tests).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from time import monotonic

from hub.geo import list_authorities
from hub.rules.loader import load_rules
from hub.rules.model import RuleSet
from hub.rules.problems import RulesError

log = logging.getLogger(__name__)

# How often a process looks at the rules file to notice it changed.
RECHECK_SECONDS = 2.0

_Stamp = tuple[int, int, int] | None
_NOTHING_REFUSED: _Stamp = (-1, -1, -1)  # no file has this stamp (None is a missing file)


def _stamp(path: Path) -> _Stamp:
    """What changes when the file is rewritten or replaced (None when it is not there)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _load(path: Path) -> RuleSet:
    known = {info.code: info.name for info in list_authorities()}
    return load_rules(path, known)


@dataclass
class _Loaded:
    path: Path
    rules: RuleSet
    stamp: _Stamp
    refused: _Stamp  # the last stamp whose file was refused: logged once, not every check
    next_check: float


class ActiveRules:
    """``get_active_rules()``: the process's rule set, following changes to its file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None
        self._path: Path | None = None

    @property
    def path(self) -> Path | None:
        """The rules file in use (None until an edge installs one)."""
        return self._path

    def use_file(self, path: Path) -> None:
        """Use the rules file at ``path`` (``HUB_RULES_PATH``, installed by the process's edge)."""
        self._path = Path(path)

    def __call__(self) -> RuleSet:
        """The rules in use; raises ``RulesError`` when none could ever be loaded."""
        path = self._path
        if path is None:
            raise RuntimeError("no rules file installed in this process (use_file)")
        current = self._loaded
        if current is not None and current.path == path and monotonic() < current.next_check:
            return current.rules
        with self._lock:
            return self._refresh(path).rules

    def cache_clear(self) -> None:
        """Forget the loaded rules: the next call loads the configured file afresh."""
        with self._lock:
            self._loaded = None

    def _refresh(self, path: Path) -> _Loaded:
        current = self._loaded
        stamp = _stamp(path)  # before reading: a write after this is seen at the next check
        if current is None or current.path != path:
            rules = _load(path)
            loaded = _Loaded(path, rules, stamp, _NOTHING_REFUSED, monotonic() + RECHECK_SECONDS)
            self._loaded = loaded
            return loaded
        current.next_check = monotonic() + RECHECK_SECONDS
        if stamp in (current.stamp, current.refused):
            return current
        try:
            rules = _load(path)
        except RulesError as error:
            current.refused = stamp
            first = error.problems[0] if error.problems else "the file cannot be read"
            log.warning(
                "rules file %s refused (%d problem(s), first: %s); still routing with version %s",
                path,
                len(error.problems),
                first,
                current.rules.version,
            )
            return current
        log.info(
            "rules file %s reloaded: version %s (was %s)",
            path,
            rules.version,
            current.rules.version,
        )
        current.rules, current.stamp, current.refused = rules, stamp, _NOTHING_REFUSED
        return current


get_active_rules = ActiveRules()
