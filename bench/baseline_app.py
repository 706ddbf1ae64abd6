"""The intake benchmark's baseline: bare Flask, the same marshmallow validation, one insert."""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask, request
from marshmallow import ValidationError
from sqlalchemy import Column, Integer, MetaData, Table, Text

from hub.intake.schemas import EnquiryInSchema
from hub.platform.db import make_engine

metadata = MetaData()
rows = Table(
    "baseline_enquiries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", Text, nullable=False),
)


def create_baseline_app() -> Flask:
    # The table is created by bench/intake.py before gunicorn starts: two workers creating it
    # at once race on PostgreSQL's catalogue.
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    schema = EnquiryInSchema()
    app = Flask(__name__)

    @app.post("/v1/enquiries")
    def submit() -> Any:
        try:
            data = schema.load(request.get_json())
        except ValidationError as exc:
            return {"errors": exc.messages}, 422
        with engine.begin() as conn:
            conn.execute(rows.insert().values(body=json.dumps(data, default=str)))
        return {"status": "received"}, 202

    return app
