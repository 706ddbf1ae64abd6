"""The councils directory a running hub uses: the configured file, read again when it changes.

A file with problems is refused and logged (``hub councils check`` says what is wrong); until
a valid one is there the hub knows no contacts, brands or confirmations, so an enquirer is told
less, never something unchecked. Checked here against the geography only: its agreement with
the rules is the check's business (a test may route with other rules). ``cache_clear()``
forgets what was read (tests).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from hub.geo import list_authorities
from hub.rules.directory import CouncilDirectory
from hub.rules.directory_loader import read_directory_file

log = logging.getLogger(__name__)

_Key = tuple[str, int, int, int]


class ActiveDirectory:
    """``get_active_directory()``: the configured directory, or None when it has problems."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: _Key | None = None
        self._directory: CouncilDirectory | None = None
        self._path: Path | None = None

    def use_file(self, path: Path) -> None:
        """Use the directory at ``path`` (``HUB_COUNCILS_PATH``, installed by the edge)."""
        self._path = Path(path)

    def __call__(self) -> CouncilDirectory | None:
        path = self._path
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            if key != self._key:
                self._key, self._directory = key, self._read(path)
            return self._directory

    def cache_clear(self) -> None:
        with self._lock:
            self._key, self._directory = None, None

    @staticmethod
    def _read(path: Path) -> CouncilDirectory | None:
        known = {info.code: info.name for info in list_authorities()}
        directory, problems = read_directory_file(path, known)
        if problems or directory is None:
            first = problems[0] if problems else "cannot be read"
            log.warning(
                "councils directory %s refused (%d problem(s), first: %s)",
                path,
                len(problems),
                first,
            )
            return None
        return directory


get_active_directory = ActiveDirectory()
