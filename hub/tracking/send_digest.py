"""The daily ``follow_up.due`` digest: to each council's mailbox, a count and a link.

No personal data: the council follows the link with its token. Sent once a day: the day is
remembered in the same transaction as the events (and the delivery room de-duplicates by
event key as well).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from hub.delivery.events import EventType, emit_event
from hub.delivery.links import api_path
from hub.delivery.subscriber_health import MAILBOXES
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.queries import REFERRAL_STATUSES
from hub.rules.tracking_policy import FollowUpOwner
from hub.tracking.calendar import end_of_day, local_day
from hub.tracking.models import FollowUp, FollowUpStatus
from hub.tracking.queries import get_mark, set_mark

DIGEST_MARK = "follow_up_digest"
_CHUNK = 5000


def send_follow_up_digest(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Emit one digest per council with open follow-ups due by today; {council: count}."""
    now = now or utcnow()
    today = local_day(now)
    with db.transaction() as session:
        last = get_mark(session, DIGEST_MARK)
        if last is not None and local_day(last) >= today:
            return {}
        # The partial index on open follow-ups by due day, then the enquiries by primary key
        # (the holder now), in chunks: no scan of the enquiries however many there are.
        due = session.scalars(
            select(FollowUp.enquiry_id).where(
                FollowUp.status == FollowUpStatus.DUE,
                FollowUp.due_on <= today,
                FollowUp.owner == FollowUpOwner.COUNCIL,
            )
        ).all()
        per_enquiry = Counter(due)
        ids = sorted(per_enquiry)
        totals: Counter[str] = Counter()
        for start in range(0, len(ids), _CHUNK):
            for enquiry_id, code in session.execute(
                select(Enquiry.id, Enquiry.authority_code).where(
                    Enquiry.id.in_(ids[start : start + _CHUNK]),
                    Enquiry.status.in_(REFERRAL_STATUSES),
                )
            ):
                if code:
                    totals[code] += per_enquiry[enquiry_id]
        counts = dict(totals)
        for code in sorted(counts):
            emit_event(
                session,
                EventType.FOLLOW_UP_DUE,
                event_key=f"follow_up.due:{code}:{today.isoformat()}",
                authority_code=code,
                url_path=api_path(
                    "council_tracking.council_follow_ups",
                    status="due",
                    due_before=today.isoformat(),
                ),
                data={"count": counts[code]},
                kinds=MAILBOXES,  # for people: the mailboxes, not the webhooks
            )
        # Remember the day (as its last instant, so an earlier run that day is not repeated).
        set_mark(session, DIGEST_MARK, min(now, end_of_day(today)))
    return counts
