"""How the staff pages show an enquirer's answers."""

from __future__ import annotations

from hub.web.staff.display import enquirer_rows, screening_words


def test_screening_answers_are_shown_in_the_words_the_enquirer_chose_them_by() -> None:
    answers = {"age_band": "under_21", "fostering_now": "agency", "right_to_live_in_uk": "not_sure"}
    assert screening_words(answers) == (
        "Age: Under 21; Already fostering: Yes, with a fostering agency; "
        "Right to live in the UK: I'm not sure"
    )


def test_the_screening_row_uses_those_words() -> None:
    rows = enquirer_rows({"given_name": "Sam", "screening": {"age_band": "35_to_49"}})
    assert {"key": {"text": "Screening"}, "value": {"text": "Age: 35 to 49"}} in rows
