"""API tokens expire: a year unless `--expires-in` says otherwise; an expired token gets 401."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hub.access.authenticate import authenticate
from hub.access.manage_tokens import parse_lifetime
from hub.access.models import ApiToken
from hub.cli import main
from hub.platform.errors import TokenExpiredError
from hub.platform.models import utcnow
from tests.access.factories import ApiTokenFactory, bearer


def _create(db, *args: str) -> ApiToken:
    result = CliRunner().invoke(main, ["councils", "token", "create", "Kent", *args])
    assert result.exit_code == 0, result.output
    with db.sessions() as s:
        [row] = s.scalars(select(ApiToken))
    return row


def test_a_new_token_expires_in_a_year_by_default(db, geography) -> None:
    row = _create(db)
    assert row.expires_at - row.created_at == timedelta(days=365)


@pytest.mark.parametrize(
    ("text", "lifetime"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), ("2y", timedelta(days=730))],
)
def test_expires_in_sets_the_lifetime(db, geography, text: str, lifetime: timedelta) -> None:
    row = _create(db, "--expires-in", text)
    assert row.expires_at - row.created_at == lifetime


@pytest.mark.parametrize("text", ["0d", "-1d", "90", "1 year", "6y", "9999999999d", "²d"])
def test_expires_in_refuses_what_is_not_a_lifetime(db, geography, text: str) -> None:
    result = CliRunner().invoke(main, ["councils", "token", "create", "Kent", "--expires-in", text])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    with db.sessions() as s:
        assert list(s.scalars(select(ApiToken))) == []


def test_parse_lifetime_names_the_units() -> None:
    assert parse_lifetime("6w") == timedelta(weeks=6)
    with pytest.raises(ValueError, match="like 90d"):
        parse_lifetime("soon")


def test_list_shows_when_each_token_expires(db, geography) -> None:
    live = ApiTokenFactory(db=db).row
    old = ApiTokenFactory(db=db, expires_at=utcnow() - timedelta(days=1)).row
    result = CliRunner().invoke(main, ["councils", "token", "list"])
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    column = header.split("\t").index("expires")
    expires = {int(line.split("\t")[0]): line.split("\t")[column] for line in lines}
    assert expires[live.id] == live.expires_at.isoformat(timespec="seconds")
    assert expires[old.id] == old.expires_at.isoformat(timespec="seconds") + " (expired)"


def test_an_expired_token_is_refused_with_token_expired(client, db) -> None:
    issued = ApiTokenFactory(db=db, expires_at=utcnow() - timedelta(seconds=1))
    response = client.get("/v1/council/referrals", headers=bearer(issued.token))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "token_expired"
    assert "expired" in body["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_works_until_the_moment_it_expires(db, geography) -> None:
    issued = ApiTokenFactory(db=db)
    header = f"Bearer {issued.token}"
    expires_at = issued.row.expires_at
    assert authenticate(db, header, now=expires_at - timedelta(seconds=1)).token_id == issued.row.id
    with pytest.raises(TokenExpiredError):
        authenticate(db, header, now=expires_at)
