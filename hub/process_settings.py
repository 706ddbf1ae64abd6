"""What a process's settings install process-wide: its keys, its rules file, its geography.

Code is handed the Settings its process built (``create_app(settings)``, the worker's Celery
app, the ``hub`` command's ``ctx.obj``, and the Database built from them). Three things cannot
take them as an argument, because they run where no argument reaches: the encrypted column
types and the staff address's blind index (inside SQLAlchemy and model hooks), the rules a
decision is made with, the councils directory the enquirer's words come from, and the
geography a postcode is resolved in (one cache per process,
followed as their files change). Each edge installs them here, once, from its settings.
"""

from __future__ import annotations

from config.settings import Settings
from hub.geo.store import use_geo_dir
from hub.platform.crypto import use_keys
from hub.rules import get_active_rules
from hub.rules.active_directory import get_active_directory

_installed: Settings | None = None


def use_settings(settings: Settings) -> Settings:
    """Install the process-wide parts of ``settings``; return them (for the edge to hand on)."""
    global _installed
    use_keys(settings.encryption_keys, settings.secret_key)
    get_active_rules.use_file(settings.rules_path)
    get_active_directory.use_file(settings.councils_path)
    use_geo_dir(settings.resolved_geo_dir)
    _installed = settings
    return settings


def installed_settings() -> Settings | None:
    """The settings ``use_settings`` installed last (None before any)."""
    return _installed
