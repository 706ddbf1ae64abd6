"""Errors on the staff pages: the staff frame, staff words, a way back to the staff home."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.exceptions import Forbidden

import hub.web.council.referrals as council_referrals
from tests.support.council import routed
from tests.web.staff_support import BROWSER, own_address, sign_in, visible_text

CARERS_LINK = "Go to the start of the service"
STAFF_FRAME = "Fostering enquiry hub for staff"


def _page(client: FlaskClient, path: str, status: int, method: str = "GET") -> str:
    response = client.open(path, method=method, headers=BROWSER)
    assert response.status_code == status, (path, response.status_code)
    assert response.mimetype == "text/html"
    return visible_text(response.get_data(as_text=True))


@pytest.fixture
def kent(client: FlaskClient, db) -> FlaskClient:
    own_address(client)
    sign_in(client, db, council="Kent")
    return client


def test_a_missing_council_page_is_the_staff_404_with_a_link_to_the_referrals(kent) -> None:
    text = _page(kent, "/council/no-such-page", 404)
    assert "Page not found" in text and STAFF_FRAME in text and "Transferred out" in text
    assert "Go to your referrals" in text and CARERS_LINK not in text
    assert "Signed in as" in text


def test_another_councils_referral_is_the_staff_404(kent, db) -> None:
    medway = routed(kent, db, postcode="ME4 4TR")
    text = _page(kent, f"/council/referrals/{medway}", 404)
    assert "Page not found" in text and "Go to your referrals" in text and CARERS_LINK not in text


def test_a_wrong_method_is_the_staff_405(kent, db) -> None:
    reference = routed(kent, db)
    text = _page(kent, f"/council/referrals/{reference}/transfer", 405)
    assert "Nothing was changed" in text and STAFF_FRAME in text and CARERS_LINK not in text


def test_an_operator_gets_the_staff_404_linking_to_queue_health(client, db) -> None:
    own_address(client)
    sign_in(client, db, hub_operator=True)
    text = _page(client, "/ops/no-such-page", 404)
    assert "Go to queue health" in text and CARERS_LINK not in text


def test_a_signed_in_staff_member_anywhere_but_the_carers_form_gets_the_staff_page(kent) -> None:
    assert "Go to your referrals" in _page(kent, "/no-such-page", 404)
    assert CARERS_LINK in _page(kent, "/enquire/no-such-question", 404)


def test_a_stranger_on_a_staff_path_is_offered_sign_in(client) -> None:
    text = _page(client, "/ops/no-such-page", 404)
    assert "Sign in to the staff pages" in text and CARERS_LINK not in text


def test_a_fault_on_a_staff_page_is_the_staff_500(kent, monkeypatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(council_referrals, "list_referrals", broken)
    text = _page(kent, "/council/", 500)
    assert "problem with the hub" in text and "Go to your referrals" in text
    assert CARERS_LINK not in text and "boom" not in text


def test_a_forbidden_action_is_the_staff_403(kent, monkeypatch) -> None:
    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise Forbidden()

    monkeypatch.setattr(council_referrals, "list_referrals", forbidden)
    text = _page(kent, "/council/", 403)
    assert "You cannot do that" in text and "Go to your referrals" in text


def test_the_carers_keep_their_own_error_pages(client) -> None:
    text = _page(client, "/enquire/no-such-question", 404)
    assert CARERS_LINK in text and STAFF_FRAME not in text
