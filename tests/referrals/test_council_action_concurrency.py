"""Council actions are safe under concurrency, and keep personal data out of the logs."""

from __future__ import annotations

import threading

from sqlalchemy import select

from hub.access.caller import Caller, RequestContext
from hub.access.models import TokenScope
from hub.enquiries.journey import JourneyEvent
from hub.platform.errors import ConcurrentChangeError, NotFoundError
from hub.referrals.return_to_hub import return_referral
from hub.referrals.transfer import transfer_referral
from tests.support.council import KENT, MEDWAY, bearer, routed, token_for


def _kent() -> RequestContext:
    return RequestContext(Caller(1, TokenScope.AUTHORITY, KENT, frozenset({KENT})))


def test_concurrent_return_and_transfer_let_exactly_one_win(client, db) -> None:
    reference = routed(client, db)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(action: str) -> None:
        barrier.wait()
        try:
            if action == "return":
                return_referral(db, _kent(), reference, reason="duplicate", note=None)
            else:
                transfer_referral(db, _kent(), reference, target=MEDWAY, reason="Closer to work")
            outcomes.append("won")
        except (NotFoundError, ConcurrentChangeError):
            outcomes.append("lost")

    threads = [threading.Thread(target=attempt, args=(a,)) for a in ("return", "transfer")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    with db.sessions() as s:
        events = s.scalars(
            select(JourneyEvent.event).where(JourneyEvent.event.in_(["returned", "transferred"]))
        ).all()
    assert len(events) == 1


def test_council_reads_and_actions_log_no_personal_data(client, db, capfd) -> None:
    reference = routed(
        client, db, given_name="Zebedee", family_name="Quixote", email="zq@example.org"
    )
    other = routed(client, db, given_name="Zebedee", family_name="Quixote", email="zq@example.org")
    token = token_for(db, KENT)
    capfd.readouterr()
    client.get("/v1/council/referrals", headers=bearer(token))
    client.get(f"/v1/council/referrals/{reference}", headers=bearer(token))
    client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(token),
        json={"authority": MEDWAY, "reason": "Zebedee asked for Medway"},
    )
    client.post(
        f"/v1/council/referrals/{other}/return",
        headers=bearer(token),
        json={"reason": "duplicate", "note": "Quixote called twice"},
    )
    out, err = capfd.readouterr()
    for secret in ("Zebedee", "Quixote", "zq@example.org", "ME14"):
        assert secret not in out + err
