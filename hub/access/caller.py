"""Who is acting: a token's or a staff user's caller (council, delivery body, operator) or the
hub itself."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import datetime

from hub.access.models import TokenScope, label_for_scope
from hub.platform.errors import HubError
from hub.platform.models import utcnow


class ManagerOnlyError(HubError):
    """Only a team's manager (or a token with ``council:manage``) may do this."""

    status = 403
    code = "manager_only"
    title = "Only a team's manager can do this"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: an API token or a signed-in staff user, and what it may see.

    Exactly one of ``token_id`` (the API) and ``user_id`` (the staff pages) is set; both kinds
    see the same referrals for the same scope. ``can_manage``: a team's manager, or a token
    with the ``council:manage`` permission (the team, webhooks and mailboxes).
    """

    token_id: int | None
    scope: TokenScope
    scope_value: str | None
    authority_codes: frozenset[str]
    user_id: int | None = None
    can_manage: bool = False

    @property
    def actor(self) -> str:
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"token:{self.token_id}"

    @property
    def scope_label(self) -> str:
        return label_for_scope(self.scope, self.scope_value)


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The hub acting on its own (the router): named in audit rows, sees no inbox."""

    name: str
    authority_codes: frozenset[str] = frozenset()

    @property
    def actor(self) -> str:
        return self.name

    @property
    def scope_label(self) -> str:
        return "system"


ROUTER = SystemActor("router")


def command_line_actor() -> SystemActor:
    """Whoever runs a ``hub`` command, named by the operating system's user (``cli:NAME``)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no such user in the password database (some containers)
        user = "unknown"
    return SystemActor(f"cli:{user}"[:80])


ENQUIRER = SystemActor("enquirer")  # who submitted an enquiry (journey events only)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Who acts, in which request, and when (for the audit log and the journey)."""

    caller: Caller | SystemActor
    request_id: str | None = None
    now: datetime = field(default_factory=utcnow)


def require_manager(ctx: RequestContext) -> Caller:
    """The caller, when it manages a council's or delivery body's team; else ManagerOnlyError."""
    caller = ctx.caller
    if not isinstance(caller, Caller) or not caller.can_manage or caller.scope is TokenScope.HUB:
        raise ManagerOnlyError("Ask your team's manager: only a manager can change this.")
    return caller
