"""Only hub operators see /ops/: others are sent to sign in, or get the 404 page (audited)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.council import KENT, audit_rows, get_enquiry
from tests.web.journey import csrf_token
from tests.web.ops_support import BROWSER, in_triage
from tests.web.staff_support import sign_in

OPS_PAGES = ["/ops/", "/ops/triage", "/ops/deliveries", "/ops/reports"]


@pytest.mark.parametrize("path", OPS_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, db, path) -> None:
    response = client.get(path, headers=BROWSER)
    assert response.status_code in (302, 303)
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"][0].rstrip("?") == path


@pytest.mark.parametrize("path", OPS_PAGES)
def test_council_staff_get_the_404_page_and_the_attempt_is_audited(client, db, path) -> None:
    sign_in(client, db, council=KENT)
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Page not found" in response.get_data(as_text=True)
    denied = [
        row
        for row in audit_rows(db, outcome="denied")
        if row.request_id == response.headers["X-Request-ID"]
    ]
    assert len(denied) == 1
    assert KENT in denied[0].actor_scope


def test_council_staff_cannot_route_by_hand_either(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, council=KENT)
    response = client.post(
        f"/ops/triage/{reference}/route",
        data={"csrf_token": csrf_token(client), "authority": KENT, "reason": "Lives in Maidstone"},
        headers=BROWSER,
    )
    assert response.status_code == 404
    assert get_enquiry(db, reference).status == "triage"
    assert audit_rows(db, action="route_manually") == []
