"""No request, however odd, makes the API answer 5xx; every refusal is problem+json.

The strategies reach the classes of input that once gave 500s: JSON nested thousands deep,
integers longer than Python's int-digits limit, times whose UTC equivalent leaves the
calendar, tampered cursors and content types that merely end in ``json``.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.intake.factories import enquiry_body
from tests.support.council import KENT, bearer, token_for

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=15), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    *list(enquiry_body().keys()),
    "message",
    "special_category",
    "campaign",
    "best_time",
    "preferred_authority",
]
PLACEHOLDER = "__fuzz_raw__"
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/evil+json",
            "application/problem+json",
            "text/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain",
            "",
        ]
    ),
    st.from_regex(r"\A(application|text)/[a-z.+-]{0,12}json\Z"),
)


@st.composite
def mutated_enquiries(draw: st.DrawFn) -> object:
    body: dict[str, object] = enquiry_body()
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            body[name] = draw(json_values)
        else:
            body.pop(name, None)
    return body


# JSON text Python's json module cannot hand back as objects without an error of its own.
huge_integers = st.builds(
    lambda sign, digits: sign + "9" * digits, st.sampled_from(["", "-"]), st.integers(19, 6000)
)


@st.composite
def raw_bodies(draw: st.DrawFn) -> str:
    """JSON text: odd values; a huge number or deep nesting inside an enquiry; a deep document."""
    shape = draw(st.sampled_from(["value", "huge", "deep", "deep_document"]))
    if shape == "value":
        return json.dumps(draw(st.one_of(json_values, mutated_enquiries())))
    if shape == "deep_document":
        return _valid_deep(draw(st.integers(2, 6000)))
    body = enquiry_body()
    path = draw(st.sampled_from(["household.adults", "given_name", "campaign.utm_source", "x"]))
    target: Any = body
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = PLACEHOLDER
    raw = draw(huge_integers) if shape == "huge" else _valid_deep(draw(st.integers(2, 6000)))
    return json.dumps(body).replace(json.dumps(PLACEHOLDER), raw)


def _valid_deep(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def _assert_no_5xx(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(json_values, mutated_enquiries()))
def test_no_json_body_makes_the_api_answer_5xx(client, body: object) -> None:
    response = client.post("/v1/enquiries", data=json.dumps(body), content_type="application/json")
    _assert_no_5xx(response)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=raw_bodies())
def test_no_json_text_makes_the_api_answer_5xx(client, raw: str) -> None:
    _assert_no_5xx(client.post("/v1/enquiries", data=raw, content_type="application/json"))


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(content_type=CONTENT_TYPES)
def test_only_application_json_is_taken_as_json(client, content_type: str) -> None:
    response = client.post(
        "/v1/enquiries", data=json.dumps(enquiry_body()), content_type=content_type
    )
    _assert_no_5xx(response)
    assert (response.status_code == 202) == (content_type.split(";")[0] == "application/json")


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=raw_bodies())
def test_no_json_text_makes_a_council_action_answer_5xx(client, db, raw: str) -> None:
    response = client.post(
        "/v1/council/referrals/FE-AAAAAAAA/transfer",
        data=raw,
        content_type="application/json",
        headers=bearer(token_for(db, KENT)),
    )
    _assert_no_5xx(response)


offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
# Times at the calendar's edges, where converting to UTC leaves the years 1 to 9999.
edge_times = st.builds(
    lambda day, offset: day.replace(tzinfo=offset).isoformat(),
    st.sampled_from([datetime(1, 1, 1), datetime(1, 1, 1, 13, 59), datetime(9999, 12, 31, 23, 59)]),
    offsets,
)
extreme_times = st.one_of(
    edge_times,
    st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=offsets
    ).map(datetime.isoformat),
    st.text(max_size=40),
)


def _old_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


cursors = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda kind, micros, row: f"{kind}.{micros}.{row}",
        st.sampled_from(["referrals", "triage", "x"]),
        st.integers(-(10**20), 10**20),
        st.one_of(st.integers(-(10**40), 10**40), st.just("1e30"), st.just("true")),
    ),
    st.builds(
        _old_cursor,
        st.tuples(
            st.just("referrals"),
            st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
            json_values,
        ),
    ),
)


list_queries = st.fixed_dictionaries(
    {},
    optional={
        "received_since": extreme_times,
        "cursor": cursors,
        "limit": st.text(max_size=25) | st.integers().map(str),
    },
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=list_queries)
def test_no_list_query_makes_the_inbox_or_triage_answer_5xx(
    client, db, query: dict[str, str]
) -> None:
    for path, token in (
        ("/v1/council/referrals", token_for(db, KENT)),
        ("/v1/ops/triage", token_for(db, hub=True)),
    ):
        _assert_no_5xx(client.get(path, query_string=query, headers=bearer(token)))
