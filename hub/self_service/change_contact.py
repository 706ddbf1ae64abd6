"""The enquirer corrects their phone number or e-mail address, through their link.

Checked as the form checks them (the API's own schema: any possible UK phone number, an
e-mail address of the right shape, a phone still needed by someone who prefers a call or a
text); a field left empty keeps what was given. One transaction, the enquiry row locked: the
encrypted details change, and with them the blind search indexes (``Enquiry._index_personal``);
the council holding the referral, or the operators for one in triage, are told by a
``referral.contact_changed`` event that names which fields changed, never their values; the
change is audited the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.events import EventType, emit_event
from hub.intake.schemas import EnquiryInSchema
from hub.platform.db import Database
from hub.platform.errors import flatten_messages
from hub.self_service.own_enquiry import Holder, LinkProblem, find_own, holder_of, refuse

CONTACT_FIELDS = ("email", "phone")
_SCHEMA = EnquiryInSchema(only=("email", "phone", "preferred_contact"))


@dataclass(frozen=True, slots=True)
class ContactErrors:
    """What is wrong with what was typed, by field (nothing was changed)."""

    errors: list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class ContactChanged:
    changed: tuple[str, ...]  # the fields whose value changed (empty: nothing new)


def _check(current: dict[str, Any], typed: dict[str, str]) -> dict[str, Any] | ContactErrors:
    body: dict[str, Any] = {
        name: (typed.get(name) or "").strip() or current.get(name)
        for name in (*CONTACT_FIELDS, "preferred_contact")
    }
    body = {name: value for name, value in body.items() if value not in (None, "")}
    try:
        return dict(_SCHEMA.load(body))
    except ValidationError as exc:
        return ContactErrors(
            [
                {"field": error["field"], "message": error["message"]}
                for error in flatten_messages(exc.messages)
            ]
        )


def change_contact_details(
    db: Database, token: str, ctx: RequestContext, *, email: str, phone: str
) -> LinkProblem | ContactErrors | ContactChanged:
    """Correct the link's enquiry's e-mail and phone; what changed, the errors, or why not."""
    if not (email or "").strip() and not (phone or "").strip():
        return ContactErrors(
            [{"field": "phone", "message": "Enter a new phone number or e-mail address."}]
        )
    with db.transaction() as session:
        found = find_own(session, token, ctx.now, for_update=True)
        if isinstance(found, LinkProblem):
            refuse(session, ctx, AuditAction.CHANGE_CONTACT_DETAILS, found)
            return found
        enquiry = found.enquiry
        current = dict(enquiry.personal or {})
        checked = _check(current, {"email": email, "phone": phone})
        if isinstance(checked, ContactErrors):
            return checked
        changed = tuple(name for name in CONTACT_FIELDS if checked.get(name) != current.get(name))
        if not changed:
            return ContactChanged(())
        # A new dict, so the model's validator sees it and recomputes the blind indexes.
        enquiry.personal = {**current, **{name: checked.get(name) for name in changed}}
        holder = holder_of(enquiry)
        emit_event(
            session,
            EventType.CONTACT_CHANGED,
            event_key=f"{EventType.CONTACT_CHANGED}:{enquiry.id}:{ctx.now.isoformat()}",
            reference=enquiry.reference,
            authority_code=enquiry.authority_code if holder is Holder.COUNCIL else None,
            to_operators=holder is Holder.HUB,
            data={"changed": ",".join(changed)},
        )
        found.link.last_used_at = ctx.now
        add_audit_event(
            session,
            ctx,
            AuditAction.CHANGE_CONTACT_DETAILS,
            AuditOutcome.OK,
            enquiry=enquiry,
            visible_to=enquiry.authority_code if holder is Holder.COUNCIL else None,
            detail={"changed": list(changed)},
        )
        return ContactChanged(changed)
