"""Where sign-in sends a staff member next: only back to a page of this site, never elsewhere."""

from __future__ import annotations

import pytest

from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    invite,
    link_path,
    new_address,
    own_address,
    send_requested_links,
    sign_in,
    use_link,
)

# Each one is a way off the site, or a header that cannot be written, once a browser or the
# redirect has tidied it up: whitespace and control characters are dropped or break the
# header, a backslash is read as a slash, and a leading "//" names another host.
OFF_SITE = [
    "/\t/evil.example",
    "/\t\t/evil.example/x",
    "/%09/evil.example",
    "/\r/evil.example",
    "/%0d/evil.example",
    "/ /evil.example",
    "/\x7f/evil.example",
    "\t//evil.example",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5cevil.example",
    "https://evil.example/council/",
    "javascript:alert(1)",
    "/council/\x00",
]

# A newline in a Location header is refused by the server: without care, a 500 page.
HEADER_BREAKING = ["/\n/x", "/%0a/x", "/council/\r\nSet-Cookie: x=1"]


@pytest.fixture(autouse=True)
def _own_address(client) -> None:
    own_address(client)


def _via_link(client, db, next_path: str):
    """Ask for a sign-in link with ``next_path`` as the page to return to, and use it."""
    email = new_address()
    invite(email, council="Kent")
    token = csrf_from(client.get("/sign-in", headers=BROWSER).get_data(as_text=True))
    client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "next": next_path},
        headers=BROWSER,
    )
    send_requested_links(db)
    return use_link(client, link_path(email))


@pytest.mark.parametrize("next_path", OFF_SITE + HEADER_BREAKING)
def test_a_signed_in_next_off_the_site_goes_home(client, db, next_path: str) -> None:
    sign_in(client, db, council="Kent")
    response = client.get("/sign-in", query_string={"next": next_path}, headers=BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"] == "/council/"


@pytest.mark.parametrize("next_path", OFF_SITE + HEADER_BREAKING)
def test_an_emailed_link_with_a_next_off_the_site_goes_home(client, db, next_path: str) -> None:
    response = _via_link(client, db, next_path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/council/"


@pytest.mark.parametrize("next_path", OFF_SITE + HEADER_BREAKING)
def test_the_sign_in_form_does_not_carry_a_next_off_the_site(client, db, next_path: str) -> None:
    page = client.get("/sign-in", query_string={"next": next_path}, headers=BROWSER)
    assert page.status_code == 200
    assert 'name="next" value=""' in page.get_data(as_text=True)


def test_a_next_the_hub_does_not_route_goes_home(client, db) -> None:
    sign_in(client, db, council="Kent")
    response = client.get("/sign-in?next=/no-such-page", headers=BROWSER)
    assert response.headers["Location"] == "/council/"


def test_a_next_page_with_its_query_is_kept(client, db) -> None:
    response = _via_link(client, db, "/council/?status=routed")
    assert response.status_code == 303
    assert response.headers["Location"] == "/council/?status=routed"
