"""The enquiry form for people thinking about fostering, on GOV.UK Design System patterns.

Start page, one group of questions per page (answers kept server-side in an encrypted draft
that the session names), check your answers, send (Post/Redirect/Get with the draft's
one-time token), and a confirmation page that says what routing decided. Every page works
without JavaScript. The answers go through the API's own schema and submit use case, so a
form enquiry is stored, routed and tracked exactly like an API one.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import MultiDict

from hub.geo import find_authority_name
from hub.intake.api import public_status_url
from hub.intake.labels import (
    AGE_BAND_LABELS,
    CONTACT_LABELS,
    FOSTERING_NOW_LABELS,
    INTEREST_LABELS,
    RIGHT_TO_LIVE_LABELS,
    TIME_LABELS,
)
from hub.platform.extensions import app_settings, get_db
from hub.platform.metrics import ENQUIRIES_REJECTED
from hub.platform.models import utcnow
from hub.platform.rate_limit import form_page_limit, intake_limit
from hub.rules import get_active_rules
from hub.web.carer.confirmation import REFRESH_SECONDS, find_confirmation
from hub.web.carer.drafts import load_answers, save_answers
from hub.web.carer.privacy import load_privacy_notice, notice_for, privacy_facts
from hub.web.carer.questions import (
    CHILD,
    FIELD_PAGE,
    MAX_ANSWER,
    PAGE_BY_SLUG,
    PAGES,
    WHERE,
    YES_NO,
    Page,
    answers_from,
    applies,
    connected,
    email_errors,
    first_unfinished,
    next_page,
    page_errors,
    previous_page,
)
from hub.web.carer.send_enquiry import (
    Expired,
    Sent,
    Unfinished,
    send_enquiry,
    send_signposted,
)
from hub.web.carer.where import child_place, signpost_of, whereabouts_of
from hub.web.shared.error_pages import render_error_page

bp = Blueprint("carer", __name__)

DRAFT = "draft"  # session key: the token of the draft being filled in
RECEIPT = "receipt"  # session key: the token of the draft last sent


@bp.after_request
def _count_rejections(response: Response) -> Response:
    # Form posts refused (a page with errors, an expired form, too many, too large) are
    # counted with the API's rejections, by code only.
    if request.method == "POST" and response.status_code >= 400:
        ENQUIRIES_REJECTED.labels(code=g.get("rejection_code", "unknown")).inc()
    return response


# Pages anyone may keep in a cache: they hold nothing of the person.
_SHAREABLE = frozenset({"carer.start", "carer.privacy_notice"})


@bp.after_request
def _no_store(response: Response) -> Response:
    # On a shared computer (a library, a family PC) Back or the history must not show someone
    # else's answers: no page of the form, check answers or the confirmation is kept by the
    # browser or any cache. Pragma for HTTP/1.0 caches that ignore Cache-Control.
    if request.endpoint not in _SHAREABLE:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def _choices(answers: dict[str, str], name: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"value": value, "text": text, "checked": answers.get(name) == value}
        for value, text in labels.items()
    ]


def _back_href(page: Page, changing: bool, answers: dict[str, str]) -> str:
    if changing:
        return url_for("carer.check_answers")
    before = previous_page(page, answers)
    return url_for("carer.question", slug=before.slug) if before else url_for("carer.start")


def _render_page(
    page: Page,
    answers: dict[str, str],
    errors: list[dict[str, str]],
    child_signpost: Any = None,
) -> str:
    by_field = {e["field"]: e["message"] for e in errors}
    changing = request.args.get("change") == "1"
    return render_template(
        page.template,
        page=page,
        errors=errors,
        error_list=[{"text": e["message"], "href": f"#{e['field']}"} for e in errors],
        error_for=lambda name: {"text": by_field[name]} if name in by_field else None,
        value=lambda name: answers.get(name, ""),
        choices=lambda name, labels: _choices(answers, name, labels),
        contacts=CONTACT_LABELS,
        times=TIME_LABELS,
        interests=INTEREST_LABELS,
        age_bands=AGE_BAND_LABELS,
        fostering_now=FOSTERING_NOW_LABELS,
        right_to_live=RIGHT_TO_LIVE_LABELS,
        yes_no=YES_NO,
        back_href=_back_href(page, changing, answers),
        action=url_for("carer.question", slug=page.slug, change="1" if changing else None),
        child_signpost=child_signpost,
    )


@bp.get("/")
def start() -> str:
    """The start page."""
    return render_template("start.html", first_slug=PAGES[0].slug)


@bp.get("/enquire/<slug>")
def question(slug: str) -> Any:
    """One page of questions, with the answers given so far."""
    page = PAGE_BY_SLUG.get(slug) or abort(404)
    answers = load_answers(get_db(), session.get(DRAFT))
    if page is not WHERE and signpost_of(answers) is not None:
        return redirect(url_for("carer.outside_england"), 303)
    if not applies(page, answers):
        return redirect(url_for("carer.resume"), 303)
    return _render_page(page, answers, [])


@bp.post("/enquire/<slug>")
@form_page_limit
def save_question(slug: str) -> Any:
    """Check this page's answers with the API's schema; keep them and go on, or show errors."""
    page = PAGE_BY_SLUG.get(slug) or abort(404)
    db = get_db()
    given = answers_from(MultiDict(request.form), page)
    answers = {**load_answers(db, session.get(DRAFT)), **given}
    signpost = signpost_of(answers)
    if page is not WHERE and signpost is not None:
        # Outside England: nothing more is asked, or kept.
        return redirect(url_for("carer.outside_england"), 303)
    errors = page_errors(answers, page)
    child_signpost = None
    if page is CHILD and not errors:
        # The child's postcode is read as the person's own is: it must give a council.
        place = child_place(answers)
        child_signpost = place.signpost
        errors = [{"field": "child_postcode", "message": place.error}] if place.error else []
    if errors:
        g.rejection_code = "validation_failed"
        return _render_page(page, answers, errors, child_signpost), 422
    if page is WHERE:
        given["home_authority"] = ""  # a new postcode: its council is asked again if unclear
    session[DRAFT] = save_answers(db, session.get(DRAFT), given)
    if signpost is not None:
        return redirect(url_for("carer.outside_england"), 303)
    where = whereabouts_of(answers)
    if page is WHERE and where is not None and where.unclear:
        change = "1" if request.args.get("change") == "1" else None
        return redirect(url_for("carer.check_postcode", change=change), 303)
    unfinished = first_unfinished(answers)
    if unfinished is CHILD and page is not CHILD:
        # Changing the interest to a child they know: the child's page is asked next.
        return redirect(url_for("carer.question", slug=CHILD.slug, change=change_arg()), 303)
    if request.args.get("change") == "1" or unfinished is None:
        return redirect(url_for("carer.check_answers"), 303)
    after = next_page(page, answers) or unfinished
    return redirect(url_for("carer.question", slug=after.slug), 303)


def change_arg() -> str | None:
    """``change=1`` kept on the next page when the person came from check answers."""
    return "1" if request.args.get("change") == "1" else None


@bp.get("/enquire")
@bp.get("/enquire/resume")
def resume() -> Any:
    """Back to where the person was: the first page still to answer, or check answers."""
    answers = load_answers(get_db(), session.get(DRAFT))
    if signpost_of(answers) is not None:
        return redirect(url_for("carer.outside_england"), 303)
    unfinished = first_unfinished(answers)
    if unfinished is None:
        return redirect(url_for("carer.check_answers"), 303)
    return redirect(url_for("carer.question", slug=unfinished.slug), 303)


def _summary_value(name: str, answers: dict[str, str]) -> str:
    value = answers.get(name, "").strip()
    labels = {
        "preferred_contact": CONTACT_LABELS,
        "best_time": TIME_LABELS,
        "interest": INTEREST_LABELS,
        "spare_bedroom": YES_NO,
        "age_band": AGE_BAND_LABELS,
        "fostering_now": FOSTERING_NOW_LABELS,
        "right_to_live_in_uk": RIGHT_TO_LIVE_LABELS,
    }.get(name)
    if labels:
        return labels.get(value, "Not given")
    if name in ("privacy_notice", "keep_in_touch"):
        return "Yes" if value == "yes" else "No"
    if name == "home_authority":
        return find_authority_name(value) or "Not sure"
    if name == "child_authority":
        return find_authority_name(value) or value or "Not given"
    return value or "Not given"


SUMMARY = (
    (
        "Where you live",
        (
            ("postcode", "Postcode"),
            ("home_authority", "Council you live in"),
            ("preferred_authority", "Council you chose"),
        ),
    ),
    ("About you", (("given_name", "First name"), ("family_name", "Last name"))),
    (
        "Contact details",
        (
            ("email", "Email address"),
            ("phone", "Phone number"),
            ("preferred_contact", "How to contact you"),
            ("best_time", "Best time to call"),
        ),
    ),
    (
        "Fostering and your home",
        (
            ("interest", "Kind of fostering"),
            ("child_authority", "The child's council"),
            ("child_postcode", "The child's postcode"),
            ("adults", "Adults in your home"),
            ("children", "Children in your home"),
            ("spare_bedroom", "Spare bedroom"),
            ("message", "Anything else"),
        ),
    ),
    (
        "About you (optional)",
        (
            ("age_band", "Age"),
            ("fostering_now", "Fostering or approved with another service"),
            ("right_to_live_in_uk", "Right to live in the UK"),
        ),
    ),
    (
        "Your information",
        (("privacy_notice", "Read the privacy notice"), ("keep_in_touch", "Keep in touch")),
    ),
)


def _change_href(name: str) -> str:
    if name == "home_authority":
        return url_for("carer.check_postcode", change="1") + "#home_authority"
    return url_for("carer.question", slug=FIELD_PAGE[name].slug, change="1") + f"#{name}"


def _shown(name: str, answers: dict[str, str], where_unclear: bool) -> bool:
    """Whether check answers shows the row: the council of a split postcode only when it was
    asked, the child's answers only of a connected person (the postcode only without a
    council: the council decides)."""
    if name == "home_authority":
        return name in answers and where_unclear
    if name == "child_authority":
        return connected(answers)
    if name == "child_postcode":
        return connected(answers) and not answers.get("child_authority", "").strip()
    return True


@bp.get("/enquire/check-answers")
def check_answers() -> Any:
    """Every answer with a Change link, and the Send button carrying the one-time token."""
    token = session.get(DRAFT)
    answers = load_answers(get_db(), token)
    if not answers and session.get(RECEIPT):
        # Back from the confirmation page: this enquiry has been sent already.
        return redirect(url_for("carer.confirmation"), 303)
    if signpost_of(answers) is not None:
        return redirect(url_for("carer.outside_england"), 303)
    unfinished = first_unfinished(answers)
    if unfinished is not None:
        return redirect(url_for("carer.question", slug=unfinished.slug), 303)
    where = whereabouts_of(answers)
    where_unclear = where is not None and where.unclear
    sections = [
        {
            "title": title,
            "rows": [
                {
                    "key": {"text": label},
                    "value": {"text": _summary_value(name, answers)},
                    "actions": {
                        "items": [
                            {
                                "href": _change_href(name),
                                "text": "Change",
                                "visuallyHiddenText": label.lower(),
                            }
                        ]
                    },
                }
                for name, label in rows
                if _shown(name, answers, where_unclear)
            ],
        }
        for title, rows in SUMMARY
    ]
    return render_template(
        "check_answers.html",
        sections=sections,
        under_21=answers.get("age_band") == "under_21",
        submission=token,
        back_href=url_for("carer.question", slug=PAGES[-1].slug),
    )


@bp.post("/enquire")
@intake_limit
def submit_form() -> Any:
    """Send the enquiry once (Post/Redirect/Get): a resend of the same token changes nothing."""
    token = str(request.form.get("submission", ""))
    if not token or token not in (session.get(DRAFT), session.get(RECEIPT)):
        # Not this browser's draft (or its session ended): back to where its own answers are.
        return redirect(url_for("carer.resume"), 303)
    if token == session.get(DRAFT) and signpost_of(load_answers(get_db(), token)) is not None:
        return redirect(url_for("carer.outside_england"), 303)
    result = send_enquiry(get_db(), token, status_url_for=public_status_url)
    if isinstance(result, Unfinished):
        return redirect(url_for("carer.question", slug=result.page.slug), 303)
    if isinstance(result, Expired):
        session.pop(DRAFT, None)
        return render_error_page(410, "draft_expired", "Answers expired", "", {})
    assert isinstance(result, Sent)
    session.pop(DRAFT, None)
    session[RECEIPT] = token
    return redirect(url_for("carer.confirmation"), 303)


NOT_SURE = "not_sure"


def _render_check_postcode(answers: dict[str, str], errors: list[dict[str, str]]) -> Any:
    where = whereabouts_of(answers)
    if where is None or not where.unclear:
        return redirect(url_for("carer.resume"), 303)
    chosen = answers.get("home_authority", "")
    changing = request.args.get("change") == "1"
    items = [
        {
            "value": c.code,
            "text": c.name,
            "hint": {"text": f"About {c.share:.0%} of {where.geo.postcode} postcodes"},
            "checked": chosen == c.code,
        }
        for c in where.councils
    ]
    if items:
        items += [{"divider": "or"}, {"value": NOT_SURE, "text": "I'm not sure"}]
    return render_template(
        "check_postcode.html",
        where=where,
        names=[c.name for c in where.councils],
        items=items,
        answers=answers,
        errors=errors,
        error_list=[{"text": e["message"], "href": f"#{e['field']}"} for e in errors],
        choice_error={"text": errors[0]["message"]} if errors else None,
        back_href=url_for("carer.question", slug=WHERE.slug, change="1" if changing else None),
        action=url_for("carer.check_postcode", change="1" if changing else None),
        next_href=url_for("carer.question", slug=PAGES[1].slug),
    )


@bp.get("/enquire/check-postcode")
def check_postcode() -> Any:
    """A partial or unlisted postcode: which of its councils is yours, or type it again."""
    answers = load_answers(get_db(), session.get(DRAFT))
    if signpost_of(answers) is not None:
        return redirect(url_for("carer.outside_england"), 303)
    return _render_check_postcode(answers, [])


@bp.post("/enquire/check-postcode")
@form_page_limit
def save_check_postcode() -> Any:
    """Keep the council the person chose (or that they are not sure), then go on."""
    db = get_db()
    answers = load_answers(db, session.get(DRAFT))
    where = whereabouts_of(answers)
    if where is None or not where.unclear:
        return redirect(url_for("carer.resume"), 303)
    choice = str(request.form.get("home_authority", ""))[:MAX_ANSWER]
    codes = {c.code for c in where.councils}
    if choice not in codes | {NOT_SURE}:
        g.rejection_code = "validation_failed"
        message = "Choose the council you live in, or that you are not sure"
        errors = [{"field": "home_authority", "message": message}]
        return _render_check_postcode(answers, errors), 422
    chosen = choice if choice in codes else ""
    session[DRAFT] = save_answers(db, session.get(DRAFT), {"home_authority": chosen})
    answers["home_authority"] = chosen
    if request.args.get("change") == "1" or first_unfinished(answers) is None:
        return redirect(url_for("carer.check_answers"), 303)
    return redirect(url_for("carer.question", slug=PAGES[1].slug), 303)


def _render_outside_england(signpost: Any, email: str, errors: list[dict[str, str]]) -> str:
    by_field = {e["field"]: e["message"] for e in errors}
    return render_template(
        "outside_england.html",
        signpost=signpost,
        email=email,
        errors=errors,
        error_list=[{"text": e["message"], "href": f"#{e['field']}"} for e in errors],
        email_error={"text": by_field["email"]} if "email" in by_field else None,
        days=app_settings().signposted_retention_days,
        back_href=url_for("carer.question", slug=WHERE.slug),
    )


@bp.get("/enquire/outside-england")
def outside_england() -> Any:
    """Where to go instead, for someone whose postcode is outside England: nothing more asked."""
    signpost = signpost_of(load_answers(get_db(), session.get(DRAFT)))
    if signpost is None:
        return redirect(url_for("carer.resume"), 303)
    return _render_outside_england(signpost, "", [])


@bp.post("/enquire/outside-england")
@intake_limit
def email_signpost() -> Any:
    """Keep the postcode and the e-mail address only, to send the signpost to (optional)."""
    db = get_db()
    token = session.get(DRAFT)
    signpost = signpost_of(load_answers(db, token))
    if token is None and session.get(RECEIPT):
        return redirect(url_for("carer.confirmation"), 303)  # sent already: a second click
    if token is None or signpost is None:
        return redirect(url_for("carer.resume"), 303)  # no draft here, or not outside England
    email = str(request.form.get("email", ""))[:MAX_ANSWER]
    errors = email_errors(email)
    if errors:
        g.rejection_code = "validation_failed"
        return _render_outside_england(signpost, email, errors), 422
    result = send_signposted(db, token, email.strip(), status_url_for=public_status_url)
    if isinstance(result, Expired):
        session.pop(DRAFT, None)
        return render_error_page(410, "draft_expired", "Answers expired", "", {})
    session.pop(DRAFT, None)
    session[RECEIPT] = token
    return redirect(url_for("carer.confirmation"), 303)


@bp.get("/enquire/confirmation")
def confirmation() -> Any:
    """What happened to the enquiry this browser sent, answered at once.

    While routing has not decided, the page says so and reloads itself for a while
    (``?updates=off`` turns that off); it never holds the request waiting for a worker.
    """
    now = utcnow()
    found = find_confirmation(get_db(), session.get(RECEIPT), now=now)
    if found is None:
        abort(404)
    progress = found.progress(now, refresh_wanted=request.args.get("updates") != "off")
    response = make_response(
        render_template(
            "confirmation.html",
            outcome=found.outcome,
            next_steps=found.next_steps,
            emailed=found.emailed,
            progress=str(progress),
            refresh_seconds=REFRESH_SECONDS,
        )
    )
    # The answer changes as routing decides, and belongs to this browser's session only
    # (no-store is set for every page of the form by _no_store).
    return response


@bp.get("/privacy")
def privacy_notice() -> str:
    """The privacy notice (words from config/pages/privacy_notice.yaml, facts from the code)."""
    facts = privacy_facts(app_settings(), get_active_rules().tracking)
    return render_template("privacy.html", notice=notice_for(load_privacy_notice(), facts))
