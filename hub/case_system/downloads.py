"""An export as a download: streamed CSV or JSON that no cache keeps (API and page alike)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Response

from hub.case_system.export_columns import COLUMNS
from hub.platform.csv_export import csv_lines


def export_response(rows: Iterator[dict[str, Any]], fmt: str, name: str) -> Response:
    """``rows`` as ``name.csv`` or ``name.json``, written while they are read."""
    if fmt == "csv":
        body: Iterator[str] = csv_lines(COLUMNS, rows)
        mimetype = "text/csv"
    else:
        body = _json_array(rows)
        mimetype = "application/json"
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _json_array(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for n, row in enumerate(rows):
        yield ("," if n else "") + json.dumps(row, ensure_ascii=False)
    yield "]\n"
