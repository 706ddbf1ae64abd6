"""No JSON body, however odd, makes the intake API answer 5xx."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.intake.factories import enquiry_body

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


@st.composite
def mutated_enquiries(draw: st.DrawFn) -> object:
    body: dict[str, object] = enquiry_body()
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        if draw(st.booleans()):
            body[name] = draw(json_values)
        else:
            body.pop(name, None)
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(json_values, mutated_enquiries()))
def test_no_json_body_makes_the_api_answer_5xx(client, body: object) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/v1/enquiries", data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
