"""Running a team: a manager invites, changes the role of and disables their own team's
members; a hub operator invites a council's (first) manager.

Each use case owns its transaction and writes its audit row in it. A refused input (an
address that is not one, already on a team, the last manager) is audited as refused and
raised as ``ValidationFailedError`` naming its field; nothing else is stored. A member of
another team is a 404, audited as denied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.access.caller import Caller, ManagerOnlyError, RequestContext, require_manager
from hub.access.manage_staff import normalise_email
from hub.access.manage_tokens import TokenScopeChoice, UnknownScopeError, resolve_token_scope
from hub.access.models import LinkPurpose, StaffRole, StaffUser, TokenScope
from hub.access.sign_in_links import IssuedLink, add_link
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.geo import find_authority_name
from hub.platform.db import Database
from hub.platform.errors import NotFoundError, ValidationFailedError
from hub.teams.queries import find_member, list_members, lock_active_managers

TEAM_ROLES = (StaffRole.MANAGER, StaffRole.OFFICER)
INVALID_ADDRESS = "Enter an e-mail address in the correct format, like name@council.gov.uk"


@dataclass(frozen=True, slots=True)
class Invitation:
    user_id: int
    email: str
    role: StaffRole
    team: TokenScopeChoice
    link: IssuedLink  # for the invitation e-mail: its secret is never stored

    @property
    def team_name(self) -> str:
        """The team as people call it: Medway, not E06000035."""
        if self.team.scope is TokenScope.AUTHORITY:
            return find_authority_name(self.team.value or "") or (self.team.value or "")
        return self.team.value or ""

    @property
    def invited_as(self) -> str:
        """``a manager for Medway``: for the e-mail and the page's message."""
        who = "a manager" if self.role is StaffRole.MANAGER else "an officer"
        return f"{who} for {self.team_name}"


class _Refused(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _operator(ctx: RequestContext) -> Caller:
    caller = ctx.caller
    if not isinstance(caller, Caller) or caller.scope is not TokenScope.HUB:
        raise ManagerOnlyError("Only a hub operator can invite a council's manager.")
    return caller


def role_from(text: str) -> StaffRole:
    """A team role from a form or a command; ``_Refused`` for anything else."""
    try:
        role = StaffRole(text.strip().lower())
    except ValueError:
        role = None
    if role not in TEAM_ROLES:
        raise _Refused("role", "Choose manager or officer")
    assert role is not None
    return role


def member_item(user: StaffUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "active": user.disabled_at is None,
        "last_signed_in_at": user.last_signed_in_at,
        "created_at": user.created_at,
    }


def _refuse(
    db: Database, ctx: RequestContext, action: AuditAction, refused: _Refused, **detail: Any
) -> ValidationFailedError:
    with db.transaction() as session:
        add_audit_event(
            session, ctx, action, AuditOutcome.REFUSED, detail={"field": refused.field, **detail}
        )
    return ValidationFailedError(
        refused.message, errors=[{"field": refused.field, "message": refused.message}]
    )


def _not_found(
    db: Database, ctx: RequestContext, action: AuditAction, user_id: int
) -> NotFoundError:
    with db.transaction() as session:
        add_audit_event(session, ctx, action, AuditOutcome.DENIED, detail={"user_id": user_id})
    return NotFoundError("Nobody on your team has that id.")


def list_team(db: Database, ctx: RequestContext) -> list[dict[str, Any]]:
    """The caller's team, oldest account first. Audited (the list shows addresses)."""
    caller = require_manager(ctx)
    with db.transaction() as session:
        members = [
            member_item(u) for u in list_members(session, str(caller.scope), caller.scope_value)
        ]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_TEAM,
            AuditOutcome.OK,
            detail={"users": [m["id"] for m in members]},
        )
    return members


def _add_member(
    session: Session, ctx: RequestContext, team: TokenScopeChoice, email: str, role: StaffRole
) -> Invitation:
    address = normalise_email(email)
    if address is None:
        raise _Refused(
            "email", "Enter an e-mail address in the correct format, like name@council.gov.uk"
        )
    user = session.scalars(select(StaffUser).where(StaffUser.with_email(address))).first()
    if user is not None and (user.scope, user.scope_value) != (str(team.scope), team.value):
        raise _Refused(
            "email",
            "This address already has an account with another team. Ask the hub's operators "
            "if it should move to this one.",
        )
    if user is not None and user.disabled_at is None:
        raise _Refused(
            "email",
            f"{address} is already on this team (as {user.role}). Change their role in the "
            "team list instead.",
        )
    if user is None:
        user = StaffUser(email=address, scope=str(team.scope), scope_value=team.value)
        user.created_at = ctx.now
        session.add(user)
    else:  # a disabled member invited again: the account comes back, its old sessions do not
        user.disabled_at = None
    user.role = str(role)
    try:
        session.flush()
    except IntegrityError as exc:  # the same address invited at the same moment
        raise _Refused("email", f"{address} was invited meanwhile: reload the page.") from exc
    link = add_link(session, user, LinkPurpose.INVITE, ctx.now)
    assert link is not None  # invitation links are not rate-limited
    add_audit_event(
        session,
        ctx,
        AuditAction.INVITE_STAFF,
        AuditOutcome.OK,
        visible_to=team.value,
        detail={"user_id": user.id, "role": str(role), "team": team.value},
    )
    return Invitation(user.id, address, role, team, link)


