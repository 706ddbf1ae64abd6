"""The operators' pages' blueprint, and what every one of them shares."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

bp = Blueprint("ops_pages", __name__, url_prefix="/ops")


@bp.app_template_filter("ops_time")
def ops_time(value: datetime | None) -> str:
    """A time as operators read it: 2 Dec 2026, 14:05 UTC."""
    if value is None:
        return "None"
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


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
