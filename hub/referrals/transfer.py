"""A council transfers a referral to another council, re-routed through the rules.

The rules judge a transfer as they judge an enquirer's preference for the target, and say
so in the sending council's name (``EnquiryFacts.transferred_by``). They may refuse (another
cluster under ``within_cluster``, a paused council, an override): then nothing changes, the
attempt is audited as refused and the caller hears why (422). The reason is free text: it is
kept only in the encrypted decision trace, with which council transferred the referral and
who agreed it (a team member on the staff pages, or the council's system by API token; never
a person's name or address).
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import Caller, RequestContext, SystemActor
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import record_refusal
from hub.enquiries.journey import JourneyEventName
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError, RoutingRefusedError
from hub.referrals.action_result import action_result
from hub.referrals.decide import (
    authority_name,
    decide_for_enquiry,
    require_routed_to,
    with_first_step,
)
from hub.referrals.queries import find_referral, referral_not_found
from hub.referrals.reasons import DecisionReason
from hub.referrals.record_routing import Handover, record_routing

log = structlog.get_logger(__name__)


def transfer_referral(
    db: Database, ctx: RequestContext, reference: str, *, target: str, reason: str
) -> dict[str, Any]:
    """Re-route a referral to ``target`` through the rules; 422 when they refuse."""
    refusal: RoutingRefusedError | None = None
    sender: str | None = None
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                sender = enquiry.authority_code
                try:
                    if target == sender:
                        raise RoutingRefusedError(
                            f"The referral is already with {authority_name(target)}."
                        )
                    decision = decide_for_enquiry(
                        enquiry, ctx.now, preferred_authority=target, transferred_by=sender
                    )
                    require_routed_to(decision, target, "The rules would not send this referral to")
                except RoutingRefusedError as exc:
                    refusal = exc
                else:
                    words = transfer_words(
                        enquiry.authority_name or authority_name(sender or ""),
                        authority_name(target),
                        reason,
                        ctx.caller,
                    )
                    moved = {"from": sender, "to": target}
                    handover = Handover(
                        reason_code=str(DecisionReason.TRANSFERRED),
                        event=JourneyEventName.TRANSFERRED,
                        # One row for the sender, one the receiving council can see.
                        audit=[
                            (AuditAction.TRANSFER_OUT, sender),
                            (AuditAction.TRANSFER_IN, target),
                        ],
                        detail=moved,
                        transferred_from=sender,
                    )
                    record_routing(
                        session,
                        ctx,
                        enquiry,
                        with_first_step(decision, "council_transfer", words),
                        handover,
                    )
                    session.flush()
                    log.info("referral.transferred", reference=enquiry.reference, **moved)
                    return action_result(enquiry, changed=True)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    if refusal is not None:
        record_refusal(
            db,
            ctx,
            AuditAction.TRANSFER_OUT,
            reference,
            outcome=AuditOutcome.REFUSED,
            visible_to=sender,
            detail={"to": target},
        )
        raise refusal
    record_refusal(db, ctx, AuditAction.TRANSFER_OUT, reference)
    raise referral_not_found()


def agreed_by(caller: Caller | SystemActor, council: str) -> str:
    """Who agreed a transfer, by role and team: never a person's name or address."""
    if isinstance(caller, Caller) and caller.user_id is not None:
        return f"a member of {council}'s fostering team, signed in to the staff pages"
    if isinstance(caller, Caller):
        return f"{council}'s case system, with the council's API token"
    return "the hub"


def transfer_words(sender: str, target: str, reason: str, caller: Caller | SystemActor) -> str:
    """The first line of a transfer's trace: which council transferred it, why, who agreed."""
    return (
        f"{sender} transferred this referral to {target}. "
        f"Their reason: \u201c{reason}\u201d. Agreed by {agreed_by(caller, sender)}."
    )
