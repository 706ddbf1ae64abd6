"""What follows a referral routed to a council that is not ready, in the routing transaction.

Operators are told at once (a ``council.not_ready`` event to their subscriptions; the
dashboard, the list page and the gauge read the same state), the first-contact clock runs as
for any council (``record_routing`` opens it), and when an operator has put the council's
first manager's address on file, an invitation is queued: at most one a day per council,
claimed by a conditional update so two routings at once queue one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm import Session

from hub.councils.models import FirstManagerAddress
from hub.delivery.events import EventType, emit_event
from hub.platform.outbox import add_outbox_message
from hub.platform.queues import TaskName

# An invitation is sent again at most this often while the council stays not ready.
INVITE_AGAIN_AFTER = timedelta(days=1)

# The operators' page listing referrals held by councils that are not ready.
NOT_READY_PATH = "/ops/councils/not-ready"


def note_not_ready_referral(
    session: Session, *, decision_id: int, reference: str, authority_code: str, now: datetime
) -> bool:
    """Tell operators, and queue the first manager's invitation when due; True if queued."""
    emit_event(
        session,
        EventType.COUNCIL_NOT_READY,
        event_key=f"{EventType.COUNCIL_NOT_READY}:{decision_id}",
        reference=reference,
        authority_code=authority_code,
        to_operators=True,
        url_path=NOT_READY_PATH,
    )
    result = session.execute(
        update(FirstManagerAddress)
        .where(
            FirstManagerAddress.authority_code == authority_code,
            or_(
                FirstManagerAddress.invited_at.is_(None),
                FirstManagerAddress.invited_at <= now - INVITE_AGAIN_AFTER,
            ),
        )
        .values(invited_at=now)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        return False
    add_outbox_message(
        session,
        TaskName.INVITE_FIRST_MANAGER,
        decision_id,
        f"{TaskName.INVITE_FIRST_MANAGER}:{authority_code}:{now.isoformat()}",
        at=now,
    )
    return True
