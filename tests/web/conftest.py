"""The web tests' app."""

from __future__ import annotations

import pytest
from flask import Flask

from config.settings import Settings
from hub.app import create_app


@pytest.fixture
def app(db, geography: str, settings: Settings) -> Flask:
    app = create_app(settings, db=db)
    app.config["TESTING"] = True
    return app
