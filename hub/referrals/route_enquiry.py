"""Route an enquiry: resolve its postcode, apply the cluster rules, record the decision.

Everything happens in one transaction whose write is conditional on the enquiry still being
``received``, so a redelivered or duplicated task changes nothing the second time. The hot
path uses prebuilt Core statements: the ORM's unit of work cost more than the decision itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import (
    JSON,
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)

from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.platform.db import Database
from hub.platform.models import EncryptedJSON, UTCDateTime, table_of, utcnow
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName
from hub.referrals.decide import Decision, decide_for
from hub.referrals.models import RoutingDecisionRecord

log = structlog.get_logger(__name__)

_enquiries = table_of(Enquiry)
_outbox = table_of(OutboxMessage)

_LOAD = select(
    _enquiries.c.status,
    _enquiries.c.personal,
    _enquiries.c.preferred_authority_code,
    _enquiries.c.interest,
).where(_enquiries.c.id == bindparam("enquiry_id"))

# The claim: only a still-received enquiry changes, so a second run finds nothing to update.
_CLAIM = (
    update(_enquiries)
    .where(
        _enquiries.c.id == bindparam("enquiry_id"),
        _enquiries.c.status == str(EnquiryStatus.RECEIVED),
    )
    .values(
        status=bindparam("new_status"),
        status_changed_at=bindparam("now"),
        authority_code=bindparam("authority_code"),
        authority_name=bindparam("authority_name"),
        delivery_body=bindparam("delivery_body"),
        cluster=bindparam("cluster"),
        # Bump the row version like the ORM would, so stale council writes are refused.
        row_version=_enquiries.c.row_version + 1,
    )
)

_COMPLETE_OUTBOX = (
    update(_outbox)
    .where(
        _outbox.c.enquiry_id == bindparam("b_enquiry_id"),
        _outbox.c.task_name == str(TaskName.ROUTE_ENQUIRY),
        _outbox.c.completed_at.is_(None),
    )
    .values(completed_at=bindparam("b_now"))
)

_INSERT_DECISION = table_of(RoutingDecisionRecord).insert()
_INSERT_EVENT = table_of(JourneyEvent).insert()


@dataclass(frozen=True, slots=True)
class RouteResult:
    enquiry_id: int
    changed: bool
    status: str


def route_enquiry(db: Database, enquiry_id: int, *, now: datetime | None = None) -> RouteResult:
    """Decide where an enquiry goes, exactly once in effect."""
    now = now or utcnow()
    # Read and decide outside any write transaction: the decision is pure, and every write
    # below is conditional on the enquiry still being received, so a stale read changes nothing.
    with db.autocommit() as conn:
        row = conn.execute(_LOAD, {"enquiry_id": enquiry_id}).first()
        if row is None:
            log.warning("route.enquiry_missing", enquiry_id=enquiry_id)
            return RouteResult(enquiry_id, False, "missing")
        if row.status != EnquiryStatus.RECEIVED:
            conn.execute(_COMPLETE_OUTBOX, {"b_enquiry_id": enquiry_id, "b_now": now})
            return RouteResult(enquiry_id, False, row.status)
    decision = decide_for(
        postcode=(row.personal or {}).get("postcode"),
        preferred_authority=row.preferred_authority_code,
        interest=row.interest,
        at=now,
    )
    if db.engine.dialect.name == "postgresql":
        claimed = _write_in_one_statement(db, enquiry_id, decision, now)
    else:
        claimed = _write_in_transaction(db, enquiry_id, decision, now)
    if not claimed:
        return RouteResult(enquiry_id, False, "already_claimed")
    log.info(
        "route.decided",
        enquiry_id=enquiry_id,
        outcome=decision.status,
        authority=decision.authority_code,
        geography_version=decision.geography_version,
        rules_version=decision.rules_version,
    )
    return RouteResult(enquiry_id, True, decision.status)


def _write_in_transaction(db: Database, enquiry_id: int, decision: Decision, now: datetime) -> bool:
    """Claim, decision, event and outbox in one short write transaction (SQLite)."""
    with db.transaction() as session:
        conn = session.connection()
        claimed = conn.execute(
            _CLAIM,
            {
                "enquiry_id": enquiry_id,
                "new_status": decision.status,
                "now": now,
                "authority_code": decision.authority_code,
                "authority_name": decision.authority_name,
                "delivery_body": decision.delivery_body,
                "cluster": decision.cluster,
            },
        )
        if claimed.rowcount != 1:
            # Another run got here first; roll back so nothing of ours is written.
            session.rollback()
            return False
        _record(conn, enquiry_id, decision, now)
        conn.execute(_COMPLETE_OUTBOX, {"b_enquiry_id": enquiry_id, "b_now": now})
    return True


def _write_in_one_statement(
    db: Database, enquiry_id: int, decision: Decision, now: datetime
) -> bool:
    """PostgreSQL: claim + decision + event + outbox as one statement, in autocommit.

    The claim is a data-modifying CTE; the other writes select from it, so when another run
    claimed first they insert nothing. One statement is atomic, so no BEGIN or COMMIT.
    """
    with db.autocommit() as conn:
        claimed = conn.execute(
            _CLAIM_AND_RECORD, _claim_and_record_params(enquiry_id, decision, now)
        ).scalar_one()
    return bool(claimed == 1)


def _claim_and_record_statement() -> Select[Any]:
    """The PostgreSQL claim-and-record statement, built once with bind parameters."""
    stamp, text = UTCDateTime(), String()

    def param(name: str, type_: Any = text) -> Any:
        return bindparam(f"p_{name}", type_=type_)

    claim = (
        update(_enquiries)
        .where(
            _enquiries.c.id == param("enquiry_id", Integer()),
            _enquiries.c.status == str(EnquiryStatus.RECEIVED),
        )
        .values(
            status=param("status"),
            status_changed_at=param("now", stamp),
            authority_code=param("authority_code"),
            authority_name=param("authority_name"),
            delivery_body=param("delivery_body"),
            cluster=param("cluster"),
            row_version=_enquiries.c.row_version + 1,
        )
        .returning(_enquiries.c.id)
        .cte("claim")
    )
    columns = [
        "enquiry_id",
        "decided_at",
        "decided_by",
        "outcome",
        "authority_code",
        "cluster",
        "reason_code",
        "home_council_code",
        "rules_version",
        "geography_version",
        "detail",
        "explanation",
    ]
    recorded = (
        insert(table_of(RoutingDecisionRecord))
        .from_select(
            columns,
            select(
                claim.c.id,
                param("decided_at", stamp),
                literal("router", text),
                param("outcome"),
                param("d_authority_code"),
                param("d_cluster"),
                param("reason_code"),
                param("home_council_code"),
                param("rules_version"),
                param("geography_version"),
                param("detail", EncryptedJSON()),
                param("explanation", EncryptedJSON()),
            ),
        )
        .cte("recorded")
    )
    event = (
        insert(table_of(JourneyEvent))
        .from_select(
            ["enquiry_id", "event", "at", "actor", "detail"],
            select(
                claim.c.id,
                param("event"),
                param("at", stamp),
                literal("router", text),
                param("event_detail", JSON()),
            ),
        )
        .cte("event")
    )
    finished = (
        update(_outbox)
        .where(
            _outbox.c.enquiry_id.in_(select(claim.c.id)),
            _outbox.c.task_name == str(TaskName.ROUTE_ENQUIRY),
            _outbox.c.completed_at.is_(None),
        )
        .values(completed_at=param("finished_at", stamp))
        .cte("finished")
    )
    return select(func.count()).select_from(claim).add_cte(recorded, event, finished)


_CLAIM_AND_RECORD = _claim_and_record_statement()


def _claim_and_record_params(enquiry_id: int, decision: Decision, now: datetime) -> dict[str, Any]:
    return {
        "p_enquiry_id": enquiry_id,
        "p_status": decision.status,
        "p_now": now,
        "p_authority_code": decision.authority_code,
        "p_authority_name": decision.authority_name,
        "p_delivery_body": decision.delivery_body,
        "p_cluster": decision.cluster,
        "p_decided_at": now,
        "p_outcome": decision.status,
        "p_d_authority_code": decision.authority_code,
        "p_d_cluster": decision.cluster,
        "p_reason_code": decision.reason_code,
        "p_home_council_code": decision.home_council_code,
        "p_rules_version": decision.rules_version,
        "p_geography_version": decision.geography_version,
        "p_detail": decision.detail,
        "p_explanation": decision.explanation,
        "p_event": decision.status,
        "p_at": now,
        "p_event_detail": _event_detail(decision),
        "p_finished_at": now,
    }


def _event_detail(decision: Decision) -> dict[str, Any]:
    return {
        "authority_code": decision.authority_code,
        "reason_code": decision.reason_code,
        "home_council_code": decision.home_council_code,
        "geography_version": decision.geography_version,
        "rules_version": decision.rules_version,
    }


def _record(conn: Connection, enquiry_id: int, decision: Decision, now: datetime) -> None:
    conn.execute(
        _INSERT_DECISION,
        {
            "enquiry_id": enquiry_id,
            "decided_at": now,
            "decided_by": "router",
            "outcome": decision.status,
            "authority_code": decision.authority_code,
            "cluster": decision.cluster,
            "reason_code": decision.reason_code,
            "home_council_code": decision.home_council_code,
            "rules_version": decision.rules_version,
            "geography_version": decision.geography_version,
            "detail": decision.detail,
            "explanation": decision.explanation,
        },
    )
    conn.execute(
        _INSERT_EVENT,
        {
            "enquiry_id": enquiry_id,
            "event": decision.status,
            "at": now,
            "actor": "router",
            "detail": _event_detail(decision),
        },
    )
