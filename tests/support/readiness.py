"""Make a council ready (a staff account that signed in) and confirm its first-contact target
(a copy of the directory with the confirmation written in), for tests of what a carer is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from config.settings import get_settings
from hub.access.models import StaffUser, TokenScope
from hub.platform.db import Database
from hub.platform.models import utcnow


def staff_signed_in(
    db: Database, code: str, *, ago: timedelta = timedelta(days=1), email: str | None = None
) -> int:
    """An active staff account of council ``code`` whose last sign-in was ``ago``; its id."""
    now: datetime = utcnow()
    with db.transaction() as s:
        user = StaffUser(
            email=email or f"duty.{code.lower()}@council.example.gov.uk",
            scope=str(TokenScope.AUTHORITY),
            scope_value=code,
            created_at=now - ago,
            last_signed_in_at=now - ago,
        )
        s.add(user)
        s.flush()
        return int(user.id)


def directory_confirming(tmp_path: Path, code: str, days: int) -> Path:
    """The configured directory with council ``code``'s target of ``days`` confirmed."""
    text = Path(get_settings().councils_path).read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith(f"  - {{code: {code},"))
    name = line.split("name: ", 1)[1].rstrip("}")
    confirmed = (
        f"  - code: {code}\n    name: {name}\n"
        f"    first_contact: {{confirmed: true, working_days: {days}, "
        'source: "Test: the council confirmed it", as_of: "2026-12-01"}'
    )
    path = tmp_path / "councils.yaml"
    path.write_text(text.replace(line, confirmed), encoding="utf-8")
    return path
