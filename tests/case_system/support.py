"""Helpers for the case system tests: the export, changes and import calls."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask.testing import FlaskClient

from tests.support.council import bearer


def export_one(client: FlaskClient, token: str, reference: str, fmt: str = "csv") -> Any:
    return client.post(
        f"/v1/council/referrals/{reference}/export", headers=bearer(token), json={"format": fmt}
    )


def export_list(client: FlaskClient, token: str, **body: Any) -> Any:
    return client.post("/v1/council/exports", headers=bearer(token), json=body)


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def changes(client: FlaskClient, token: str, **query: Any) -> Any:
    return client.get("/v1/council/changes", headers=bearer(token), query_string=query)


def outcomes_file(*rows: tuple[str, ...], header: str = "reference,stage,date,reason") -> bytes:
    lines = [header, *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def send_file(client: FlaskClient, token: str, data: bytes, *, apply: bool) -> Any:
    path = "/v1/council/imports" if apply else "/v1/council/imports/preview"
    return client.post(path, headers={**bearer(token), "Content-Type": "text/csv"}, data=data)
