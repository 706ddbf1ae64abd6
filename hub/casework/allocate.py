"""Giving a referral an owner: an officer takes an unallocated one; a manager assigns or
reassigns it to anyone on a team that holds it (never to another council's staff).

One transaction with the enquiry row locked, like every council action; audited with no
reason (the owner is the detail). A referral outside the caller's scope is answered as not
found and audited as denied.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import Caller, ManagerOnlyError, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.casework.errors import AlreadyOwnedError, field_error, refuse
from hub.casework.models import ReferralOwner
from hub.casework.queries import (
    find_owner,
    find_owner_row,
    find_user,
    latest_decision_id,
    may_own,
)
from hub.changes.record import ChangeKind, record_change
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, HubError
from hub.referrals.queries import find_referral

NOT_ON_THE_TEAM = "Choose someone on a team that holds this referral."


def set_owner(
    db: Database, ctx: RequestContext, reference: str, *, user_id: int | None = None
) -> dict[str, Any]:
    """Make ``user_id`` (the calling staff member when None) the referral's owner."""
    refusal: HubError | None = None
    holder: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                holder = enquiry.authority_code
                current = find_owner(session, enquiry)
                try:
                    target = _target(ctx, user_id, current)
                except HubError as exc:
                    refusal = exc
                else:
                    user = find_user(session, target)
                    if user is None or not may_own(user, holder, ctx.now):
                        refusal = field_error("user_id", NOT_ON_THE_TEAM)
                    else:
                        previous = current.user_id if current is not None else None
                        changed = previous != target
                        if changed:
                            _write_owner(session, enquiry.id, holder, target, ctx)
                            record_change(
                                session,
                                ChangeKind.OWNER_CHANGED,
                                authority_code=holder,
                                enquiry_id=enquiry.id,
                                reference=enquiry.reference,
                                at=ctx.now,
                                detail={"owner_id": target, "previous_owner_id": previous},
                            )
                        add_audit_event(
                            session,
                            ctx,
                            AuditAction.ASSIGN_OWNER,
                            AuditOutcome.OK,
                            enquiry=enquiry,
                            visible_to=holder,
                            detail={
                                "owner": f"user:{target}",
                                "previous": f"user:{previous}" if previous else None,
                                "changed": changed,
                            },
                        )
                        session.flush()
                        return {"reference": reference, "owner_id": target, "changed": changed}
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    refuse(db, ctx, AuditAction.ASSIGN_OWNER, reference, refusal, holder)


def _target(ctx: RequestContext, user_id: int | None, current: ReferralOwner | None) -> int:
    """Whom the caller may make the owner: themself (taking) or, as a manager, anyone."""
    caller = ctx.caller
    assert isinstance(caller, Caller)  # find_referral found nothing for a system actor
    if user_id is None:
        if caller.user_id is None:
            raise field_error("user_id", "An API token cannot own a referral: name a staff user.")
        user_id = caller.user_id
    if caller.can_manage:
        return user_id
    if user_id != caller.user_id:
        raise ManagerOnlyError("Only a manager can assign a referral to someone else.")
    if current is not None and current.user_id != user_id:
        raise AlreadyOwnedError("Ask a manager to reassign it.")
    return user_id


def _write_owner(
    session: Session, enquiry_id: int, holder: str | None, user_id: int, ctx: RequestContext
) -> None:
    row = find_owner_row(session, enquiry_id)
    decision_id = latest_decision_id(session, enquiry_id)
    if row is None:
        row = ReferralOwner(enquiry_id=enquiry_id)
        session.add(row)
    row.user_id = user_id
    row.authority_code = holder or ""
    row.decision_id = decision_id or 0
    row.assigned_at = ctx.now
    row.assigned_by = ctx.caller.actor
