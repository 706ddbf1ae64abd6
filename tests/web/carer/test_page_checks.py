"""Each page of the form is checked by the API's schema restricted to that page's answers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from hub.intake.schemas import EnquiryInSchema
from hub.web.carer.questions import PAGES
from tests.web.journey import ANSWERS, answer_everything, send, submission_token


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str]]:
    """The fields of the schema behind every EnquiryInSchema load, in order."""
    seen: list[frozenset[str]] = []
    real_load = EnquiryInSchema.load

    def spying_load(self: EnquiryInSchema, *args: Any, **kwargs: Any) -> Any:
        seen.append(frozenset(self.load_fields))
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(EnquiryInSchema, "load", spying_load)
    return seen


WHOLE = frozenset(EnquiryInSchema().load_fields)


def test_saving_every_page_never_loads_the_whole_enquiry(
    client: FlaskClient, loads: list[frozenset[str]]
) -> None:
    answer_everything(client)
    assert loads and WHOLE not in loads
    top_level = {"adults": "household", "spare_bedroom": "household", "children": "household"}
    top_level |= {"privacy_notice": "consent", "keep_in_touch": "consent"}
    top_level |= {f: "screening" for f in ("age_band", "fostering_now", "right_to_live_in_uk")}
    per_page = {frozenset(top_level.get(f, f) for f in page.fields) for page in PAGES}
    assert set(loads) <= per_page


def test_a_whole_enquiry_is_loaded_once_when_it_is_sent(
    client: FlaskClient, loads: list[frozenset[str]]
) -> None:
    token = answer_everything(client)
    submission = submission_token(client)
    loads.clear()
    response = send(client, token, submission)
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    assert loads.count(WHOLE) == 1


def test_a_page_shows_its_own_errors_only(client: FlaskClient) -> None:
    token = answer_everything(client)
    response = client.post(
        "/enquire/contact",
        data={"csrf_token": token, **ANSWERS["contact"], "email": "not-an-address"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter an email address in the correct format" in page
