"""`hub councils token` creates, lists and revokes tokens; only a hash is ever stored."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner
from sqlalchemy import select

from hub.access.models import ApiToken
from hub.cli import main
from hub.platform.models import utcnow
from tests.access.factories import ApiTokenFactory


def _create(*args: str) -> str:
    result = CliRunner().invoke(main, ["councils", "token", "create", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _rows(db) -> list[ApiToken]:
    with db.sessions() as s:
        return list(s.scalars(select(ApiToken)))


def test_create_prints_the_token_alone_on_stdout(db, geography) -> None:
    out = _create("E10000016")
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("fhub_")
    assert out == lines[0] + "\n"


def test_only_a_hash_of_the_token_is_stored(db, geography) -> None:
    token = _create("E10000016", "--label", "Kent fostering team").strip()
    (row,) = _rows(db)
    assert row.secret_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in vars(row).values()]
    assert all(token not in value for value in stored)
    # The secret itself may contain "_": split off only the kind and the prefix.
    assert token.split("_", 2)[2] not in " ".join(stored)
    assert (row.scope, row.scope_value, row.label) == (
        "authority",
        "E10000016",
        "Kent fostering team",
    )


def test_create_accepts_a_council_name_and_stores_its_code(db, geography) -> None:
    _create("Kent County Council")
    assert _rows(db)[0].scope_value == "E10000016"


def test_create_accepts_a_delivery_body_from_the_rules(db, geography) -> None:
    _create("achieving for children")
    (row,) = _rows(db)
    assert (row.scope, row.scope_value) == ("delivery_body", "Achieving for Children")


def test_create_refuses_an_unknown_council(db, geography) -> None:
    result = CliRunner().invoke(main, ["councils", "token", "create", "E99999999"])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert _rows(db) == []


def test_hub_operator_token_has_hub_scope(db, geography) -> None:
    _create("--hub-operator")
    (row,) = _rows(db)
    assert (row.scope, row.scope_value) == ("hub", None)


def test_list_shows_tokens_without_secrets(db, geography) -> None:
    token = _create("E10000016", "--label", "Kent").strip()
    result = CliRunner().invoke(main, ["councils", "token", "list"])
    assert result.exit_code == 0
    header, line = result.stdout.splitlines()
    assert header.split("\t") == [
        "id",
        "prefix",
        "scope",
        "label",
        "created",
        "expires",
        "last_used",
        "revoked",
    ]
    fields = line.split("\t")
    assert fields[1] == token.split("_")[1]
    assert fields[2] == "authority:E10000016"
    assert fields[6:] == ["-", "-"]
    assert token not in result.stdout


def test_revoke_marks_the_token_revoked(db, geography) -> None:
    token_id = ApiTokenFactory(db=db).row.id
    result = CliRunner().invoke(main, ["councils", "token", "revoke", str(token_id)])
    assert result.exit_code == 0
    assert _rows(db)[0].revoked_at is not None


def test_revoking_an_unknown_token_fails(db, geography) -> None:
    result = CliRunner().invoke(main, ["councils", "token", "revoke", "999"])
    assert result.exit_code != 0


def test_revoking_a_revoked_token_fails(db, geography) -> None:
    token_id = ApiTokenFactory(db=db, revoked_at=utcnow()).row.id
    result = CliRunner().invoke(main, ["councils", "token", "revoke", str(token_id)])
    assert result.exit_code != 0
