"""Signing a Flask test client in as staff: a stand-in replaced by the staff-council branch at
merge.

Stand-in only: it makes an API token row for the council, delivery body or hub operators
(``tests.support.council.token_for``) and keeps the row's id in the session, which the stand-in
``hub.web.staff_session`` reads.
"""

from __future__ import annotations

from flask.testing import FlaskClient

from hub.access.authenticate import authenticate
from hub.platform.db import Database
from hub.web.staff_session import STAFF_TOKEN_ID
from tests.support.council import token_for


def sign_in(
    client: FlaskClient,
    db: Database,
    *,
    council: str | None = None,
    delivery_body: str | None = None,
    hub_operator: bool = False,
) -> None:
    """Sign ``client`` in as a member of a council's, a delivery body's or the hub's staff."""
    target = council or delivery_body
    token = token_for(db, None if hub_operator else target, hub=hub_operator)
    token_id = authenticate(db, f"Bearer {token}").token_id
    with client.session_transaction() as session:
        session[STAFF_TOKEN_ID] = token_id
