"""Every statement of the privacy notice that the code decides is checked against the code.

The words are config/pages/privacy_notice.yaml; hub/web/carer/privacy.py fills in what the
settings, the rules file and the form decide. Each test reads what the notice says and then
makes the code do it.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from config.settings import load_settings
from hub.app import create_app
from hub.delivery.confirmation import EnquirerEvent
from hub.intake.schemas import EnquiryInSchema, SpecialCategorySchema
from hub.platform.models import utcnow
from hub.referrals.models import RoutingDecisionRecord
from hub.rules.tracking_policy import CouncilTracking, RetentionPeriods, TrackingPolicy
from hub.tracking.anonymise import anonymise_enquiry, district_of, expiry_of
from hub.tracking.calendar import add_months, local_day
from hub.tracking.models import Journey
from hub.triage.closure_reasons import TELLS_ENQUIRER, ClosureReason
from hub.web.carer.privacy import (
    SPECIAL_CATEGORY_WORDS,
    PrivacyFacts,
    load_privacy_notice,
    notice_for,
    privacy_facts,
)
from hub.web.carer.questions import PAGES
from tests.access.factories import bearer
from tests.support.council import KENT, MEDWAY, enquiry_id_of, get_enquiry, routed, token_for

PERIODS = RetentionPeriods(no_application_years=2, withdrawn_years=4, approved_years=12)


def _facts(**changes: Any) -> PrivacyFacts:
    facts = privacy_facts(
        load_settings(
            {
                "HUB_PRIVACY_CONTROLLERS": "Kent County Council",
                "HUB_PRIVACY_DPO": "dpo@kent.example",
                "HUB_PRIVACY_CONTACT": "dataprotection@kent.example",
            }
        ),
        TrackingPolicy(retention=PERIODS),
    )
    return dataclasses.replace(facts, **changes)


def _section(notice: dict[str, Any], heading: str) -> dict[str, Any]:
    return next(s for s in notice["sections"] if s["heading"] == heading)


def _text(section: dict[str, Any]) -> str:
    parts = [*section.get("intro", []), *section.get("items", []), *section.get("paragraphs", [])]
    return " ".join(parts)


def _page(hub_env, db, **more: str) -> str:
    client = create_app(load_settings({**hub_env, **more}), db=db).test_client()
    return client.get("/privacy").get_data(as_text=True)


# Who is responsible


def test_one_controller_is_named_as_the_data_controller() -> None:
    text = _text(
        _section(
            notice_for(load_privacy_notice(), _facts()), "Who is responsible for your information"
        )
    )
    assert "Kent County Council is the data controller for the enquiry service" in text
    assert "dpo@kent.example" in text


def test_several_controllers_are_named_as_joint_controllers(hub_env, db, geography) -> None:
    page = _page(
        hub_env,
        db,
        HUB_PRIVACY_CONTROLLERS="Kent County Council; Medway Council;Bexley Council",
        HUB_PRIVACY_DPO="dpo@kent.example",
    )
    assert "Kent County Council, Medway Council and Bexley Council are joint controllers" in page
    assert "dpo@kent.example" in page


def test_without_a_controller_development_says_so_rather_than_invent_one(client) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    assert "has not been told who its data controller is" in page
    assert "lead council" not in page


def test_the_contact_it_points_to_is_there(hub_env, db, geography) -> None:
    page = _page(hub_env, db, HUB_PRIVACY_CONTACT="Information Governance, PO Box 1, Maidstone")
    assert "contact Information Governance, PO Box 1, Maidstone, giving your enquiry" in page
    assert "contact details at the end" not in page


# What we collect


FORM_FIELD_WORDS = {
    "given_name": "your name",
    "family_name": "your name",
    "email": "email address",
    "phone": "phone number",
    "preferred_contact": "how and when you would like to be contacted",
    "best_time": "how and when you would like to be contacted",
    "postcode": "your postcode",
    "preferred_authority": "the council you would like to foster for",
    "home_authority": "which of them is yours",
    "interest": "the kind of fostering that interests you",
    "child_authority": "the child's council",
    "child_postcode": "the child's postcode",
    "adults": "who lives in your home",
    "children": "who lives in your home",
    "spare_bedroom": "who lives in your home",
    "age_band": "your age group",
    "fostering_now": "whether you already foster or are approved with another fostering service",
    "right_to_live_in_uk": "whether you have the right to live in the UK",
    "screening": "your age group",
    "message": "your message",
    "privacy_notice": "that you have read this notice",
    "keep_in_touch": "whether we may keep in touch",
}
API_ONLY_WORDS = {
    "campaign": "the campaign whose link you followed",
    "special_category": "the special category information",
}


def test_the_notice_names_everything_the_form_asks() -> None:
    section = _section(notice_for(load_privacy_notice(), _facts()), "What we collect")
    items = " ".join(section["items"])
    asked = {field for page in PAGES for field in page.fields}
    assert asked <= set(FORM_FIELD_WORDS), asked - set(FORM_FIELD_WORDS)
    for field in asked:
        assert FORM_FIELD_WORDS[field] in items, field


def test_the_notice_names_everything_the_api_accepts_beyond_the_form() -> None:
    text = _text(_section(notice_for(load_privacy_notice(), _facts()), "What we collect"))
    top_level = set(EnquiryInSchema().fields) - {"household", "consent"}
    covered = set(FORM_FIELD_WORDS) | set(API_ONLY_WORDS)
    assert top_level <= covered, top_level - covered
    for words in API_ONLY_WORDS.values():
        assert words in text
    assert "how you heard about fostering" in text  # campaign.heard_from


# Special category information


def test_the_special_category_answers_named_are_those_the_api_accepts() -> None:
    assert set(SPECIAL_CATEGORY_WORDS) == set(SpecialCategorySchema().fields)
    text = _text(
        _section(notice_for(load_privacy_notice(), _facts()), "Special category information")
    )
    for words in SPECIAL_CATEGORY_WORDS.values():
        assert words in text
    assert "Article 9(2)(g)" in text and "Article 9(2)(h)" in text and "Schedule 1" in text


def test_it_says_whether_the_form_asks_for_special_category_answers() -> None:
    asked = {field for page in PAGES for field in page.fields}
    says = _text(
        _section(notice_for(load_privacy_notice(), _facts()), "Special category information")
    )
    if asked & (set(SPECIAL_CATEGORY_WORDS) | {"special_category"}):
        assert "This form asks for them" in says
    else:
        assert "This form does not ask for them" in says
    form_asking = _facts(form_fields=frozenset({"ethnicity"}))
    text = _text(
        _section(notice_for(load_privacy_notice(), form_asking), "Special category information")
    )
    assert "This form asks for them" in text


def test_special_category_answers_do_not_decide_where_the_enquiry_goes(client, db) -> None:
    plain = routed(client, db)
    special = routed(client, db, special_category={"religion": "Quaker", "ethnicity": "Cornish"})
    ids = {ref: enquiry_id_of(db, ref) for ref in (plain, special)}
    with db.sessions() as s:
        decisions = {
            ref: s.scalars(
                select(RoutingDecisionRecord).where(RoutingDecisionRecord.enquiry_id == ids[ref])
            ).one()
            for ref in (plain, special)
        }
        assert decisions[plain].authority_code == decisions[special].authority_code == KENT
        assert decisions[plain].detail["trace"] == decisions[special].detail["trace"]
        assert "Quaker" not in str(decisions[special].detail)
        assert "Quaker" not in decisions[special].explanation


def test_only_the_council_that_has_the_enquiry_reads_special_category_answers(client, db) -> None:
    reference = routed(client, db, special_category={"disability": "Asthma"})
    mine = client.get(f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, KENT)))
    assert mine.get_json()["special_category"]["answers"] == {"disability": "Asthma"}
    other = client.get(f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, MEDWAY)))
    assert other.status_code == 404 and "Asthma" not in other.get_data(as_text=True)


# Who receives it


def test_the_home_councils_notice_carries_no_personal_details(client, db) -> None:
    reference = routed(client, db, preferred_authority="Medway", given_name="Zebedee")
    response = client.get("/v1/council/notices", headers=bearer(token_for(db, KENT)))
    assert response.status_code == 200, response.get_json()
    body = response.get_data(as_text=True)
    assert reference in body and "Zebedee" not in body and "ME14" not in body


def test_the_mail_sender_is_named_only_when_it_is_govuk_notify() -> None:
    says = _text(_section(notice_for(load_privacy_notice(), _facts()), "Who receives your enquiry"))
    assert "Notify" not in says
    notify = _facts(mail_transport="notify")
    text = _text(_section(notice_for(load_privacy_notice(), notify), "Who receives your enquiry"))
    assert "GOV.UK Notify" in text


def test_the_emails_it_names_are_the_ones_the_hub_sends() -> None:
    says = _text(_section(notice_for(load_privacy_notice(), _facts()), "Who receives your enquiry"))
    assert {str(event) for event in EnquirerEvent} == {
        "enquiry.confirmed",  # to confirm your enquiry
        "enquiry.transferred",  # each time another council takes it over
        "enquiry.closed",  # once if our team closes it, for the reasons named
        "enquiry.confirmed_by_text",  # the text, only where texts are configured (below)
    }
    assert "each time another council takes it over" in says
    assert "text message" not in says  # no Notify SMS template: no text is sent
    texting = notice_for(load_privacy_notice(), _facts(sends_texts=True))
    assert "one text message with your reference and the council's name" in _text(
        _section(texting, "Who receives your enquiry")
    )
    assert TELLS_ENQUIRER == {ClosureReason.NOT_ABOUT_FOSTERING, ClosureReason.WITHDRAWN}
    assert "closes it because it is not about fostering or because you asked us to" in says


# How long we keep it


def test_the_periods_are_the_ones_the_retention_job_applies() -> None:
    items = _section(notice_for(load_privacy_notice(), _facts()), "How long we keep it")["items"]
    assert items == [
        "if you do not go on to apply: 2 years after the last thing that happened on your enquiry",
        "if you apply and withdraw, or your application is refused: 4 years after the last "
        "thing that happened on it",
        "if you are approved as a foster carer: for as long as you foster, then 12 years after "
        "you stop",
        "if you live outside England and we pointed you to a service there: 30 days after that",
    ]
    last = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    day = local_day(last)
    assert expiry_of(PERIODS, None, last) == ("no_application", add_months(day, 24))
    applied = Journey(application_at=last)
    assert expiry_of(PERIODS, applied, last) == ("application", add_months(day, 48))
    fostering = Journey(application_at=last, approved_at=last)
    assert expiry_of(PERIODS, fostering, last) == ("approved", None)  # kept while fostering
    stopped = Journey(application_at=last, approved_at=last, deregistered_at=last)
    assert expiry_of(PERIODS, stopped, last) == ("approved", add_months(day, 144))


def test_a_councils_own_periods_are_stated_with_its_name() -> None:
    tracking = TrackingPolicy(
        retention=PERIODS,
        councils=(CouncilTracking(KENT, retention=RetentionPeriods(no_application_years=1)),),
    )
    facts = privacy_facts(load_settings({}), tracking)
    text = _text(_section(notice_for(load_privacy_notice(), facts), "How long we keep it"))
    assert "If your enquiry is with Kent, it is kept: if you do not go on to apply: 1 years" in (
        text
    )


def test_what_is_erased_and_what_is_kept_is_what_anonymising_does(client, db) -> None:
    text = _text(_section(notice_for(load_privacy_notice(), _facts()), "How long we keep it"))
    assert "your postcode is cut to its first part (like ME14)" in text
    assert district_of("ME14 1XQ") == "ME14"
    reference = routed(
        client,
        db,
        message="We have a spare room.",
        special_category={"religion": "Quaker"},
        campaign={"utm_campaign": "spring", "heard_from": "My neighbour Jane"},
    )
    enquiry_id = enquiry_id_of(db, reference)
    with db.transaction() as session:
        anonymise_enquiry(session, enquiry_id, "no_application", local_day(utcnow()), utcnow())
    enquiry = get_enquiry(db, reference)
    # Erased: name, contact details, household, message, how you heard, special category.
    assert enquiry.personal == {"postcode": "ME14", "anonymised": True}
    assert enquiry.special_category is None and enquiry.heard_from is None
    # Kept, as the notice says: the kind of fostering, the council, the campaign link.
    assert enquiry.interest == "mainstream"
    assert enquiry.authority_code == KENT
    assert enquiry.campaign == {"utm_campaign": "spring"}


def test_a_connected_persons_child_postcode_is_erased_and_the_childs_council_kept(
    client, db
) -> None:
    text = _text(_section(notice_for(load_privacy_notice(), _facts()), "How long we keep it"))
    assert "the child's postcode and any special category answers are erased" in text
    assert "the council, the child's council," in text
    reference = routed(
        client, db, postcode="RG1 1AF", interest="child_i_know", child_postcode="ME14 1XQ"
    )
    with db.transaction() as session:
        anonymise_enquiry(
            session, enquiry_id_of(db, reference), "no_application", local_day(utcnow()), utcnow()
        )
    enquiry = get_enquiry(db, reference)
    assert enquiry.personal == {"postcode": "RG1", "anonymised": True}
    assert (enquiry.connected_person, enquiry.authority_code) == (True, KENT)


def test_the_signposted_period_is_the_one_the_setting_gives() -> None:
    facts = privacy_facts(
        load_settings({"HUB_SIGNPOSTED_RETENTION_DAYS": "14"}), TrackingPolicy(retention=PERIODS)
    )
    items = _section(notice_for(load_privacy_notice(), facts), "How long we keep it")["items"]
    assert items[-1] == (
        "if you live outside England and we pointed you to a service there: 14 days after that"
    )
