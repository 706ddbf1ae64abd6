"""Benchmark the carer form's checks: one enquiry's pages, checked page by page vs whole body.

    .venv/bin/python bench/carer_form.py [--rounds 7] [--number 100]

Walks one enquiry through the form's checks as the pages call them: each of the seven pages
saved (its errors, then the first unfinished page), the check-answers page, and the send.
"now" is ``hub.web.carer.questions`` (each page loads the API's schema restricted to its own
answers; the whole schema once, at send). "whole body" is how the form checked before, kept
here as the yardstick: every check built the API's schema and loaded every answer given so far.
Rounds alternate the two, and the ratio is taken round by round.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marshmallow import ValidationError

from hub.intake.schemas import EnquiryInSchema
from hub.web.carer.questions import PAGES, Page, check, first_unfinished, form_to_body, page_errors

# A valid enquiry as the form posts it, page by page (made-up person; a postcode that needs
# no geography: the form's schema checks its shape only).
ANSWERS: dict[str, dict[str, str]] = {
    "your-name": {"given_name": "Sam", "family_name": "Jones"},
    "contact": {"email": "sam@example.org", "phone": "07911 123456", "preferred_contact": "phone"},
    "where-you-live": {"postcode": "ME14 1XQ"},
    "fostering": {"interest": "mainstream"},
    "household": {"adults": "2", "children": "0", "spare_bedroom": "yes"},
    "anything-else": {"message": "We have fostered before."},
    "your-information": {"privacy_notice": "yes", "keep_in_touch": ""},
}


_BUILT_ONCE = EnquiryInSchema()


def _whole_body_errors(answers: dict[str, str], schema: EnquiryInSchema | None) -> list[str]:
    try:
        (schema or EnquiryInSchema()).load(form_to_body(answers))
    except ValidationError as exc:
        return list(exc.messages)
    return []


def whole_body_journey(schema: EnquiryInSchema | None = None) -> None:
    """The checks as the form made them before: the whole body each time, and (unless a
    ``schema`` is given) a fresh schema each time."""
    answers: dict[str, str] = {}
    for page in PAGES:
        answers.update(ANSWERS[page.slug])
        _whole_body_errors(answers, schema)  # this page's errors
        _whole_body_errors(answers, schema)  # the first unfinished page
    _whole_body_errors(answers, schema)  # check-answers
    _whole_body_errors(answers, schema)  # send: the data
    _whole_body_errors(answers, schema)  # send: the first unfinished page


def whole_body_built_once_journey() -> None:
    """As before, but with the schema built once: how much of the gain is loading less."""
    whole_body_journey(_BUILT_ONCE)


def page_by_page_journey() -> None:
    """The same checks through hub.web.carer.questions as the pages call them now."""
    answers: dict[str, str] = {}
    page: Page
    for page in PAGES:
        answers.update(ANSWERS[page.slug])
        assert not page_errors(answers, page)
        first_unfinished(answers)
    assert first_unfinished(answers) is None  # check-answers
    assert first_unfinished(answers) is None  # send
    data, _ = check(answers)
    assert data is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=100, help="journeys per round")
    args = parser.parse_args()
    runs = {
        "page by page (now)": page_by_page_journey,
        "whole body (before)": whole_body_journey,
        "whole body, schema built once": whole_body_built_once_journey,
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(args.rounds):
        for name, run in runs.items():
            times[name].append(timeit.timeit(run, number=args.number) / args.number)
    now = times["page by page (now)"]
    print(f"one enquiry's form checks, median of {args.rounds} rounds x {args.number}:")
    for name, seconds in times.items():
        ratios = [a / b for a, b in zip(now, seconds, strict=True)]
        print(
            f"  {name:31} {statistics.median(seconds) * 1e3:7.3f} ms"
            f"   now/this {statistics.median(ratios):.3f}"
            f" (min {min(ratios):.3f}, max {max(ratios):.3f})"
        )


if __name__ == "__main__":
    main()
