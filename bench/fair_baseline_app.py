"""The intake benchmark's fair baseline: what any correct intake must do, and nothing more.

Bare Flask, the hub's marshmallow schema, one INSERT of the enquiry row (committed), then one
Celery publish by task name with only the row's id, to the same Redis broker the hub uses, with
the hub's publisher settings (``celery_config``), ``retry=False`` and the JSON serializer.
"""

from __future__ import annotations

import json
import os
from typing import Any

from celery import Celery
from flask import Flask, request
from marshmallow import ValidationError
from sqlalchemy import Column, Integer, Table, Text

from bench.baseline_app import metadata
from config.settings import get_settings
from hub.intake.schemas import EnquiryInSchema
from hub.platform.broker import celery_config
from hub.platform.db import make_engine
from hub.platform.queues import TaskName

# Created by bench/intake.py with the bare baseline's table (same metadata), before gunicorn.
fair_rows = Table(
    "fair_baseline_enquiries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", Text, nullable=False),
)
_INSERT = fair_rows.insert().returning(fair_rows.c.id)


def create_fair_baseline_app() -> Flask:
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    settings = get_settings()
    sender = Celery("bench-fair-publisher", set_as_current=False)
    sender.conf.update(celery_config(settings))  # json serializer, the hub's task routes
    sender.conf.broker_url = settings.redis_url
    task = str(TaskName.ROUTE_ENQUIRY)  # routed to the same queue as the hub's publish
    schema = EnquiryInSchema()
    app = Flask(__name__)

    @app.post("/v1/enquiries")
    def submit() -> Any:
        try:
            data = schema.load(request.get_json())
        except ValidationError as exc:
            return {"errors": exc.messages}, 422
        with engine.begin() as conn:
            row_id = conn.execute(_INSERT, {"body": json.dumps(data, default=str)}).scalar_one()
        # After the commit, as the hub does; a broker failure is a 500 here (counted as not
        # accepted), where the hub would answer 202 and leave the row to its sweeper.
        sender.send_task(task, args=[row_id], retry=False, serializer="json")
        return {"status": "received"}, 202

    return app
