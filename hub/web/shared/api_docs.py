"""``/docs``: Swagger UI for the API, served from the swagger-ui-bundle package (no CDN)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from swagger_ui_bundle import swagger_ui_path

# The package's files (swagger-ui-bundle.js, swagger-ui.css, ...) at /docs/static/.
swagger_ui = Blueprint(
    "swagger_ui", __name__, static_folder=swagger_ui_path, static_url_path="/docs/static"
)


@swagger_ui.get("/docs")
def api_docs() -> str:
    """The interactive API documentation, reading /openapi.json."""
    return render_template("docs.html", spec_url=url_for("api-docs.openapi_json"))
