"""The journey's state machine, checked on random sequences of stages (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hub.tracking.stages import PROGRESS, JourneyState, Stage, position_of

stages = st.lists(st.sampled_from(list(Stage)), max_size=25)


def walk(sequence: list[Stage]) -> list[tuple[JourneyState, Stage, JourneyState | None]]:
    """Apply each stage in turn; refused stages leave the state unchanged (None after)."""
    state = JourneyState()
    steps = []
    for stage in sequence:
        try:
            after: JourneyState | None = state.after(stage)
        except ValueError:
            after = None
        steps.append((state, stage, after))
        state = after or state
    return steps


@given(stages)
def test_a_stage_is_accepted_exactly_when_it_is_listed_as_allowed(sequence: list[Stage]) -> None:
    for state, stage, after in walk(sequence):
        assert (after is not None) == (stage in state.allowed())


@given(stages)
def test_progress_never_goes_back(sequence: list[Stage]) -> None:
    for state, stage, after in walk(sequence):
        if after is None:
            continue
        assert after.position >= state.position
        if stage in PROGRESS:
            assert position_of(stage) > state.position  # strictly forward, skips allowed


@given(stages)
def test_nothing_follows_not_progressed_or_deregistered(sequence: list[Stage]) -> None:
    for state, _, after in walk(sequence):
        if state.last in (Stage.NOT_PROGRESSED, Stage.DEREGISTERED):
            assert after is None


@given(stages)
def test_resumed_only_after_on_hold_or_withdrawn(sequence: list[Stage]) -> None:
    for state, stage, after in walk(sequence):
        if stage is Stage.RESUMED and after is not None:
            assert state.last in (Stage.ON_HOLD, Stage.WITHDRAWN)


@given(stages)
def test_deregistered_only_after_approval_and_approval_ends_withdrawal(
    sequence: list[Stage],
) -> None:
    for state, stage, after in walk(sequence):
        if after is None:
            continue
        if stage is Stage.DEREGISTERED:
            assert state.position == position_of(Stage.APPROVED)
        if state.position == position_of(Stage.APPROVED):
            assert stage is Stage.DEREGISTERED


def test_every_forward_skip_is_allowed_from_the_start() -> None:
    assert set(JourneyState().allowed()) >= set(PROGRESS)


def test_on_hold_allows_resuming_or_stopping_only() -> None:
    state = JourneyState(Stage.ON_HOLD, 3)
    assert state.allowed() == (Stage.RESUMED, Stage.WITHDRAWN, Stage.NOT_PROGRESSED)


@given(stages)
def test_a_brief_report_comes_after_the_application_and_before_panel(
    sequence: list[Stage],
) -> None:
    for state, stage, after in walk(sequence):
        if stage is Stage.BRIEF_REPORT and after is not None:
            assert position_of(Stage.APPLICATION) <= state.position < position_of(Stage.PANEL)
            assert after.position == state.position  # a path beside the progress, not a step
        if state.last is Stage.BRIEF_REPORT and after is not None:
            assert stage in (Stage.PANEL, Stage.WITHDRAWN, Stage.NOT_PROGRESSED)


@given(stages)
def test_a_refusal_comes_after_panel_and_before_approval_then_approval_or_an_end(
    sequence: list[Stage],
) -> None:
    for state, stage, after in walk(sequence):
        if stage is Stage.REFUSED and after is not None:
            assert position_of(Stage.PANEL) <= state.position < position_of(Stage.APPROVED)
        if state.last is Stage.REFUSED and after is not None:
            assert stage in (Stage.APPROVED, Stage.WITHDRAWN, Stage.NOT_PROGRESSED)


@given(stages)
def test_the_decision_and_the_checks_keep_their_places_in_the_order(sequence: list[Stage]) -> None:
    for state, stage, after in walk(sequence):
        if after is None:
            continue
        if stage is Stage.STAGE_ONE_CHECKS_RECEIVED:
            assert state.position < position_of(Stage.STAGE_ONE)
        if stage is Stage.ADM_DECISION:
            assert state.position < position_of(Stage.APPROVED)
            assert after.position == position_of(Stage.ADM_DECISION)


def test_the_new_stages_sit_where_the_regulations_put_them() -> None:
    order = [str(stage) for stage in PROGRESS]
    assert order.index("application") < order.index("stage_one_checks_received")
    assert order.index("stage_one_checks_received") < order.index("stage_one")
    assert order.index("panel") < order.index("adm_decision") < order.index("approved")
