"""Migration 0022: stored reasons get Ofsted's code, renamed codes move, positions follow the
new stages; and the downgrade puts the old codes and positions back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from config.settings import Settings
from hub.platform.db import make_engine
from hub.platform.migrate import alembic_config, upgrade
from tests.support.backends import backend_name, postgres_database

AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
# (enquiry id, journey stage, stored position at 0020, (stage, reason) rows)
JOURNEYS: list[tuple[int, str, int, list[tuple[str, str | None]]]] = [
    (1, "withdrawn", 4, [("application", None), ("withdrawn", "communication_or_delays")]),
    (2, "withdrawn", 1, [("withdrawn", "finances")]),
    (3, "stage_one", 5, [("stage_one", None)]),
    (4, "panel", 7, [("panel", None)]),
    (5, "deregistered", 8, [("approved", None), ("deregistered", "moved_to_an_agency")]),
]


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


def _filler(column: Any, n: int) -> Any:
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return n
    if isinstance(kind, sa.DateTime):
        return AT
    if isinstance(kind, sa.Date):
        return AT.date()
    return f"{column['name'][:4]}{n}"


@pytest.fixture
def at_0020(scratch_url: str, settings: Settings) -> Iterator[sa.Engine]:
    upgrade(scratch_url, "0021_allocation_contact_log")
    engine = make_engine(scratch_url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["enquiries", "journeys", "journey_stages", "follow_ups"])
    enquiries = meta.tables["enquiries"]
    required = [
        c
        for c in sa.inspect(engine).get_columns("enquiries")
        if not c["nullable"] and c.get("default") is None and c["name"] != "id"
    ]
    with engine.begin() as conn:
        for enquiry_id, stage, position, rows in JOURNEYS:
            values = {c["name"]: _filler(c, enquiry_id) for c in required}
            conn.execute(enquiries.insert().values(id=enquiry_id, **values))
            conn.execute(
                meta.tables["journeys"]
                .insert()
                .values(
                    enquiry_id=enquiry_id,
                    stage=stage,
                    position=position,
                    stage_at=AT,
                    changed_at=AT,
                )
            )
            for row_stage, reason in rows:
                conn.execute(
                    meta.tables["journey_stages"]
                    .insert()
                    .values(
                        enquiry_id=enquiry_id,
                        stage=row_stage,
                        occurred_at=AT,
                        recorded_at=AT,
                        actor="test",
                        reason=reason,
                    )
                )
        conn.execute(
            meta.tables["follow_ups"]
            .insert()
            .values(
                enquiry_id=5,
                kind="retention_check_in",
                occurrence=1,
                due_on=date(2026, 2, 5),
                owner="council",
                status="done",
                needs_consent=False,
                created_at=AT,
                outcome="deregistered",
                outcome_detail={"reason": "moved_to_an_agency"},
            )
        )
    yield engine
    engine.dispose()


def _stages(engine: sa.Engine) -> set[tuple[int, str, str | None, str | None]]:
    with engine.connect() as conn:
        return {
            (row[0], row[1], row[2], row[3])
            for row in conn.execute(
                sa.text("SELECT enquiry_id, stage, reason, ofsted_code FROM journey_stages")
            )
            if row[2] is not None
        }


def _positions(engine: sa.Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT enquiry_id, position FROM journeys")).all())


def _detail(engine: sa.Engine) -> Any:
    with engine.connect() as conn:
        meta = sa.MetaData()
        follow_ups = sa.Table("follow_ups", meta, autoload_with=conn)
        return conn.execute(sa.select(follow_ups.c.outcome_detail)).scalar_one()


def test_stored_reasons_get_their_ofsted_code_and_renamed_codes_move(
    scratch_url: str, at_0020: sa.Engine
) -> None:
    upgrade(scratch_url, "0022_journey_law")
    assert _stages(at_0020) == {
        (1, "withdrawn", "assessment_delays_or_communication", "AW2"),
        (2, "withdrawn", "finances", "AW4"),
        (
            5,
            "deregistered",
            "moved_to_another_fostering_service",
            "moved_to_another_fostering_service",
        ),
    }
    detail = _detail(at_0020)
    assert "moved_to_another_fostering_service" in str(detail)
    # Stage one (5) and stage two move up one; panel (7) one; approved (8) two.
    assert _positions(at_0020) == {1: 4, 2: 1, 3: 6, 4: 8, 5: 10}


def test_the_downgrade_puts_the_old_codes_and_positions_back(
    scratch_url: str, at_0020: sa.Engine
) -> None:
    upgrade(scratch_url, "0022_journey_law")
    command.downgrade(alembic_config(scratch_url), "0021_allocation_contact_log")
    with at_0020.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("journey_stages")}
        reasons = {
            (row[0], row[1])
            for row in conn.execute(sa.text("SELECT enquiry_id, reason FROM journey_stages"))
            if row[1] is not None
        }
    assert "ofsted_code" not in columns and "written_reasons_sent_on" not in columns
    assert reasons == {(1, "communication_or_delays"), (2, "finances"), (5, "moved_to_an_agency")}
    assert "moved_to_an_agency" in str(_detail(at_0020))
    assert _positions(at_0020) == {1: 4, 2: 1, 3: 5, 4: 7, 5: 8}
