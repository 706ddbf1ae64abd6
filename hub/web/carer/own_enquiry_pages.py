"""The enquirer's own page, opened from the link in their confirmation e-mail.

``/your-enquiry/link/<token>`` keeps the signed token in the session and sends the browser on
to ``/your-enquiry``, so the token leaves the address bar and the history at once. The page
lets the person correct their phone or e-mail, ask not to be kept in touch, and withdraw the
enquiry (each a form with CSRF, answered Post/Redirect/Get); it is thin over
``hub.self_service``'s use cases, which check the link each time. A link that does not open
explains why, kindly. Nothing here is cached (``no-store``), and every route is rate-limited.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from hub.intake.labels import CONTACT_LABELS
from hub.platform.extensions import get_db
from hub.platform.rate_limit import limiter
from hub.self_service.change_contact import ContactErrors, change_contact_details
from hub.self_service.own_enquiry import LinkProblem, enquirer_context, read_own_enquiry
from hub.self_service.withdraw import OFFERED_REASONS, withdraw_enquiry
from hub.self_service.withdraw_consent import withdraw_keep_in_touch
from hub.tracking.ofsted_reasons import WithdrawalReason

bp = Blueprint("own_enquiry", __name__)

TOKEN = "own_enquiry"  # noqa: S105 (a session key: the token of the link last opened)
DONE = "own_enquiry_done"  # session key: what the last form did (for the success banner)
# A person uses a handful of requests; a guesser gets a few a minute (a guess also needs the
# hub's secret to sign it).
OWN_ENQUIRY_RATE_LIMIT = "30/minute;200/hour"

REASON_LABELS: dict[str, str] = {
    WithdrawalReason.TIMING: "It is not the right time for me",
    WithdrawalReason.FOSTERING_NOT_AS_EXPECTED: "Fostering is not what I expected",
    WithdrawalReason.HOUSEHOLD_CHANGE: "My household's circumstances have changed",
    WithdrawalReason.HEALTH: "Health reasons",
    WithdrawalReason.FINANCES: "Money reasons",
    WithdrawalReason.CHOSE_ANOTHER_SERVICE: "I am going to foster with another service",
    WithdrawalReason.OTHER: "Another reason, or I would rather not say",
}
assert set(REASON_LABELS) == set(OFFERED_REASONS)

# What a link that does not open says (heading, paragraphs) and the status it answers with
# (a withdrawn enquiry's link opens its page, which says so).
PROBLEMS: dict[LinkProblem, tuple[int, str, tuple[str, ...]]] = {
    LinkProblem.TAMPERED: (
        404,
        "This link does not work",
        (
            "The link may have been cut short or changed when it was copied. Open it again "
            "from the e-mail we sent you, or copy the whole link.",
        ),
    ),
    LinkProblem.EXPIRED: (
        410,
        "This link has expired",
        (
            "The link in your confirmation e-mail works for a limited time, and that time has "
            "passed. Your enquiry is not affected.",
            "To withdraw your enquiry or change your details, contact the fostering team that "
            "has it and give your reference from the e-mail.",
        ),
    ),
    LinkProblem.ANONYMISED: (
        410,
        "We no longer hold this enquiry",
        (
            "Your details were deleted at the end of the time we keep enquiries, so there is "
            "nothing more to change. If you are still thinking about fostering, you can send "
            "a new enquiry.",
        ),
    ),
    LinkProblem.CLOSED: (
        410,
        "This enquiry is closed",
        (
            "Our team at the fostering recruitment hub closed this enquiry, so there is nothing "
            "more to change. If we closed it because you had already sent us an enquiry, use "
            "the link in the e-mail about that one.",
            "If you are thinking about fostering, you can send a new enquiry at any time.",
        ),
    ),
    LinkProblem.MOVED_ON: (
        409,
        "Your enquiry has moved on",
        (
            "Your enquiry has gone further than this page can change. Contact the fostering "
            "team you are talking to and give your reference.",
        ),
    ),
}


@bp.after_request
def _no_store(response: Response) -> Response:
    # The page names the person's reference and where their enquiry is: never kept by the
    # browser or a cache (a shared or library computer).
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _ctx() -> Any:
    return enquirer_context(g.get("request_id"))


def _problem(problem: LinkProblem) -> Response:
    if problem is LinkProblem.WITHDRAWN:
        return _render()  # a second submit, or a change after withdrawing: the withdrawn page
    status, heading, paragraphs = PROBLEMS[problem]
    session.pop(TOKEN, None)
    body = render_template(
        "own_enquiry_problem.html",
        problem=str(problem),
        heading=heading,
        paragraphs=paragraphs,
    )
    return make_response(body, status)


def _token() -> str:
    token = session.get(TOKEN)
    return token if isinstance(token, str) else ""


@bp.get("/your-enquiry/link/<token>")
@limiter.limit(OWN_ENQUIRY_RATE_LIMIT)
def open_link(token: str) -> Any:
    """Keep the link's token in the session and show the page without it in the address."""
    session[TOKEN] = token[:200]
    session.pop(DONE, None)
    return redirect(url_for("own_enquiry.own_enquiry"), 303)


