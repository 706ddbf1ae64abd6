"""Free text about an enquiry that rooms above the retention job keep, erased with it.

An officer's note can name anyone, so it is personal data and must go when the enquiry's
retention period ends. The retention job (``hub/tracking/anonymise.py``) cannot import a room
that stands above tracking (the casework room imports tracking), so such a room registers its
columns here, beside its models, and the job erases every registered column of the enquiry in
the transaction that anonymises it. Each registered model has an ``enquiry_id`` column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from hub.platform.models import Base


@dataclass(frozen=True)
class ErasedText:
    model: type[Base]
    column: str
    replacement: Any  # None for a nullable column, "" where the column must hold a value


_REGISTERED: list[ErasedText] = []


def erase_with_the_enquiry(model: type[Base], column: str, replacement: Any = None) -> None:
    """Register ``model.column`` to be replaced by ``replacement`` when an enquiry is anonymised."""
    entry = ErasedText(model, column, replacement)
    if entry not in _REGISTERED:
        _REGISTERED.append(entry)


def erase_personal_text(session: Session, enquiry_id: int) -> None:
    """Erase every registered column of ``enquiry_id``'s rows, in the caller's transaction."""
    for entry in _REGISTERED:
        session.execute(
            update(entry.model)
            .where(entry.model.__table__.c.enquiry_id == enquiry_id)
            .values({entry.column: entry.replacement})
        )
