"""Shared by the council inbox, triage and access tests: councils, tokens, routed referrals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from hub.access.manage_tokens import resolve_token_scope
from hub.access.models import MANAGE_PERMISSION
from hub.audit.models import AuditEvent
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.route_enquiry import route_enquiry
from tests.access.factories import ApiTokenFactory, bearer
from tests.intake.factories import enquiry_body

KENT = "E10000016"  # ME14 1XQ
MEDWAY = "E06000035"  # ME4 4TR, same cluster as Kent
KINGSTON = "E09000021"  # KT1 1EU, Achieving for Children
RICHMOND = "E09000027"  # TW9 1DN, Achieving for Children
BIRMINGHAM = "E08000025"  # B1 1AA, in no cluster
AFC = "Achieving for Children"

__all__ = [
    "AFC",
    "BIRMINGHAM",
    "KENT",
    "KINGSTON",
    "MEDWAY",
    "RICHMOND",
    "audit_rows",
    "bearer",
    "enquiry_id_of",
    "get_enquiry",
    "routed",
    "submitted",
    "token_for",
]


def token_for(
    db: Database, target: str | None = None, *, hub: bool = False, manage: bool = False
) -> str:
    """A stored token for a council or delivery body (code or name), or a hub operator.

    ``manage``: with the ``council:manage`` permission. It lasts five years (the longest
    `--expires-in` allows), so tests that travel a year or more ahead (follow-ups,
    retention) can still call the API with it.
    """
    choice = resolve_token_scope(target, hub_operator=hub)
    issued = ApiTokenFactory(
        db=db,
        scope=choice.scope,
        scope_value=choice.value,
        permissions=[MANAGE_PERMISSION] if manage else [],
        expires_at=utcnow() + timedelta(days=5 * 365),
    )
    return issued.token


def submitted(client: FlaskClient, **overrides: Any) -> str:
    response = client.post("/v1/enquiries", json=enquiry_body(**overrides))
    assert response.status_code == 202, response.get_json()
    reference: str = response.get_json()["reference"]
    return reference


def enquiry_id_of(db: Database, reference: str) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(Enquiry.id).where(Enquiry.reference == reference)) or 0)


def routed(client: FlaskClient, db: Database, **overrides: Any) -> str:
    """Submit an enquiry and route it (ME14 1XQ goes to Kent unless overridden)."""
    reference = submitted(client, **overrides)
    route_enquiry(db, enquiry_id_of(db, reference))
    return reference


def get_enquiry(db: Database, reference: str) -> Enquiry:
    with db.sessions() as s:
        return s.scalars(select(Enquiry).where(Enquiry.reference == reference)).one()


def audit_rows(db: Database, **where: Any) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    with db.sessions() as s:
        return list(s.scalars(query))
