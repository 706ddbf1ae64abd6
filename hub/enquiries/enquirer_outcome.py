"""What the enquirer may be told about where their enquiry stands: only what was decided.

One set of facts, read by the confirmation page and written into the confirmation e-mail's
delivery row (so the e-mail says what was true when it was decided). Nothing personal: the
reference, the council and its delivery body or cluster, the first-contact target in working
days and the cluster's phone from the rules, or where a signposted enquirer should go instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class OutcomeStatus(StrEnum):
    RECEIVED = "received"  # routing has not decided yet: promise nothing
    ROUTED = "routed"  # a council has it (routed or acknowledged)
    TRIAGE = "triage"  # the hub's team will find the right council
    SIGNPOSTED = "signposted"  # outside England: nobody from this service will contact them


@dataclass(frozen=True, slots=True)
class EnquirerOutcome:
    """Where an enquiry stands, in the facts the enquirer is given (nothing personal)."""

    reference: str
    status: OutcomeStatus
    council: str | None = None
    delivery_body: str | None = None
    cluster: str | None = None
    first_contact_days: int | None = None
    phone: str | None = None
    # {"name", "url", "text"} from the rules file, for a signposted enquiry.
    signpost: dict[str, str] | None = None

    def to_data(self) -> dict[str, Any]:
        """The facts as JSON (a delivery row's payload)."""
        data = asdict(self)
        data["status"] = str(self.status)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> EnquirerOutcome:
        days = data.get("first_contact_days")
        signpost = data.get("signpost")
        return cls(
            reference=str(data["reference"]),
            status=OutcomeStatus(data["status"]),
            council=data.get("council"),
            delivery_body=data.get("delivery_body"),
            cluster=data.get("cluster"),
            first_contact_days=days if isinstance(days, int) else None,
            phone=data.get("phone"),
            signpost={str(k): str(v) for k, v in signpost.items()} if signpost else None,
        )
