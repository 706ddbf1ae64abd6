"""Ofsted's withdrawal codes beside the hub's reasons, and the renamed codes' one release."""

from __future__ import annotations

from hub.tracking.ofsted_reasons import (
    DEPRECATED,
    DEREGISTRATION_TO_OFSTED,
    WITHDRAWAL_TO_OFSTED,
    DeregistrationReason,
    OfstedWithdrawal,
    WithdrawalReason,
    ofsted_code_of,
)
from hub.tracking.stages import REASONS, Stage
from tests.support.council import KENT, routed, token_for
from tests.tracking.support import journey, progress
from tests.tracking.test_follow_ups import id_of, outcome


def test_every_withdrawal_reason_maps_to_exactly_one_ofsted_code() -> None:
    assert set(WITHDRAWAL_TO_OFSTED) == set(WithdrawalReason)
    assert set(WITHDRAWAL_TO_OFSTED.values()) == set(OfstedWithdrawal)  # every code is reachable
    assert set(REASONS[Stage.WITHDRAWN]) == set(WithdrawalReason)


def test_every_deregistration_reason_has_ofsted_s_split_and_the_network_s_reasons() -> None:
    assert set(DEREGISTRATION_TO_OFSTED) == set(DeregistrationReason)
    codes = {str(reason) for reason in DeregistrationReason}
    assert {"lack_of_support", "lack_of_respect_from_professionals", "burnout"} <= codes
    assert {"retirement", "moved_to_another_fostering_service"} <= codes


def test_a_renamed_code_maps_to_a_current_one() -> None:
    for (stage, old), new in DEPRECATED.items():
        assert old not in REASONS[Stage(stage)] and new in REASONS[Stage(stage)]
        assert ofsted_code_of(stage, new) is not None


def test_a_withdrawal_is_stored_with_its_ofsted_code(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "application")
    body = progress(client, token, reference, "withdrawn", reason="allegation_risk").get_json()
    assert (body["stages"][-1]["reason"], body["stages"][-1]["ofsted_code"]) == (
        "allegation_risk",
        "AW5",
    )


def test_an_old_withdrawal_code_still_works_for_a_release_with_a_deprecation_header(
    client, db
) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    response = progress(client, token, reference, "withdrawn", reason="communication_or_delays")
    assert response.status_code == 200, response.get_json()
    assert response.headers["Deprecation"].startswith("@")
    last = journey(client, token, reference)["stages"][-1]
    assert (last["reason"], last["ofsted_code"]) == ("assessment_delays_or_communication", "AW2")


def test_an_old_deregistration_code_on_a_follow_up_outcome_is_mapped(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "approved")
    response = outcome(
        client,
        token,
        id_of(db, "retention_check_in", 1),
        outcome="deregistered",
        reason="moved_to_an_agency",
    )
    assert response.status_code == 200, response.get_json()
    assert "Deprecation" in response.headers
    assert response.get_json()["outcome_detail"]["reason"] == "moved_to_another_fostering_service"
    last = journey(client, token, reference)["stages"][-1]
    assert (last["stage"], last["ofsted_code"]) == (
        "deregistered",
        "moved_to_another_fostering_service",
    )


def test_burnout_is_a_deregistration_reason(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "approved")
    response = progress(client, token, reference, "deregistered", reason="burnout")
    assert response.status_code == 200
    assert "Deprecation" not in response.headers
    assert response.get_json()["stages"][-1]["ofsted_code"] == "personal_circumstances"
