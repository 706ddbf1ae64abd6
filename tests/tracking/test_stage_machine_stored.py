"""The stored journey follows the pure state machine, whatever stages a council sends."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.access.caller import Caller, RequestContext
from hub.access.models import TokenScope
from hub.platform.models import utcnow
from hub.tracking.errors import StageNotAllowedError
from hub.tracking.models import ClockState
from hub.tracking.queries import find_journey, list_clocks
from hub.tracking.record_stage import record_progress
from hub.tracking.stages import REASONS, JourneyState, Stage
from tests.support.council import KENT, enquiry_id_of, routed

KENT_CALLER = Caller(1, TokenScope.AUTHORITY, KENT, frozenset({KENT}))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(list(Stage)), min_size=1, max_size=8))
def test_stored_journey_matches_the_pure_machine(client, db, sequence: list[Stage]) -> None:
    reference = routed(client, db)
    enquiry_id = enquiry_id_of(db, reference)
    expected = JourneyState()
    start = utcnow()
    for step, stage in enumerate(sequence, start=1):
        ctx = RequestContext(KENT_CALLER, None, start + timedelta(minutes=step))
        reason = REASONS[stage][0] if stage in REASONS else None
        try:
            record_progress(db, ctx, reference, stage=str(stage), reason=reason)
        except StageNotAllowedError:
            accepted = False
        else:
            accepted = True
        assert accepted == (stage in expected.allowed())
        if accepted:
            expected = expected.after(stage)
    with db.sessions() as session:
        journey = find_journey(session, enquiry_id)
        clocks = list_clocks(session, enquiry_id)
    if expected.last is None:
        assert journey is None
        return
    assert journey is not None
    assert (journey.stage, journey.position) == (str(expected.last), expected.position)
    if expected.last in (Stage.WITHDRAWN, Stage.NOT_PROGRESSED):
        assert not [c for c in clocks if c.state in (ClockState.RUNNING, ClockState.PAUSED)]
    if expected.last is Stage.ON_HOLD:
        assert not [c for c in clocks if c.state == ClockState.RUNNING]