def invite_to_team(db: Database, ctx: RequestContext, email: str, role: str) -> Invitation:
    """A manager invites someone to their own team as manager or officer."""
    caller = require_manager(ctx)
    team = TokenScopeChoice(caller.scope, caller.scope_value)
    try:
        if normalise_email(email) is None:
            raise _Refused("email", INVALID_ADDRESS)
        wanted = role_from(role)
        with db.transaction() as session:
            return _add_member(session, ctx, team, email, wanted)
    except _Refused as refused:
        raise _refuse(db, ctx, AuditAction.INVITE_STAFF, refused) from None


def invite_manager(db: Database, ctx: RequestContext, council: str, email: str) -> Invitation:
    """A hub operator invites a manager for a council or delivery body (code or name)."""
    _operator(ctx)
    try:
        try:
            team = resolve_token_scope(council.strip() or None, hub_operator=False)
        except UnknownScopeError:
            raise _Refused(
                "council",
                "No council or delivery body has that name or code. Enter a council's name "
                "or its code, like Kent or E10000016",
            ) from None
        with db.transaction() as session:
            return _add_member(session, ctx, team, email, StaffRole.MANAGER)
    except _Refused as refused:
        raise _refuse(db, ctx, AuditAction.INVITE_STAFF, refused) from None


def _last_manager_left(session: Session, caller: Caller, member: StaffUser) -> bool:
    managers = lock_active_managers(session, str(caller.scope), caller.scope_value)
    return member.id in managers and len(managers) == 1


def change_member_role(
    db: Database, ctx: RequestContext, user_id: int, role: str
) -> dict[str, Any]:
    """A manager makes one of their team a manager or an officer (never the last manager an
    officer)."""
    caller = require_manager(ctx)
    action = AuditAction.CHANGE_STAFF_ROLE
    try:
        wanted = role_from(role)
        with db.transaction() as session:
            member = find_member(
                session, user_id, str(caller.scope), caller.scope_value, for_update=True
            )
            if member is None:
                found = False
            else:
                found = True
                if member.disabled_at is not None:
                    raise _Refused("role", "This account is disabled: invite them again first.")
                if wanted is StaffRole.OFFICER and _last_manager_left(session, caller, member):
                    raise _Refused(
                        "role",
                        "Your team needs at least one manager: make someone else a manager first.",
                    )
                before = member.role
                member.role = str(wanted)
                add_audit_event(
                    session,
                    ctx,
                    action,
                    AuditOutcome.OK,
                    visible_to=caller.scope_value,
                    detail={"user_id": user_id, "from": before, "to": str(wanted)},
                )
                return member_item(member)
    except _Refused as refused:
        raise _refuse(db, ctx, action, refused, user_id=user_id) from None
    assert not found
    raise _not_found(db, ctx, action, user_id)


def disable_member(db: Database, ctx: RequestContext, user_id: int) -> dict[str, Any]:
    """A manager disables one of their team at once (its sessions end); never the last
    active manager."""
    caller = require_manager(ctx)
    action = AuditAction.DISABLE_STAFF
    try:
        with db.transaction() as session:
            member = find_member(
                session, user_id, str(caller.scope), caller.scope_value, for_update=True
            )
            if member is not None:
                if member.disabled_at is None:
                    if _last_manager_left(session, caller, member):
                        raise _Refused(
                            "member",
                            "Your team needs at least one active manager: make someone else "
                            "a manager before disabling this account.",
                        )
                    member.disabled_at = ctx.now
                    member.sessions_valid_after = ctx.now
                add_audit_event(
                    session,
                    ctx,
                    action,
                    AuditOutcome.OK,
                    visible_to=caller.scope_value,
                    detail={"user_id": user_id},
                )
                return member_item(member)
    except _Refused as refused:
        raise _refuse(db, ctx, action, refused, user_id=user_id) from None
    raise _not_found(db, ctx, action, user_id)
