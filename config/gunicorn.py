"""gunicorn settings for the hub's API (``gunicorn -c python:config.gunicorn``).

`hub run` and docker-compose both serve the API with these. Each gunicorn worker is its own
process with its own metrics, so prometheus_client runs in multiprocess mode: every worker
writes its numbers to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds them up. The
directory is emptied when gunicorn starts, and a worker that exits is marked dead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from config.settings import SettingsError, get_settings

# gunicorn's edge: a malformed setting is one line and exit 1, before any worker starts (the
# app factory reads the same settings in each worker).
try:
    settings = get_settings()
except SettingsError as error:
    sys.exit(f"hub: {error}")

# Set before any worker imports prometheus_client: it picks its value store at import time.
MULTIPROC_DIR = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", str((settings.data_dir / "prometheus").resolve())
    )
)

workers = settings.api_workers
threads = settings.api_threads
timeout = 30
graceful_timeout = 20
# What gunicorn refuses itself, before the app runs, as its own small text/html page (it
# cannot answer problem+json for a request it could not parse): a request line over
# limit_request_line (414), more header fields than limit_request_fields or one longer than
# limit_request_field_size (431), and malformed HTTP (400). The app's own limits
# (hub/platform/request_limits.py) sit below these and answer problem+json, so only a
# request past both meets gunicorn's page. Set deliberately, not left to gunicorn's defaults.
# (tests/api/test_request_limits_gunicorn.py holds the app's limits under these.)
limit_request_line = 8190  # gunicorn's maximum
limit_request_fields = 100
limit_request_field_size = 8190
# No runtime control socket (gunicorn 24+): several hubs on one machine would share its path.
control_socket_disable = True


def on_starting(server: Any) -> None:
    """Start from no metrics files: numbers from an earlier run must not add in.

    Only prometheus_client's own ``*.db`` files are removed, whatever the directory is.
    """
    MULTIPROC_DIR.mkdir(parents=True, mode=0o700, exist_ok=True)
    for stale in MULTIPROC_DIR.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Let prometheus_client drop a dead worker's live gauges."""
    # Imported here, in the master, only once a worker exits: the master never imports
    # prometheus_client at start-up, so every worker picks the multiprocess value store.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
