"""Settings in a test: what a process's edge does with them, for one block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from config.settings import Settings, override_settings
from hub.platform.db import Database
from hub.process_settings import installed_settings, use_settings

# What production needs besides its secrets: the privacy notice's facts (config/settings.py).
PRODUCTION_PRIVACY = {
    "HUB_PRIVACY_CONTROLLERS": "Kent County Council",
    "HUB_PRIVACY_DPO": "Data Protection Officer, dpo@kent.example",
    "HUB_PRIVACY_CONTACT": "dataprotection@kent.example",
}


@contextmanager
def use_test_settings(settings: Settings) -> Iterator[Settings]:
    """Install ``settings`` as an edge would (keys, rules file, geography) and make them what
    ``get_settings()`` returns (for the edges a test starts: ``create_app()``, the ``hub``
    group); afterwards, the settings installed before.
    """
    before = installed_settings()
    with override_settings(settings):
        use_settings(settings)
        try:
            yield settings
        finally:
            if before is not None:
                use_settings(before)


@contextmanager
def db_settings(db: Database, settings: Settings) -> Iterator[Settings]:
    """``db`` hands ``settings`` to the code it is given inside the block, which are also
    installed as an edge would (``use_test_settings``); afterwards, ``db``'s own again."""
    before = db.settings
    db.settings = settings
    try:
        with use_test_settings(settings):
            yield settings
    finally:
        db.settings = before
