"""The API's flask-smorest Blueprint: its arguments come from the body the JSON guard parsed."""

from __future__ import annotations

import flask_smorest

from hub.platform.json_body import GuardedJsonParser


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint whose ``arguments`` read the guard's parsed body."""

    ARGUMENTS_PARSER = GuardedJsonParser()
