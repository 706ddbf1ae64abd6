"""``/ops/triage``: the enquiries a person must decide (searched, filtered, sorted by age), one
case at a time, and routing by hand. Closing and reopening are in ``triage_closure_pages``.

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
from hub.platform.errors import HubError, NotFoundError, ValidationFailedError
from hub.platform.extensions import get_db
from hub.referrals.decide import authority_name
from hub.referrals.schemas import RouteInSchema
from hub.rules import OPERATOR_ROUTE_RULE
from hub.triage.close import close_triage_item
from hub.triage.closure_reasons import CLOSURE_WORDS, ENQUIRER_HEARS, TELLS_ENQUIRER, ClosureReason
from hub.triage.queue import (
    TriageFilters,
    TriageSort,
    TriageState,
    list_triage,
    list_triage_sources,
)
from hub.triage.reopen import reopen_triage_item
from hub.triage.route_by_hand import route_by_hand
from hub.web.ops.blueprint import bp
from hub.web.ops.contact_details import read_contact_details
from hub.web.ops.read_triage import REASON_WORDS, TriageCase, find_triage_case, triage_cases
from hub.web.staff.session import operator_required, staff_request_context

PAGE_SIZE = 25
OTHER = "other"


# The filters' choices: why it needs a person (the reason codes in words), how long it waited.
WAITING_CHOICES = (
    ("", "Any time"),
    ("1", "1 day or more"),
    ("3", "3 days or more"),
    ("7", "7 days or more"),
    ("14", "14 days or more"),
)
SORT_WORDS = {
    TriageSort.OLDEST: "Received: oldest first",
    TriageSort.NEWEST: "Received: newest first",
    TriageSort.LONGEST_WAITING: "In the queue: longest first",
    TriageSort.SHORTEST_WAITING: "In the queue: shortest first",
}
# What a search term was read as, in words (hub.enquiries.search_keys.SearchKind).
SEARCH_WORDS = {
    "reference": "reference",
    "email": "e-mail address",
    "phone": "phone number",
    "postcode": "postcode",
    "district": "postcode district",
    "name": "name",
}
STATE_WORDS = {TriageState.WAITING: "Waiting in triage", TriageState.CLOSED: "Closed from triage"}


def _filters(given: Any) -> tuple[TriageFilters, TriageSort, dict[str, str]]:
    """The list's filters from the query string or the search form; unknown values ignored."""
    state = given.get("state", "")
    sort = given.get("sort", "")
    reason = given.get("reason", "")
    waiting = given.get("waiting_days", "")
    values = {
        "state": state if state in set(TriageState) else str(TriageState.WAITING),
        "sort": sort if sort in set(TriageSort) else str(TriageSort.OLDEST),
        "reason": reason if reason in REASON_WORDS else "",
        "source": given.get("source", "").strip()[:100],
        "waiting_days": waiting if waiting in dict(WAITING_CHOICES) else "",
    }
    filters = TriageFilters(
        state=TriageState(values["state"]),
        reason_code=values["reason"] or None,
        source=values["source"] or None,
        waiting_days=int(values["waiting_days"]) if values["waiting_days"] else None,
        q=given.get("q", "").strip() or None,
    )
    return filters, TriageSort(values["sort"]), values


@bp.route("/triage", methods=["GET", "POST"])
@operator_required
def triage() -> str:
    """The queue a page at a time: filters and order in the address, a search posted (a name
    or phone number stays out of the address bar, as on the council's list)."""
    given = request.form if request.method == "POST" else request.args
    filters, sort, values = _filters(given)
    cursor = given.get("cursor") or None
    ctx = staff_request_context()
    search_error = None
    try:
        page = list_triage(
            get_db(), ctx, limit=PAGE_SIZE, cursor=cursor, sort=sort, filters=filters
        )
    except ValidationFailedError as error:
        page, search_error = {"items": [], "next_cursor": None, "kind": None}, error.detail
    except HubError:  # a cursor that was not ours, or of another order
        abort(404)
    cases = triage_cases(get_db(), page["items"])
    if not filters.q:
        with get_db().transaction() as session:
            add_audit_event(
                session,
                ctx,
                AuditAction.LIST_TRIAGE,
                AuditOutcome.OK,
                detail={"references": [case.reference for case in cases]},
            )
    return render_template(
        "ops/triage.html",
        cases=cases,
        next_cursor=page["next_cursor"],
        values=values,
        link_values={name: value for name, value in values.items() if value},
        q=filters.q or "",
        search_words=SEARCH_WORDS.get(page.get("kind") or "", "search"),
        search_error=search_error,
        reasons=REASON_WORDS,
        sources=list_triage_sources(get_db(), filters.state),
        waiting_choices=WAITING_CHOICES,
        sort_words=SORT_WORDS,
        state_words=STATE_WORDS,
        now=ctx.now,
        nav="triage",
    )