def _render(errors: list[dict[str, str]] | None = None, status: int = 200) -> Response:
    found = read_own_enquiry(get_db(), _token(), _ctx())
    if isinstance(found, LinkProblem):
        return _problem(found)
    errors = errors or []
    by_field = {e["field"]: e["message"] for e in errors}
    body = render_template(
        "own_enquiry.html",
        own=found,
        done=session.pop(DONE, None),
        errors=errors,
        error_list=[{"text": e["message"], "href": f"#{e['field']}"} for e in errors],
        error_for=lambda name: {"text": by_field[name]} if name in by_field else None,
        contact_label=CONTACT_LABELS.get(found.preferred_contact or "", ""),
        reasons=[{"value": value, "text": text} for value, text in REASON_LABELS.items()],
    )
    return make_response(body, status)


@bp.get("/your-enquiry")
@limiter.limit(OWN_ENQUIRY_RATE_LIMIT)
def own_enquiry() -> Response:
    """What the enquirer can do with their enquiry."""
    return _render()


@bp.post("/your-enquiry/contact-details")
@limiter.limit(OWN_ENQUIRY_RATE_LIMIT)
def change_contact() -> Response:
    result = change_contact_details(
        get_db(),
        _token(),
        _ctx(),
        email=request.form.get("email", "")[:300],
        phone=request.form.get("phone", "")[:60],
    )
    if isinstance(result, LinkProblem):
        return _problem(result)
    if isinstance(result, ContactErrors):
        return _render(result.errors, status=400)
    session[DONE] = "contact" if result.changed else "unchanged"
    return redirect(url_for("own_enquiry.own_enquiry"), 303)  # type: ignore[return-value]


@bp.post("/your-enquiry/keep-in-touch")
@limiter.limit(OWN_ENQUIRY_RATE_LIMIT)
def stop_keeping_in_touch() -> Response:
    problem = withdraw_keep_in_touch(get_db(), _token(), _ctx())
    if problem is not None:
        return _problem(problem)
    session[DONE] = "keep_in_touch"
    return redirect(url_for("own_enquiry.own_enquiry"), 303)  # type: ignore[return-value]


@bp.post("/your-enquiry/withdraw")
@limiter.limit(OWN_ENQUIRY_RATE_LIMIT)
def withdraw() -> Response:
    raw = request.form.get("reason", "")
    reason = WithdrawalReason(raw) if raw in REASON_LABELS else None
    problem = withdraw_enquiry(get_db(), _token(), _ctx(), reason=reason)
    if problem is not None:
        return _problem(problem)
    return redirect(url_for("own_enquiry.own_enquiry"), 303)  # type: ignore[return-value]
