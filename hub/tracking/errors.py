"""The tracking room's errors, each with a stable code (rendered as problem+json)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from hub.platform.errors import HubError, NotFoundError


class StageNotAllowedError(HubError):
    """A stage that cannot follow the journey's last one (the body lists those that can)."""

    status = 409
    code = "stage_not_allowed"
    title = "This stage cannot follow the journey's last stage"

    def __init__(self, stage: str, last: str | None, allowed: Sequence[str]) -> None:
        can = ", ".join(allowed) if allowed else "none (the journey has ended)"
        super().__init__(
            f"{stage} cannot follow {last or 'the start of the journey'}; stages that can: {can}.",
            extra={"allowed_stages": list(allowed)},
        )


class FollowUpClosedError(HubError):
    status = 409
    code = "follow_up_closed"
    title = "This follow-up is already done or cancelled"


class StageTimeError(HubError):
    """``occurred_at`` in the future, or before the referral reached this council, the last
    stage or (for the Stage 1 checks) the application; or a written-reasons day out of order."""

    status = 422
    code = "validation_failed"
    title = "Some answers need checking"

    def __init__(
        self,
        message: str,
        *,
        after: datetime | None = None,
        what: str = "",
        field: str = "occurred_at",
    ) -> None:
        super().__init__(message, errors=[{"field": field, "message": message}])
        self.field = field
        self.after = after  # the earliest time allowed (None: the time was in the future)
        self.what = what  # what happened then, in words for a page: "the last stage was recorded"


def follow_up_not_found() -> NotFoundError:
    return NotFoundError("No follow-up with that id is yours.")


class NoApplicationError(HubError):
    """A Stage 1 task asked for before the application is recorded."""

    status = 409
    code = "no_application"
    title = "The application is not recorded yet"


def task_not_found() -> NotFoundError:
    return NotFoundError("This referral has no open task of that kind.")
