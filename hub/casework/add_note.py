"""A council adds a free note to a referral it holds.

The text is encrypted at rest and never leaves the referral page and the casework API: the
audit row names the note's id, never its words, and no webhook or e-mail carries it. A
referral outside the caller's scope is answered as not found and audited as denied.
"""

from __future__ import annotations

from typing import Any

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.casework.models import CaseNote
from hub.platform.db import Database
from hub.referrals.queries import find_referral, referral_not_found


def add_case_note(db: Database, ctx: RequestContext, reference: str, text: str) -> dict[str, Any]:
    """Store the note; answer with it."""
    with db.transaction() as session:
        enquiry = find_referral(session, ctx.caller, reference)
        if enquiry is not None:
            note = CaseNote(
                enquiry_id=enquiry.id,
                authority_code=enquiry.authority_code or "",
                written_at=ctx.now,
                actor=ctx.caller.actor,
                text=text,
            )
            session.add(note)
            session.flush()
            add_audit_event(
                session,
                ctx,
                AuditAction.ADD_NOTE,
                AuditOutcome.OK,
                enquiry=enquiry,
                visible_to=enquiry.authority_code,
                detail={"note_id": note.id},
            )
            return note_view(note)
    record_refusal(db, ctx, AuditAction.ADD_NOTE, reference)
    raise referral_not_found()


def note_view(note: CaseNote) -> dict[str, Any]:
    return {"id": note.id, "text": note.text, "written_at": note.written_at, "by": note.actor}
