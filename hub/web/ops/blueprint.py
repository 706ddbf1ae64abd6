"""The operators' pages' blueprint, and what every one of them shares."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

from hub.tracking.calendar import ENGLAND

bp = Blueprint("ops_pages", __name__, url_prefix="/ops")


@bp.app_template_filter("ops_time")
def ops_time(value: datetime | None) -> str:
    """A time as operators read it, on England's clock as the council pages are: 2 Dec 2026,
    14:05 GMT (or BST in summer, so a time copied into a call with a council means the same)."""
    if value is None:
        return "None"
    moment = value.astimezone(ENGLAND)
    return f"{moment.day} {moment:%b %Y, %H:%M} {moment:%Z}"


@bp.app_template_filter("ops_age")
def ops_age(seconds: float | None) -> str:
    """How long, in the largest whole unit: 45 seconds, 12 minutes, 3 hours, 2 days."""
    if not seconds or seconds < 1:
        return "none"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "none"


@bp.app_template_filter("ops_share")
def ops_share(value: float | None) -> str:
    return "suppressed" if value is None else f"{value:.0%}"
