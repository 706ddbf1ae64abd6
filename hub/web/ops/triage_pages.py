"""``/ops/triage``: the enquiries a person must decide, one case at a time, and routing by hand.

The list and the case page show no contact details; "See contact details" is a separate
page, audited as a read of personal data. Routing by hand is the API's use case
(``hub.triage.route_by_hand``): the rules still apply, and a refusal says why.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.enquiries.models import EnquiryStatus
from hub.enquiries.references import is_reference
from hub.intake.labels import CONTACT_LABELS, TIME_LABELS
from hub.people.read_repeats import read_operator_repeats
from hub.platform.errors import HubError, NotFoundError
from hub.platform.extensions import get_db
from hub.referrals.decide import authority_name
from hub.referrals.schemas import RouteInSchema
from hub.triage.queue import list_triage
from hub.triage.route_by_hand import route_by_hand
from hub.web.ops.blueprint import bp
from hub.web.ops.contact_details import read_contact_details
from hub.web.ops.read_triage import TriageCase, find_triage_case, triage_cases
from hub.web.staff.session import operator_required, staff_request_context

PAGE_SIZE = 25
OTHER = "other"


@bp.get("/triage")
@operator_required
def triage() -> str:
    """Enquiries waiting in triage, oldest first, a page at a time."""
    cursor = request.args.get("cursor") or None
    try:
        page = list_triage(get_db(), limit=PAGE_SIZE, cursor=cursor)
    except HubError:  # a cursor that was not ours
        abort(404)
    cases = triage_cases(get_db(), page["items"])
    with get_db().transaction() as session:
        add_audit_event(
            session,
            staff_request_context(),
            AuditAction.LIST_TRIAGE,
            AuditOutcome.OK,
            detail={"references": [case.reference for case in cases]},
        )
    return render_template(
        "ops/triage.html", cases=cases, next_cursor=page["next_cursor"], nav="triage"
    )


def _case_or_404(reference: str) -> TriageCase:
    case = find_triage_case(get_db(), reference) if is_reference(reference) else None
    if case is None:
        abort(404)
    return case


def _choices(case: TriageCase) -> list[tuple[str, str]]:
    """The councils offered as radios: the postcode's candidates, then the enquirer's choice."""
    seen: dict[str, str] = {}
    for share in case.candidates:
        seen.setdefault(
            share.code,
            f"{share.name} ({share.share:.0%} of the postcode)" if share.share else share.name,
        )
    if case.preferred is not None:
        seen.setdefault(case.preferred.code, f"{case.preferred.name} (the enquirer's choice)")
    return list(seen.items())


def _render_case(
    case: TriageCase, *, errors: dict[str, str] | None = None, form: Any = None, status: int = 200
) -> tuple[str, int]:
    return (
        render_template(
            "ops/triage_case.html",
            case=case,
            repeats=read_operator_repeats(get_db(), staff_request_context(), case.reference),
            choices=_choices(case),
            in_triage=case.status == EnquiryStatus.TRIAGE,
            errors=errors or {},
            form=form or {},
            nav="triage",
        ),
        status,
    )


@bp.get("/triage/<reference>")
@operator_required
def triage_case(reference: str) -> tuple[str, int]:
    """One case: what is known about where it should go, and the route-by-hand form.

    Audited as a read of the case's decisions, as the API's ``/decisions`` is: the page shows
    the enquirer's district, preference and kind of fostering.
    """
    case = _case_or_404(reference)
    with get_db().transaction() as session:
        add_audit_event(
            session,
            staff_request_context(),
            AuditAction.READ_DECISIONS,
            AuditOutcome.OK,
            reference=case.reference,
        )
    return _render_case(case)


@bp.get("/triage/<reference>/contact")
@operator_required
def contact_details(reference: str) -> str:
    """The enquirer's contact details (audited as a read of personal data)."""
    if not is_reference(reference):
        abort(404)
    try:
        details = read_contact_details(get_db(), staff_request_context(), reference)
    except NotFoundError:
        abort(404)
    return render_template(
        "ops/contact_details.html",
        details=details,
        contact_method=CONTACT_LABELS.get(details.preferred_contact or "", "Not given"),
        best_time=TIME_LABELS.get(details.best_time or "", "Not given"),
        nav="triage",
    )


def _route_errors(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    chosen = form.get("authority", "")
    target = form.get("other_authority", "").strip() if chosen == OTHER else chosen
    try:
        data = RouteInSchema().load({"authority": target, "reason": form.get("reason", "")})
    except ValidationError as exc:
        messages = exc.messages
        assert isinstance(messages, dict)
        errors = {}
        if "authority" in messages:
            errors["other_authority" if chosen == OTHER else "authority"] = (
                "Enter a council's name or GSS code"
                if chosen == OTHER
                else "Choose the council to send the enquiry to"
            )
        if "reason" in messages:
            errors["reason"] = "Say why, in 5 to 500 characters"
        return {}, errors
    return data, {}


@bp.post("/triage/<reference>/route")
@operator_required
def route(reference: str) -> Response | tuple[str, int]:
    """Route the case by hand to the chosen council, with the reason; the rules still apply."""
    case = _case_or_404(reference)
    data, errors = _route_errors(request.form)
    if errors:
        return _render_case(case, errors=errors, form=request.form, status=422)
    try:
        route_by_hand(
            get_db(),
            staff_request_context(),
            reference,
            target=data["authority"],
            reason=data["reason"],
        )
    except NotFoundError:
        abort(404)
    except HubError as exc:
        field = "other_authority" if request.form.get("authority") == OTHER else "authority"
        return _render_case(
            _case_or_404(reference),
            errors={field: exc.detail},
            form=request.form,
            status=exc.status,
        )
    flash(f"{reference} was sent to {authority_name(data['authority'])}.", "success")
    return redirect(url_for("ops_pages.triage"), 303)
