"""The council's search box and the repeat-enquiry note: the API's use cases, on the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from flask.testing import FlaskClient

from hub.platform.models import utcnow
from tests.support.council import KENT, audit_rows, get_enquiry, routed
from tests.web.ops_support import in_triage
from tests.web.staff_support import BROWSER, csrf_from, own_address, sign_in


def _kent(client: FlaskClient, db) -> FlaskClient:
    own_address(client)
    sign_in(client, db, council="Kent")
    return client


def _page(client: FlaskClient, path: str, **params: str) -> str:
    response = client.get(path, query_string=params, headers=BROWSER)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _listed(page: str) -> list[str]:
    cell = '<td class="govuk-table__cell"><a class="govuk-link" href="/council/referrals/'
    return re.findall(re.escape(cell) + r"(FE-[A-Z0-9]+)", page)


def test_the_search_box_finds_a_person_by_phone_in_another_format(client, db) -> None:
    sam = routed(client, db, phone="07912 345630", given_name="Sam", family_name="Jones")
    routed(client, db, phone="07912 345631")
    _kent(client, db)
    page = _page(client, "/council/", q="+44 7912 345630")
    assert _listed(page) == [sam]
    assert 'id="q"' in page and 'value="+44 7912 345630"' in page
    assert "match the phone number you searched for" in page
    (row,) = audit_rows(db, action="search_referrals")
    assert row.actor.startswith("user:") and row.detail["kind"] == "phone"
    assert "345630" not in str(row.detail)


def test_a_search_that_finds_nobody_says_so(client, db) -> None:
    routed(client, db, phone="07912 345632")
    _kent(client, db)
    page = _page(client, "/council/", q="nobody-at-all@example.org")
    assert _listed(page) == [] and "No referral of yours matches that e-mail address" in page


def test_another_councils_reference_finds_no_match_on_the_page_and_is_audited(client, db) -> None:
    medways = routed(client, db, phone="07912 345633", postcode="ME4 4TR")
    _kent(client, db)
    page = _page(client, "/council/", q=medways)
    assert _listed(page) == [] and "No referral of yours matches that reference" in page
    (row,) = audit_rows(db, action="search_referrals")
    assert (row.outcome, row.enquiry_reference) == ("denied", medways)


def test_a_term_search_cannot_read_is_an_error_on_the_field(client, db) -> None:
    _kent(client, db)
    page = _page(client, "/council/", q="ME14 1")
    assert "There is a problem" in page and 'href="#q"' in page and "govuk-input--error" in page
    assert "<title>Error:" in page


def test_the_referral_page_says_the_person_enquired_before_with_a_link(client, db) -> None:
    first = routed(client, db, phone="07912 345634", email="twice@example.org")
    with time_machine.travel(utcnow() + timedelta(days=2), tick=False):
        second = routed(client, db, phone="07912 345635", email="twice@example.org")
        _kent(client, db)
        page = _page(client, f"/council/referrals/{second}")
    assert "This person enquired before with you" in page
    assert f'href="/council/referrals/{first}"' in page and "(same e-mail)" in page


def test_an_enquiry_that_went_elsewhere_shows_only_its_day(client, db) -> None:
    medways = routed(client, db, phone="07912 345636", postcode="ME4 4TR")
    kents = routed(client, db, phone="07912 345636")
    _kent(client, db)
    page = _page(client, f"/council/referrals/{kents}")
    day = get_enquiry(db, medways).created_at
    assert f"also enquired on {day.day} {day:%B %Y}" in page
    assert medways not in page and "Medway" not in page


def test_a_council_marks_a_duplicate_on_the_page_and_removes_the_mark(client, db) -> None:
    first = routed(client, db, phone="07912 345637")
    second = routed(client, db, phone="07912 345637")
    _kent(client, db)
    path = f"/council/referrals/{second}"
    token = csrf_from(_page(client, path))
    marked = client.post(
        f"{path}/duplicate", data={"csrf_token": token, "duplicate_of": first}, headers=BROWSER
    )
    assert marked.status_code == 303
    page = _page(client, path)
    assert "Marked as a duplicate of" in page and f'href="/council/referrals/{first}"' in page
    removed = client.post(
        f"{path}/duplicate/remove", data={"csrf_token": csrf_from(page)}, headers=BROWSER
    )
    assert removed.status_code == 303
    assert "Marked as a duplicate of" not in _page(client, path)


def test_marking_a_duplicate_of_another_councils_referral_is_an_error_on_the_field(
    client, db
) -> None:
    kents = routed(client, db, phone="07912 345638")
    medways = routed(client, db, phone="07912 345639", postcode="ME4 4TR")
    _kent(client, db)
    path = f"/council/referrals/{kents}"
    response = client.post(
        f"{path}/duplicate",
        data={"csrf_token": csrf_from(_page(client, path)), "duplicate_of": medways},
        headers=BROWSER,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        "Enter the reference of another of your referrals" in html
        and 'href="#duplicate_of"' in html
    )
    assert [r.outcome for r in audit_rows(db, action="mark_duplicate")] == ["denied"]


def test_another_councils_referral_cannot_be_marked_from_the_page(client, db) -> None:
    medways = routed(client, db, phone="07912 345640", postcode="ME4 4TR")
    kents = routed(client, db, phone="07912 345641")
    _kent(client, db)
    token = csrf_from(_page(client, f"/council/referrals/{kents}"))
    for action in ("duplicate", "duplicate/remove"):
        response = client.post(
            f"/council/referrals/{medways}/{action}",
            data={"csrf_token": token, "duplicate_of": kents},
            headers=BROWSER,
        )
        assert response.status_code == 404
    rows = [r for r in audit_rows(db, enquiry_reference=medways) if "duplicate" in r.action]
    assert [(r.action, r.outcome) for r in rows] == [
        ("mark_duplicate", "denied"),
        ("unmark_duplicate", "denied"),
    ]


def test_operators_see_every_council_of_the_person_on_the_case_page(client, db) -> None:
    medways = routed(client, db, phone="07912 345642", postcode="ME4 4TR")
    unknown = in_triage(client, db, phone="07912 345642")
    sign_in(client, db, hub_operator=True)
    page = _page(client, f"/ops/triage/{unknown}")
    assert "other enquiries" in page and medways in page and "Medway" in page
    assert [r.actor_scope for r in audit_rows(db, action="read_repeats")] == ["hub"]
    assert KENT  # the holding council is not involved


def test_the_search_box_posts_so_the_term_stays_out_of_the_address(client, db) -> None:
    sam = routed(client, db, phone="07912 345643")
    _kent(client, db)
    page = _page(client, "/council/")
    assert '<form method="post" action="/council/" role="search"' in page
    response = client.post(
        "/council/", data={"csrf_token": csrf_from(page), "q": "07912345643"}, headers=BROWSER
    )
    assert response.status_code == 200 and response.request.path == "/council/"
    assert _listed(response.get_data(as_text=True)) == [sam]
    assert [r.detail["kind"] for r in audit_rows(db, action="search_referrals")] == ["phone"]
