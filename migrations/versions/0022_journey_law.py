"""the journey as the regulations and Ofsted count it

Revision ID: 0022_journey_law
Revises: 0021_allocation_contact_log
Create Date: 2026-12-03 16:00:00

- ``journey_stages`` gains ``ofsted_code`` (Ofsted's AW0..AW5 for a withdrawal, the leaving
  reason for a deregistration, stored beside the hub's finer reason) and the written reasons
  of a stop or refusal (``written_reasons_sent_on``, ``written_reasons_not_sent``).
- Two reason codes are renamed (``communication_or_delays`` -> ``assessment_delays_or_
  communication``, ``moved_to_an_agency`` -> ``moved_to_another_fostering_service``), in the
  stages and in deregistered follow-ups' outcome details; stored rows get their Ofsted code.
- Two progress stages are added (``stage_one_checks_received`` after the application,
  ``adm_decision`` after panel): a journey's stored position moves with them (stage one and
  later +1, approved +2).

The maps are frozen here as they were at this revision (``hub/tracking/ofsted_reasons.py`` is
the living one). Downgrade renames the codes back, moves the positions back, rewrites the new
stages to the nearest old one (checks received -> application, decision -> panel, brief
report -> stage_two, refused -> not_progressed with panel_not_recommended) and drops the
columns: that much of the new detail is lost.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_journey_law"
down_revision: str | None = "0021_allocation_contact_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {
    ("withdrawn", "communication_or_delays"): "assessment_delays_or_communication",
    ("deregistered", "moved_to_an_agency"): "moved_to_another_fostering_service",
}
WITHDRAWAL_TO_OFSTED = {
    "fostering_not_as_expected": "AW1",
    "impact_on_own_family": "AW1",
    "assessment_not_as_expected": "AW2",
    "assessment_delays_or_communication": "AW2",
    "household_change": "AW3",
    "health": "AW3",
    "finances": "AW4",
    "allegation_risk": "AW5",
    "timing": "AW0",
    "chose_another_fostering_service": "AW0",
    "not_eligible": "AW0",
    "no_response": "AW0",
    "other": "AW0",
}
DEREGISTRATION_TO_OFSTED = {
    "retirement": "retirement",
    "family_circumstances": "personal_circumstances",
    "health": "personal_circumstances",
    "finances": "personal_circumstances",
    "moved_to_another_fostering_service": "moved_to_another_fostering_service",
    "allegation": "allegations",
    "adoption_or_special_guardianship": "child_stayed_adoption_or_special_guardianship",
    "dissatisfied_with_the_service": "dissatisfied_with_the_service",
    "lack_of_support": "dissatisfied_with_the_service",
    "lack_of_respect_from_professionals": "dissatisfied_with_the_service",
    "burnout": "personal_circumstances",
    "other": "other",
}
OLD_STAGE = {
    "stage_one_checks_received": "application",
    "adm_decision": "panel",
    "brief_report": "stage_two",
    "refused": "not_progressed",
}

stages = sa.table(
    "journey_stages",
    sa.column("stage", sa.String),
    sa.column("reason", sa.String),
    sa.column("ofsted_code", sa.String),
)
journeys = sa.table("journeys", sa.column("stage", sa.String), sa.column("position", sa.Integer))
follow_ups = sa.table(
    "follow_ups",
    sa.column("id", sa.BigInteger),
    sa.column("outcome", sa.String),
    sa.column("outcome_detail", sa.JSON),
)


def _rename_detail(old: str, new: str) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(follow_ups.c.id, follow_ups.c.outcome_detail).where(
            follow_ups.c.outcome == "deregistered"
        )
    ).all()
    for row_id, detail in rows:
        value = json.loads(detail) if isinstance(detail, str) else dict(detail or {})
        if value.get("reason") == old:
            value["reason"] = new
            bind.execute(
                sa.update(follow_ups).where(follow_ups.c.id == row_id).values(outcome_detail=value)
            )


def upgrade() -> None:
    with op.batch_alter_table("journey_stages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ofsted_code", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("written_reasons_sent_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("written_reasons_not_sent", sa.String(length=40), nullable=True)
        )
    for (stage, old), new in RENAMED.items():
        op.execute(
            sa.update(stages)
            .where(stages.c.stage == stage, stages.c.reason == old)
            .values(reason=new)
        )
        if stage == "deregistered":
            _rename_detail(old, new)
    for stage, table in (
        ("withdrawn", WITHDRAWAL_TO_OFSTED),
        ("deregistered", DEREGISTRATION_TO_OFSTED),
    ):
        for reason, code in table.items():
            op.execute(
                sa.update(stages)
                .where(stages.c.stage == stage, stages.c.reason == reason)
                .values(ofsted_code=code)
            )
    op.execute(
        sa.update(journeys).values(
            position=sa.case(
                (journeys.c.position >= 8, journeys.c.position + 2),
                (journeys.c.position >= 5, journeys.c.position + 1),
                else_=journeys.c.position,
            )
        )
    )


def downgrade() -> None:
    op.execute(
        sa.update(journeys).values(
            position=sa.case(
                (journeys.c.position >= 9, journeys.c.position - 2),
                (journeys.c.position >= 5, journeys.c.position - 1),
                else_=journeys.c.position,
            )
        )
    )
    for new, old in OLD_STAGE.items():
        op.execute(sa.update(journeys).where(journeys.c.stage == new).values(stage=old))
        values: dict[str, str] = {"stage": old}
        if new == "refused":
            values["reason"] = "panel_not_recommended"
        op.execute(sa.update(stages).where(stages.c.stage == new).values(**values))
    for (stage, old), new in RENAMED.items():
        op.execute(
            sa.update(stages)
            .where(stages.c.stage == stage, stages.c.reason == new)
            .values(reason=old)
        )
        if stage == "deregistered":
            _rename_detail(new, old)
    with op.batch_alter_table("journey_stages", schema=None) as batch_op:
        batch_op.drop_column("written_reasons_not_sent")
        batch_op.drop_column("written_reasons_sent_on")
        batch_op.drop_column("ofsted_code")
