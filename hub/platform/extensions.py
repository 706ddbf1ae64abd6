"""Unbound singletons, bound to the app in create_app()."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from config.settings import Settings
from hub.platform.db import Database
from hub.platform.errors import http_exception_to_problem


class ProblemApi(Api):
    """flask-smorest, but its HTTP errors come out as problem+json like every other error."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        return http_exception_to_problem(error)


def get_db(app: Flask | None = None) -> Database:
    """The request's database (bound in create_app)."""
    db = (app or current_app).extensions["hub_db"]
    assert isinstance(db, Database)
    return db


def app_settings() -> Settings:
    """The settings the current app was built with."""
    settings = current_app.config["HUB_SETTINGS"]
    assert isinstance(settings, Settings)
    return settings


def intake_rate_limit() -> str:
    """The per-address limit on enquiry intake (API and form share it)."""
    return app_settings().intake_rate_limit
