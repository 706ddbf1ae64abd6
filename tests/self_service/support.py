"""Helpers for the enquirer's link: an enquiry routed here, its link, what it wrote."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from sqlalchemy import select

from hub.audit.models import AuditEvent
from hub.delivery.confirmation import find_manage_url
from hub.delivery.models import Delivery
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.referrals.route_enquiry import route_enquiry
from hub.tracking.models import JourneyStage
from tests.delivery.support import person
from tests.support.council import enquiry_id_of
from tests.web.journey import BROWSER, csrf_from


def enquire(client: FlaskClient, db: Database, **overrides: Any) -> str:
    """Submit an enquiry through the API and route it in this process; its reference."""
    response = client.post("/v1/enquiries", json=person(**overrides))
    assert response.status_code == 202, response.get_json()
    reference: str = response.get_json()["reference"]
    route_enquiry(db, enquiry_id_of(db, reference))
    return reference


def link_path(db: Database, reference: str) -> str:
    """The path of the enquirer's link, as the confirmation e-mail carries it."""
    with db.sessions() as s:
        found = find_manage_url(s, reference)
    assert found is not None
    return urlsplit(found.url).path


def open_page(client: FlaskClient, db: Database, reference: str) -> tuple[Any, str]:
    """Open the link as a browser does: (the page's response, its CSRF token)."""
    redirect = client.get(link_path(db, reference), headers=BROWSER)
    assert redirect.status_code == 303
    assert redirect.headers["Location"].endswith("/your-enquiry")
    page = client.get("/your-enquiry", headers=BROWSER)
    html = page.get_data(as_text=True)
    return page, csrf_from(html) if 'name="csrf_token"' in html else ""


def post(client: FlaskClient, path: str, token: str, **form: str) -> Any:
    return client.post(path, data={"csrf_token": token, **form}, headers=BROWSER)


def enquiry(db: Database, reference: str) -> Enquiry:
    with db.sessions() as s:
        found = s.scalar(select(Enquiry).where(Enquiry.reference == reference))
        assert found is not None
        return found


def stages(db: Database, reference: str) -> list[JourneyStage]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(JourneyStage)
                .where(JourneyStage.enquiry_id == enquiry(db, reference).id)
                .order_by(JourneyStage.id)
            )
        )


def audits(db: Database, action: str) -> list[AuditEvent]:
    with db.sessions() as s:
        return list(
            s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def events(db: Database, event_type: str) -> list[Delivery]:
    with db.sessions() as s:
        query = select(Delivery).where(Delivery.event_type == event_type)
        return list(s.scalars(query.order_by(Delivery.id)))
