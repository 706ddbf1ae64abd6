"""Reading a team: its members, one member by id within the team, its active managers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.models import StaffRole, StaffUser


def _in_team(scope: str, value: str | None) -> list[object]:
    same_value = (
        StaffUser.scope_value.is_(None) if value is None else StaffUser.scope_value == value
    )
    return [StaffUser.scope == scope, same_value]


def list_members(session: Session, scope: str, value: str | None) -> Sequence[StaffUser]:
    query = select(StaffUser).where(*_in_team(scope, value))  # type: ignore[arg-type]
    return session.scalars(query.order_by(StaffUser.id)).all()


def find_member(
    session: Session, user_id: int, scope: str, value: str | None, *, for_update: bool = False
) -> StaffUser | None:
    """A member of this team by id (locked when ``for_update``); None for anyone else's."""
    query = select(StaffUser).where(StaffUser.id == user_id, *_in_team(scope, value))  # type: ignore[arg-type]
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def lock_active_managers(session: Session, scope: str, value: str | None) -> list[int]:
    """The ids of the team's active managers, locked, so two changes cannot both remove the
    last one."""
    query = (
        select(StaffUser.id)
        .where(
            *_in_team(scope, value),  # type: ignore[arg-type]
            StaffUser.role == str(StaffRole.MANAGER),
            StaffUser.disabled_at.is_(None),
        )
        .order_by(StaffUser.id)
        .with_for_update()
    )
    return list(session.scalars(query))
