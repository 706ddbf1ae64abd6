"""What the enquirer may be told about where their enquiry stands: only what was decided.

One set of facts, recorded with the routing decision (``CouncilPromise``, in the decision's
detail) and written into the confirmation e-mail's delivery row, so the page and the e-mail
say what was true when it was decided. Nothing personal: the reference, the council, its
delivery body and hub (the brand a carer knows), the public phone or web page the directory
gives with a source, a first-contact time only where the council (or its hub) confirmed it,
whether the council could receive the referral then, or where a signposted enquirer should go.
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
    CLOSED = "closed"  # the hub's team closed it from triage: no council will contact them
    WITHDRAWN = "withdrawn"  # the enquirer withdrew it before any council had it


@dataclass(frozen=True, slots=True)
class CouncilPromise:
    """What the enquirer may be told about the council that has their enquiry, read once when
    the decision is made (the directory and the council's readiness then)."""

    hub: str | None = None  # the hub's brand name
    through_hub: bool = False  # the hub handles it (a rules cluster), not only lists the council
    contact_name: str | None = None  # who the phone or web page reaches
    phone: str | None = None
    web: str | None = None
    confirmed_days: int | None = None  # a first-contact target the council or hub confirmed
    council_ready: bool | None = None  # None: not known (decided before readiness was kept)

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> CouncilPromise | None:
        if not isinstance(data, dict):
            return None
        days = data.get("confirmed_days")
        ready = data.get("council_ready")
        return cls(
            hub=data.get("hub"),
            through_hub=bool(data.get("through_hub")),
            contact_name=data.get("contact_name"),
            phone=data.get("phone"),
            web=data.get("web"),
            confirmed_days=days if isinstance(days, int) else None,
            council_ready=ready if isinstance(ready, bool) else None,
        )


@dataclass(frozen=True, slots=True)
class EnquirerOutcome:
    """Where an enquiry stands, in the facts the enquirer is given (nothing personal)."""

    reference: str
    status: OutcomeStatus
    council: str | None = None
    delivery_body: str | None = None
    cluster: str | None = None
    # Only a target the council (or its hub) confirmed: never an assumed one.
    first_contact_days: int | None = None
    phone: str | None = None
    # {"name", "url", "text"} from the rules file, for a signposted enquiry.
    signpost: dict[str, str] | None = None
    hub: str | None = None  # brand name
    through_hub: bool = False
    contact_name: str | None = None
    web: str | None = None
    council_ready: bool | None = None
    # Someone who wants to care for a child they already know; ``child_council`` is the
    # child's council's name when another council's team has the enquiry (a hub's rule, or a
    # pause), else None.
    connected_person: bool = False
    child_council: str | None = None

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
            hub=data.get("hub"),
            through_hub=bool(data.get("through_hub")),
            contact_name=data.get("contact_name"),
            web=data.get("web"),
            council_ready=data.get("council_ready")
            if isinstance(data.get("council_ready"), bool)
            else None,
            connected_person=data.get("connected_person") is True,
            child_council=str(data["child_council"]) if data.get("child_council") else None,
        )