def case_or_404(reference: str) -> TriageCase:
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


def render_case(
    case: TriageCase, *, errors: dict[str, str] | None = None, form: Any = None, status: int = 200
) -> tuple[str, int]:
    """The case page (also the closing pages' answer to a form that needs checking)."""
    ctx = staff_request_context()
    repeats = read_operator_repeats(get_db(), ctx, case.reference)
    return (
        render_template(
            "ops/triage_case.html",
            case=case,
            repeats=repeats,
            suggested_duplicate=next(
                (r["reference"] for r in repeats["enquiries"] if r["before"]), ""
            ),
            choices=_choices(case),
            in_triage=case.status == EnquiryStatus.TRIAGE,
            closed=case.status == EnquiryStatus.CLOSED,
            route_rule=OPERATOR_ROUTE_RULE,
            closure_words=CLOSURE_WORDS,
            enquirer_hears=ENQUIRER_HEARS,
            errors=errors or {},
            form=form or {},
            now=ctx.now,
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
    case = case_or_404(reference)
    with get_db().transaction() as session:
        add_audit_event(
            session,
            staff_request_context(),
            AuditAction.READ_DECISIONS,
            AuditOutcome.OK,
            reference=case.reference,
        )
    return render_case(case)


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
    case = case_or_404(reference)
    data, errors = _route_errors(request.form)
    if errors:
        return render_case(case, errors=errors, form=request.form, status=422)
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
        return render_case(
            case_or_404(reference),
            errors={field: exc.detail},
            form=request.form,
            status=exc.status,
        )
    flash(f"{reference} was sent to {authority_name(data['authority'])}.", "success")
    return redirect(url_for("ops_pages.triage"), 303)


def _close_errors(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    reason = form.get("closure_reason", "")
    duplicate_of = form.get("duplicate_of", "").strip().upper()
    if reason not in set(ClosureReason):
        return {}, {"closure_reason": "Choose why the enquiry is closed"}
    if reason != ClosureReason.DUPLICATE:
        return {"reason": ClosureReason(reason), "duplicate_of": None}, {}
    if not is_reference(duplicate_of):
        return {}, {"duplicate_of": "Enter the other enquiry's reference, like FE-7K3M9Q2D"}
    return {"reason": ClosureReason.DUPLICATE, "duplicate_of": duplicate_of}, {}


@bp.post("/triage/<reference>/close")
@operator_required
def close(reference: str) -> Response | tuple[str, int]:
    """Close the case with a reason: it leaves the queue; the enquirer is told where right."""
    case = case_or_404(reference)
    data, errors = _close_errors(request.form)
    if errors:
        return render_case(case, errors=errors, form=request.form, status=422)
    try:
        result = close_triage_item(get_db(), staff_request_context(), reference, **data)
    except NotFoundError:
        abort(404)
    except HubError as exc:
        field = "duplicate_of" if exc.status == 422 else "closure_reason"
        return render_case(
            case_or_404(reference), errors={field: exc.detail}, form=request.form, status=exc.status
        )
    told = (
        " The enquirer is being e-mailed."
        if result["enquirer_emailed"]
        else " The enquirer has no e-mail address, so is not e-mailed."
        if data["reason"] in TELLS_ENQUIRER
        else " Nobody is e-mailed."
    )
    words = CLOSURE_WORDS[data["reason"]].lower()
    flash(f"{reference} was closed: {words}.{told}", "success")
    return redirect(url_for("ops_pages.triage"), 303)


@bp.post("/triage/<reference>/reopen")
@operator_required
def reopen(reference: str) -> Response | tuple[str, int]:
    """Put a closed case back in the queue, so it can be routed (or closed again)."""
    case_or_404(reference)
    try:
        reopen_triage_item(get_db(), staff_request_context(), reference)
    except NotFoundError:
        abort(404)
    except HubError as exc:
        return render_case(case_or_404(reference), errors={"reopen": exc.detail}, status=exc.status)
    flash(f"{reference} is back in triage.", "success")
    return redirect(url_for("ops_pages.triage_case", reference=reference), 303)
