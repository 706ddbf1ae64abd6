"""What goes into a routing decision (:class:`EnquiryFacts`) and what comes out of it.

A :class:`RoutingDecision` is a value: it says where the enquiry goes (or why a person must
decide, or where to signpost the enquirer), which rules and geography it was made with, and a
trace of every rule considered. ``to_dict`` gives plain JSON for storage and ``from_dict``
reads it back; ``explain`` gives the reasons in words a council worker can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hub.geo.result import Authority, Candidate
from hub.rules.model import Signpost


class DecisionOutcome(StrEnum):
    """The three things that can happen to an enquiry."""

    ROUTED = "routed"  # sent to one council
    TRIAGE = "triage"  # a person at the hub must decide
    SIGNPOSTED = "signposted"  # outside England: the enquirer is told where to go


class TriageReason(StrEnum):
    """Why a person at the hub must decide (stable codes: reports and dashboards use them)."""

    INVALID_POSTCODE = "invalid_postcode"
    UNKNOWN_POSTCODE = "unknown_postcode"
    NO_SIGNPOST = "no_signpost"
    PARTIAL_POSTCODE_AMBIGUOUS = "partial_postcode_ambiguous"
    UNKNOWN_PREFERRED_AUTHORITY = "unknown_preferred_authority"
    PREFERENCE_NOT_ALLOWED = "preference_not_allowed"
    PREFERENCE_OUTSIDE_CLUSTER = "preference_outside_cluster"
    NO_RULE = "no_rule"
    FALLBACK_UNUSABLE = "fallback_unusable"
    RETURNED_BY_COUNCIL = "returned_by_council"
    CHILD_COUNCIL_UNKNOWN = "child_council_unknown"


@dataclass(frozen=True, slots=True)
class EnquiryFacts:
    """What intake knows about an enquiry that matters for routing (no other personal data).

    ``postcode`` is normalised (``RG1 2AB``, or a partial ``RG1 2``); ``preferred_authority``
    is the GSS code of the council the enquirer asked for, already resolved by intake;
    ``interest`` (for example ``fostering`` or ``short_breaks``) is recorded, not routed on.
    ``operator_choice`` is the council a hub operator chose by hand: it comes before the
    postcode, the overrides and the preference, and pauses and clusters still apply.
    ``transferred_by`` is the council that asks to transfer the referral to
    ``preferred_authority``: the rules judge a transfer as they judge a preference, and the
    trace and the home council's notice then say that council chose, not the enquirer.
    ``home_authority`` is the council the enquirer said they live in when their postcode is
    partial: the home council when the partial postcode is split and it is one of its councils.
    ``connected_person`` marks someone who wants to care for a child they already know: the
    enquiry goes to the child's council, ``child_authority`` as the enquirer named it, else
    the council of the child's postcode (``decide``'s ``child_geo``), unless the child's
    council's cluster sends connected persons elsewhere.
    """

    postcode: str | None = None
    preferred_authority: str | None = None
    interest: str | None = None
    operator_choice: str | None = None
    transferred_by: str | None = None
    home_authority: str | None = None
    connected_person: bool = False
    child_authority: str | None = None


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One rule considered: whether it applied, and why (or why not) in plain words."""

    rule: str
    applied: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "applied": self.applied, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class HomeCouncilNotice:
    """The home council must be consulted when another council takes the enquiry."""

    authority: Authority
    reason: str


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    """The outcome of routing one enquiry, with everything needed to explain it later."""

    outcome: DecisionOutcome
    rules_version: str
    geography_version: str | None
    decided_at: datetime
    trace: tuple[TraceStep, ...]
    authority: Authority | None = None
    delivery_body: str | None = None
    cluster: str | None = None
    service_level_days: int | None = None
    home_council_notice: HomeCouncilNotice | None = None
    triage_reason: TriageReason | None = None
    signpost: Signpost | None = None
    candidates: tuple[Candidate, ...] = ()
    connected_person: bool = False
    # A connected person's child's council, once known (it may not be who receives it).
    child_authority: Authority | None = None

    def headline(self) -> str:
        """One sentence saying what happens to the enquiry."""
        if self.outcome is DecisionOutcome.ROUTED and self.authority is not None:
            text = f"Send to {self.authority.name} ({self.authority.code})"
            if self.delivery_body and self.delivery_body != self.authority.name:
                text += f", whose children's services are run by {self.delivery_body}"
            text += (
                f", through the regional hub {self.cluster}"
                if self.cluster
                else ", directly (no hub)"
            )
            days = self.service_level_days
            if days is not None:
                text += f"; first contact within {days} working day{'s' if days != 1 else ''}"
            return text + "."
        if self.outcome is DecisionOutcome.SIGNPOSTED and self.signpost is not None:
            return f"Signpost the enquirer to {self.signpost.name} ({self.signpost.url})."
        reason = self.triage_reason.value.replace("_", " ") if self.triage_reason else "unknown"
        return f"A person at the hub must decide (reason: {reason})."

    def explain(self) -> str:
        """The whole decision in plain words, one reason per line."""
        lines = [self.headline()]
        if self.connected_person:
            lines.append(
                "A connected person: the enquirer wants to care for a child they already know, "
                "so the enquiry goes to the child's council, not the council where the "
                "enquirer lives (unless the child's hub sends such enquiries elsewhere)."
            )
        if self.home_council_notice is not None:
            home = self.home_council_notice.authority
            lines.append(
                f"The home council, {home.name} ({home.code}), must be told and consulted: "
                f"{self.home_council_notice.reason}"
            )
        if self.signpost is not None:
            lines.append(self.signpost.text)
        if self.candidates:
            shares = ", ".join(f"{c.name} {c.share:.0%}" for c in self.candidates)
            whose = (
                "the child's postcode"
                if self.triage_reason is TriageReason.CHILD_COUNCIL_UNKNOWN
                else "this postcode"
            )
            lines.append(f"Possible councils for {whose}: {shares}.")
        lines.append("How this was decided:")
        for number, step in enumerate(self.trace, start=1):
            mark = "applied" if step.applied else "did not apply"
            lines.append(f"  {number}. {step.rule.replace('_', ' ')} ({mark}): {step.reason}")
        geography = self.geography_version or "unknown"
        lines.append(
            f"Rules version {self.rules_version}; geography version {geography}; "
            f"decided {self.decided_at.isoformat()}."
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data for storage (``from_dict`` reads it back)."""
        notice = self.home_council_notice
        signpost = self.signpost
        return {
            "outcome": self.outcome.value,
            "authority": _authority_dict(self.authority),
            "delivery_body": self.delivery_body,
            "cluster": self.cluster,
            "service_level_days": self.service_level_days,
            "home_council_notice": (
                None
                if notice is None
                else {"authority": _authority_dict(notice.authority), "reason": notice.reason}
            ),
            "triage_reason": self.triage_reason.value if self.triage_reason else None,
            "signpost": (
                None
                if signpost is None
                else {
                    "country": signpost.country,
                    "name": signpost.name,
                    "url": signpost.url,
                    "text": signpost.text,
                }
            ),
            "candidates": [
                {"code": c.code, "name": c.name, "share": c.share} for c in self.candidates
            ],
            "connected_person": self.connected_person,
            "child_authority": _authority_dict(self.child_authority),
            "rules_version": self.rules_version,
            "geography_version": self.geography_version,
            "decided_at": self.decided_at.isoformat(),
            "trace": [step.to_dict() for step in self.trace],
            "explanation": self.explain(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoutingDecision:
        """Rebuild a stored decision (the inverse of ``to_dict``)."""
        notice = data.get("home_council_notice")
        signpost = data.get("signpost")
        authority = data.get("authority")
        return cls(
            outcome=DecisionOutcome(data["outcome"]),
            rules_version=data["rules_version"],
            geography_version=data.get("geography_version"),
            decided_at=datetime.fromisoformat(data["decided_at"]),
            trace=tuple(
                TraceStep(s["rule"], bool(s["applied"]), s["reason"]) for s in data["trace"]
            ),
            authority=Authority(authority["code"], authority["name"]) if authority else None,
            delivery_body=data.get("delivery_body"),
            cluster=data.get("cluster"),
            service_level_days=data.get("service_level_days"),
            home_council_notice=(
                HomeCouncilNotice(
                    Authority(notice["authority"]["code"], notice["authority"]["name"]),
                    notice["reason"],
                )
                if notice
                else None
            ),
            triage_reason=TriageReason(data["triage_reason"])
            if data.get("triage_reason")
            else None,
            signpost=(
                Signpost(signpost["country"], signpost["name"], signpost["url"], signpost["text"])
                if signpost
                else None
            ),
            candidates=tuple(
                Candidate(c["code"], c["name"], float(c["share"]))
                for c in data.get("candidates", [])
            ),
            connected_person=bool(data.get("connected_person")),
            child_authority=(
                Authority(child["code"], child["name"])
                if (child := data.get("child_authority"))
                else None
            ),
        )


def _authority_dict(authority: Authority | None) -> dict[str, str] | None:
    return None if authority is None else {"code": authority.code, "name": authority.name}
