"""The triage list for operators: search (reference and the people search), filters (why it
waits, how long, campaign source), the queue's age as an order, and paging in each order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from hub.enquiries.models import Enquiry
from hub.platform.models import utcnow
from tests.support.council import KENT, audit_rows, bearer, routed, token_for

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage
SPLIT_SECTOR = "ME5 9"  # a part-postcode: Medway 53%, Kent 47%: triage


def _triage(client, db, **overrides) -> str:
    return routed(client, db, **{"postcode": UNKNOWN_POSTCODE, **overrides})


def _get(client, db, **query):
    return client.get("/v1/ops/triage", query_string=query, headers=bearer(token_for(db, hub=True)))


def _refs(client, db, **query) -> list[str]:
    response = _get(client, db, **query)
    assert response.status_code == 200, response.get_json()
    return [item["reference"] for item in response.get_json()["items"]]


def _waiting_since(db, reference: str, days: float) -> None:
    with db.transaction() as s:
        s.execute(
            update(Enquiry)
            .where(Enquiry.reference == reference)
            .values(status_changed_at=utcnow() - timedelta(days=days))
            .execution_options(synchronize_session=False)
        )


def test_search_by_reference_finds_only_that_enquiry(client, db) -> None:
    wanted = _triage(client, db)
    _triage(client, db)
    assert _refs(client, db, q=wanted.replace("-", "").lower()) == [wanted]


def test_search_by_name_or_email_uses_the_blind_indexes_and_audits_the_kind_only(
    client, db
) -> None:
    wanted = _triage(client, db, given_name="Ottoline", family_name="Brackenbury")
    _triage(client, db, given_name="Someone", family_name="Else", email="else@example.org")
    routed(client, db, given_name="Ottoline", family_name="Brackenbury")  # Kent: not in triage

    assert _refs(client, db, q="ottoline  BRACKENBURY") == [wanted]
    body = _get(client, db, q="Brackenbury").get_json()
    assert [i["reference"] for i in body["items"]] == [wanted]
    assert body["kind"] == "name"

    rows = audit_rows(db, action="search_triage")
    assert [row.detail["kind"] for row in rows] == ["name", "name"]
    assert rows[0].detail["references"] == [wanted]
    assert "brackenbury" not in str(rows[0].detail).lower()


def test_a_term_search_cannot_read_is_422_problem_json(client, db) -> None:
    response = _get(client, db, q="ME5 9")  # a sector: search takes a postcode or district
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "q"


def test_filter_by_why_it_needs_a_person(client, db) -> None:
    unknown = _triage(client, db)
    split = _triage(client, db, postcode=SPLIT_SECTOR)
    assert _refs(client, db, reason_code="unknown_postcode") == [unknown]
    assert _refs(client, db, reason_code="partial_postcode_ambiguous") == [split]


def test_filter_by_campaign_source(client, db) -> None:
    from_facebook = _triage(client, db, campaign={"utm_source": "facebook"})
    _triage(client, db, campaign={"utm_source": "radio"})
    _triage(client, db)
    assert _refs(client, db, source="facebook") == [from_facebook]
    body = _get(client, db, source="facebook").get_json()
    assert body["items"][0]["source"] == "facebook"


def test_filter_by_days_in_the_queue(client, db) -> None:
    old = _triage(client, db)
    _triage(client, db)  # arrived now
    _waiting_since(db, old, 4)
    assert _refs(client, db, waiting_days=3) == [old]
    assert len(_refs(client, db, waiting_days=0)) == 2


def test_sorted_by_time_in_the_queue_and_paged_in_that_order(client, db) -> None:
    references = [_triage(client, db) for _ in range(3)]
    # Received in order 0, 1, 2; waiting longest: 2, then 0, then 1.
    _waiting_since(db, references[2], 5)
    _waiting_since(db, references[0], 3)
    _waiting_since(db, references[1], 1)
    expected = [references[2], references[0], references[1]]

    page1 = _get(client, db, sort="longest_waiting", limit=2).get_json()
    page2 = _get(
        client, db, sort="longest_waiting", limit=2, cursor=page1["next_cursor"]
    ).get_json()

    assert [i["reference"] for i in page1["items"] + page2["items"]] == expected
    assert page2["next_cursor"] is None
    assert _refs(client, db, sort="shortest_waiting") == list(reversed(expected))
    assert _refs(client, db, sort="newest") == list(reversed(references))


def test_a_page_after_the_first_goes_on_in_its_cursors_order(client, db) -> None:
    references = [_triage(client, db) for _ in range(3)]
    _waiting_since(db, references[2], 5)
    _waiting_since(db, references[0], 3)
    _waiting_since(db, references[1], 1)
    page = _get(client, db, sort="longest_waiting", limit=1).get_json()
    # The cursor names its order: a different sort beside it does not reorder the list.
    rest = _get(client, db, sort="oldest", limit=5, cursor=page["next_cursor"]).get_json()
    assert [i["reference"] for i in page["items"] + rest["items"]] == [
        references[2],
        references[0],
        references[1],
    ]


def test_a_cursor_of_another_list_is_400(client, db) -> None:
    response = _get(client, db, limit=1, cursor="tray.0.0")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_closed_enquiries_are_listed_apart(client, db) -> None:
    waiting = _triage(client, db)
    closed = _triage(client, db)
    client.post(
        f"/v1/ops/enquiries/{closed}/close",
        headers=bearer(token_for(db, hub=True)),
        json={"reason": "test"},
    )
    assert _refs(client, db) == [waiting]
    body = _get(client, db, state="closed").get_json()
    assert [(i["reference"], i["status"]) for i in body["items"]] == [(closed, "closed")]


def test_a_council_token_cannot_list_or_search_triage(client, db) -> None:
    _triage(client, db)
    response = client.get(
        "/v1/ops/triage", query_string={"q": "Smith"}, headers=bearer(token_for(db, KENT))
    )
    assert response.status_code == 403
    assert audit_rows(db, action="search_triage") == []
    assert len(audit_rows(db, action="call_api", outcome="denied")) == 1
