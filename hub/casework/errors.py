"""The casework room's errors, each with a stable code (rendered as problem+json)."""

from __future__ import annotations

from hub.platform.errors import HubError, ValidationFailedError


class AlreadyOwnedError(HubError):
    """An officer tried to take a referral someone on the team already owns."""

    status = 409
    code = "already_owned"
    title = "Someone on your team already owns this referral"


class NoResponseNotReadyError(HubError):
    """Closing as "no response" before the contact attempts the rule asks for."""

    status = 422
    code = "no_response_not_ready"
    title = "Not enough contact attempts to close as no response"

    def __init__(self, missing: str) -> None:
        super().__init__(
            f"Still needed before closing as no response: {missing}.",
            errors=[{"field": "attempts", "message": f"Still needed: {missing}."}],
            extra={"missing": missing},
        )


class NoResponseAlreadyRequestedError(HubError):
    status = 409
    code = "no_response_already_requested"
    title = "Closing as no response is already waiting for a manager"


def field_error(field: str, message: str) -> ValidationFailedError:
    """A 422 naming one field (problem+json ``errors``)."""
    return ValidationFailedError(message, errors=[{"field": field, "message": message}])
