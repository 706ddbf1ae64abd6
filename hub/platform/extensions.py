"""Unbound singletons, bound to the app in create_app()."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, current_app
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from config.settings import Settings
from hub.platform.db import Database
from hub.platform.errors import http_exception_to_problem
from hub.platform.openapi import (
    PROBLEM_SCHEMA_NAME,
    ProblemResponsesPlugin,
    ProblemSchema,
    SchemaConstraintsPlugin,
    problem_content,
)


class ProblemApi(Api):
    """flask-smorest, but its HTTP errors come out (and are documented) as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask | None = None, **kwargs: Any) -> None:
        spec_kwargs = dict(kwargs.pop("spec_kwargs", None) or {})
        spec_kwargs.setdefault(
            "extra_plugins", [ProblemResponsesPlugin(), SchemaConstraintsPlugin()]
        )
        super().__init__(app, spec_kwargs=spec_kwargs, **kwargs)

    def handle_http_exception(self, error: HTTPException) -> Any:
        return http_exception_to_problem(error)

    def _register_responses(self) -> None:
        # flask-smorest's own version documents its error schema as application/json.
        self.spec.components.schema(PROBLEM_SCHEMA_NAME, schema=ProblemSchema)
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = problem_content()
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            {"description": "An error, as problem+json", "content": problem_content()},
            lazy=True,
        )


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
