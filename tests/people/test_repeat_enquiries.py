"""Repeat enquiries: matched at the first decision by e-mail, phone, or name and postcode;
the holding council sees its own in full and others only by day; operators see all; a
council marks duplicates of its own; never merged."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import delete, update

from hub.enquiries.models import Enquiry, RepeatMatch
from hub.people.reindex import reindex_enquiries
from hub.platform.models import utcnow
from hub.tracking.anonymise import anonymise_enquiry
from tests.support.council import (
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    enquiry_id_of,
    get_enquiry,
    routed,
    token_for,
)

SAM = {"given_name": "Sam", "family_name": "Jones", "email": "sam@example.org"}


def _repeats(client, token, reference):
    return client.get(f"/v1/council/referrals/{reference}/repeats", headers=bearer(token))


def _later(minutes: int = 5):
    return time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=False)


def test_an_earlier_referral_with_the_same_council_is_shown_in_full(client, db) -> None:
    first = routed(client, db, phone="07912 345601", **SAM)
    with _later():
        second = routed(client, db, phone="07912 345602", **SAM)
    body = _repeats(client, token_for(db, KENT), second).get_json()
    assert [
        (r["reference"], r["before"], r["outcome"], r["matched_on"]) for r in body["with_you"]
    ] == [(first, True, "routed", ["email", "name_and_postcode"])]
    assert body["elsewhere"] == []
    back = _repeats(client, token_for(db, KENT), first).get_json()
    assert [(r["reference"], r["before"]) for r in back["with_you"]] == [(second, False)]


def test_nothing_is_merged(client, db) -> None:
    first = routed(client, db, phone="07912 345601", **SAM)
    second = routed(client, db, phone="07912 345601", email="other@example.org")
    assert get_enquiry(db, first).status == get_enquiry(db, second).status == "routed"


def test_another_councils_earlier_enquiry_shows_only_its_day(client, db) -> None:
    medways = routed(client, db, phone="07912 345603", postcode="ME4 4TR")
    with _later():
        kents = routed(client, db, phone="+44 7912 345603")
    body = _repeats(client, token_for(db, KENT), kents).get_json()
    assert body["with_you"] == []
    assert body["elsewhere"] == [
        {"received_on": get_enquiry(db, medways).created_at.date().isoformat(), "before": True}
    ]
    assert medways not in str(body) and MEDWAY not in str(body)


def test_operators_see_every_council_of_the_person(client, db) -> None:
    medways = routed(client, db, phone="07912 345603", postcode="ME4 4TR")
    with _later():
        kents = routed(client, db, phone="07912 345603")
    response = client.get(
        f"/v1/ops/enquiries/{kents}/repeats", headers=bearer(token_for(db, hub=True))
    )
    assert response.status_code == 200
    (other,) = response.get_json()["enquiries"]
    assert (other["reference"], other["authority_code"], other["matched_on"]) == (
        medways,
        MEDWAY,
        ["phone"],
    )
    assert audit_rows(db, action="read_repeats")[-1].actor_scope == "hub"


def test_name_alone_is_not_a_match_but_name_and_postcode_is(client, db) -> None:
    first = routed(client, db, phone="07912 345604", email="a@example.org", **_name("Ann Lee"))
    elsewhere = routed(
        client,
        db,
        phone="07912 345605",
        email="b@example.org",
        postcode="CT1 1AA",
        **_name("Ann Lee"),
    )
    same = routed(client, db, phone="07912 345606", email="c@example.org", **_name("ann  LEE"))
    kent = token_for(db, KENT)
    assert _repeats(client, kent, elsewhere).get_json()["with_you"] == []
    assert [r["reference"] for r in _repeats(client, kent, same).get_json()["with_you"]] == [first]


def _name(full: str) -> dict[str, str]:
    given, family = full.split(maxsplit=1)
    return {"given_name": given, "family_name": family}


def test_matches_join_one_person_group(client, db) -> None:
    by_email = routed(client, db, phone="07912 345607", email="x@example.org")
    by_phone = routed(client, db, phone="07912 345608", email="y@example.org")
    both = routed(client, db, phone="07912 345608", email="x@example.org")
    stranger = routed(client, db, phone="07912 345609", email="z@example.org")
    keys = {r: get_enquiry(db, r).person_key for r in (by_email, by_phone, both, stranger)}
    assert keys[by_email] == keys[by_phone] == keys[both] == enquiry_id_of(db, by_email)
    assert keys[stranger] == enquiry_id_of(db, stranger)


def test_another_councils_referral_repeats_are_404_and_audited(client, db) -> None:
    kents = routed(client, db, phone="07912 345610")
    response = _repeats(client, token_for(db, MEDWAY), kents)
    assert response.status_code == 404
    (row,) = audit_rows(db, action="read_repeats")
    assert (row.outcome, row.enquiry_reference, row.actor_scope) == (
        "denied",
        kents,
        f"authority:{MEDWAY}",
    )


def _mark(client, token, reference, of):
    return client.put(
        f"/v1/council/referrals/{reference}/duplicate",
        json={"duplicate_of": of},
        headers=bearer(token),
    )


def test_a_council_marks_and_unmarks_a_duplicate_of_its_own(client, db) -> None:
    first = routed(client, db, phone="07912 345611", **SAM)
    second = routed(client, db, phone="07912 345611", **SAM)
    kent = token_for(db, KENT)
    marked = _mark(client, kent, second, first.lower())
    assert marked.status_code == 200
    assert marked.get_json() == {"reference": second, "duplicate_of": first, "changed": True}
    assert _repeats(client, kent, second).get_json()["duplicate_of"]["reference"] == first
    assert _repeats(client, kent, first).get_json()["marked_duplicates"] == [second]
    path = f"/v1/council/referrals/{second}/duplicate"
    assert client.delete(path, headers=bearer(kent)).get_json()["changed"] is True
    assert client.delete(path, headers=bearer(kent)).get_json()["changed"] is False
    assert [
        r.action for r in audit_rows(db, enquiry_reference=second) if "duplicate" in r.action
    ] == [
        "mark_duplicate",
        "unmark_duplicate",
        "unmark_duplicate",
    ]


@pytest.mark.parametrize("of", ["medways", "FE-22222222", "itself"])
def test_a_duplicate_of_another_councils_or_no_referral_is_refused(client, db, of) -> None:
    kents = routed(client, db, phone="07912 345612")
    medways = routed(client, db, phone="07912 345613", postcode="ME4 4TR")
    target = {"medways": medways, "itself": kents}.get(of, of)
    response = _mark(client, token_for(db, KENT), kents, target)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "duplicate_of"
    (row,) = audit_rows(db, action="mark_duplicate")
    assert row.outcome == ("refused" if of == "itself" else "denied")
    assert row.detail["duplicate_of"] == target
    assert _repeats(client, token_for(db, KENT), kents).get_json()["duplicate_of"] is None


def test_another_council_cannot_mark_a_referral(client, db) -> None:
    kents = routed(client, db, phone="07912 345614")
    medways = routed(client, db, phone="07912 345615", postcode="ME4 4TR")
    medway = token_for(db, MEDWAY)
    assert _mark(client, medway, kents, medways).status_code == 404
    assert (
        client.delete(
            f"/v1/council/referrals/{kents}/duplicate", headers=bearer(medway)
        ).status_code
        == 404
    )
    assert {
        r.outcome for r in audit_rows(db, enquiry_reference=kents) if "duplicate" in r.action
    } == {"denied"}


def test_reindex_restores_indexes_and_matches_of_enquiries_stored_before(client, db) -> None:
    first = routed(client, db, phone="07912 345616", **SAM)
    second = routed(client, db, phone="07912 345617", **SAM)
    with db.transaction() as session:
        session.execute(
            update(Enquiry).values(
                email_index=None, phone_index=None, name_index=None, person_key=None
            )
        )
        session.execute(delete(RepeatMatch))
    kent = token_for(db, KENT)
    assert _repeats(client, kent, second).get_json()["with_you"] == []
    result = reindex_enquiries(db)
    assert (result.enquiries, result.changed, result.matches) == (2, 2, 1)
    assert [r["reference"] for r in _repeats(client, kent, second).get_json()["with_you"]] == [
        first
    ]
    again = reindex_enquiries(db)
    assert (again.changed, again.matches) == (0, 0)
    first_id = enquiry_id_of(db, first)
    assert get_enquiry(db, second).person_key == first_id


def test_the_funnel_counts_people_as_well_as_enquiries(client, db) -> None:
    routed(client, db, phone="07912 345620", **SAM)
    routed(client, db, phone="07912 345621", **SAM)
    routed(client, db, phone="07912 345622", email="someone.else@example.org")
    today = utcnow().date().isoformat()
    report = client.get(
        f"/v1/council/reports/funnel?from={today}&to={today}", headers=bearer(token_for(db, KENT))
    ).get_json()
    (row,) = report["rows"]
    assert (row["enquiries"], row["people"]) == (3, 2)


def test_an_anonymised_enquiry_loses_its_links_but_not_its_count(client, db) -> None:
    first = routed(client, db, phone="07912 345650", **SAM)
    second = routed(client, db, phone="07912 345650", **SAM)
    third = routed(client, db, phone="07912 345650", **SAM)
    kent = token_for(db, KENT)
    assert _mark(client, kent, second, first).status_code == 200
    first_id = enquiry_id_of(db, first)
    with db.transaction() as session:
        anonymise_enquiry(session, first_id, "no_application", utcnow().date(), utcnow())
    body = _repeats(client, kent, second).get_json()
    assert [r["reference"] for r in body["with_you"]] == [third]
    assert body["duplicate_of"] is None
    # The people count does not change: the group id stays, shown nowhere.
    assert {get_enquiry(db, r).person_key for r in (first, second, third)} == {first_id}
