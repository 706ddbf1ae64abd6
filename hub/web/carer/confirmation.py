"""What the confirmation page may tell the enquirer: only what routing has decided.

The facts are ``hub.referrals.read_enquirer_outcome``'s, the same the confirmation e-mail gives;
this module finds the enquiry through the session's receipt, in one read that never waits for
routing (a request thread held while a worker routes is one the API cannot use). While routing
has not decided, the page reloads itself every ``REFRESH_SECONDS`` for ``REFRESH_FOR`` after
the enquiry was sent, and then stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from hub.delivery.confirmation import confirmation_written
from hub.delivery.confirmation_mail import routed_next_steps
from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.read_enquirer_outcome import find_enquirer_outcome
from hub.web.carer.drafts import find_draft

# Routing usually decides well within one interval, so the first reload mostly finds the
# answer; a minute is about 20 reloads, after which the page stops and says where things are.
REFRESH_SECONDS = 3
REFRESH_FOR = timedelta(minutes=1)


class Progress(StrEnum):
    """Where the page stands while it waits for routing (``DECIDED`` once routing has)."""

    DECIDED = "decided"  # routing has decided: the page says what, and never reloads
    CHECKING = "checking"  # not decided yet: the page reloads itself in a few seconds
    PAUSED = "paused"  # not decided, and the person turned reloading off
    STOPPED = "stopped"  # not decided after REFRESH_FOR: stored, no more reloading


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The enquiry a receipt names: the facts it may be told, and since when it waits."""

    outcome: EnquirerOutcome
    emailed: bool  # the confirmation e-mail is on its way (written with the decision)
    sent_at: datetime

    @property
    def next_steps(self) -> list[str]:
        """For a routed enquiry, what happens next: the e-mail's very words."""
        if self.outcome.status is not OutcomeStatus.ROUTED:
            return []
        return routed_next_steps(self.outcome)

    def progress(self, now: datetime, *, refresh_wanted: bool = True) -> Progress:
        """Whether the page should reload itself, bounded by the time since sending."""
        if self.outcome.status is not OutcomeStatus.RECEIVED:
            return Progress.DECIDED
        if now - self.sent_at >= REFRESH_FOR:
            return Progress.STOPPED
        return Progress.CHECKING if refresh_wanted else Progress.PAUSED


def find_confirmation(
    db: Database, token: str | None, *, now: datetime | None = None
) -> Confirmation | None:
    """The confirmation for the enquiry a receipt token names, or None (unknown or expired).

    One read, answered at once: it never waits for routing.
    """
    with db.sessions() as session:
        draft = find_draft(session, token, now=now or utcnow())
        if draft is None or draft.enquiry_id is None:
            return None
        enquiry = session.get(Enquiry, draft.enquiry_id)
        if enquiry is None:
            return None
        return Confirmation(
            outcome=find_enquirer_outcome(session, enquiry),
            emailed=confirmation_written(session, enquiry.id),
            sent_at=draft.submitted_at or draft.updated_at,
        )
