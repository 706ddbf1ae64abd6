"""What the confirmation page may tell the enquirer: only what routing has decided.

The facts are ``hub.referrals.enquirer_outcome``'s, the same the confirmation e-mail gives;
this module finds the enquiry through the session's receipt and waits briefly for routing.
"""

from __future__ import annotations

import time

from hub.delivery.confirmation import confirmation_written
from hub.enquiries.models import Enquiry
from hub.enquiries.outcome import EnquirerOutcome, OutcomeStatus
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.enquirer_outcome import find_enquirer_outcome
from hub.web.drafts import find_draft


def find_outcome(db: Database, token: str | None) -> EnquirerOutcome | None:
    """The outcome for the enquiry a receipt token names, or None (unknown or expired)."""
    with db.sessions() as session:
        draft = find_draft(session, token, now=utcnow())
        if draft is None or draft.enquiry_id is None:
            return None
        enquiry = session.get(Enquiry, draft.enquiry_id)
        if enquiry is None:
            return None
        return find_enquirer_outcome(session, enquiry)


def is_emailed(db: Database, token: str | None) -> bool:
    """Whether the enquirer's confirmation e-mail is on its way (written with the decision),
    so the page says so only when it is true."""
    with db.sessions() as session:
        draft = find_draft(session, token, now=utcnow())
        if draft is None or draft.enquiry_id is None:
            return False
        return confirmation_written(session, draft.enquiry_id)


def await_outcome(
    db: Database, token: str | None, *, wait_seconds: float
) -> EnquirerOutcome | None:
    """``find_outcome``, waiting up to ``wait_seconds`` while routing has not decided yet.

    Routing usually takes well under a second; a short wait lets the page tell the truth
    without refreshing itself (a timed refresh fails WCAG 2.2.1). Polls a primary-key read.
    """
    deadline = time.monotonic() + wait_seconds
    outcome = find_outcome(db, token)
    while (
        outcome is not None
        and outcome.status is OutcomeStatus.RECEIVED
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
        outcome = find_outcome(db, token)
    return outcome
