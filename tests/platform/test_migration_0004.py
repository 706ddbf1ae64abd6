"""Migration 0004: existing tokens expire a year after creation; heard_from leaves plaintext."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from config.settings import Settings
from hub.platform.crypto import get_cipher
from hub.platform.db import make_engine
from hub.platform.migrate import alembic_config, upgrade
from hub.platform.models import UTCDateTime
from tests.support.backends import backend_name, postgres_database

HEARD_FROM = "My neighbour Mrs Patel at 12 Acacia Road"
CREATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

_tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer()),
    sa.column("prefix", sa.String()),
    sa.column("secret_hash", sa.String()),
    sa.column("scope", sa.String()),
    sa.column("scope_value", sa.String()),
    sa.column("created_at", UTCDateTime()),
)
_enquiries = sa.table(
    "enquiries",
    sa.column("id", sa.Integer()),
    sa.column("reference", sa.String()),
    sa.column("status", sa.String()),
    sa.column("status_changed_at", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
    sa.column("personal", sa.Text()),
    sa.column("interest", sa.String()),
    sa.column("campaign", sa.JSON()),
    sa.column("consent_privacy_notice", sa.Boolean()),
    sa.column("consent_keep_in_touch", sa.Boolean()),
)


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the session's backend, for this test alone."""
    if backend_name() == "services":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"


@pytest.fixture
def at_0003(scratch_url: str, settings: Settings) -> Iterator[sa.Engine]:
    """The scratch database at revision 0003 with a token and an enquiry that says heard_from."""
    upgrade(scratch_url, "0003")
    engine = make_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(
            _tokens.insert().values(
                id=1, prefix="abc123abc123", secret_hash="0" * 64, scope="hub", created_at=CREATED
            )
        )
        conn.execute(
            _enquiries.insert().values(
                id=1,
                reference="FE-AAAAAAAA",
                status="received",
                status_changed_at=CREATED,
                created_at=CREATED,
                personal=get_cipher().encrypt_json({"given_name": "Sam"}),
                interest="mainstream",
                campaign={"utm_source": "radio", "heard_from": HEARD_FROM},
                consent_privacy_notice=True,
                consent_keep_in_touch=False,
            )
        )
    yield engine
    engine.dispose()


def test_existing_tokens_expire_a_year_after_they_were_made(
    scratch_url: str, at_0003: sa.Engine
) -> None:
    upgrade(scratch_url)
    with at_0003.connect() as conn:
        expires_at = conn.execute(
            sa.select(sa.column("expires_at", UTCDateTime())).select_from(sa.table("api_tokens"))
        ).scalar_one()
    assert expires_at == CREATED + timedelta(days=365)


def test_heard_from_is_encrypted_and_leaves_the_campaign(
    scratch_url: str, at_0003: sa.Engine
) -> None:
    upgrade(scratch_url)
    with at_0003.connect() as conn:
        campaign, stored = conn.execute(
            sa.text("SELECT campaign, heard_from FROM enquiries WHERE id = 1")
        ).one()
        every_value = " ".join(
            str(v) for row in conn.execute(sa.text("SELECT * FROM enquiries")) for v in row
        )
    assert "Patel" not in every_value and "Acacia" not in every_value
    assert get_cipher().decrypt_json(stored) == HEARD_FROM
    assert "heard_from" not in str(campaign) and "radio" in str(campaign)


def test_downgrade_puts_heard_from_back(scratch_url: str, at_0003: sa.Engine) -> None:
    upgrade(scratch_url)
    command.downgrade(alembic_config(scratch_url), "0003")
    with at_0003.connect() as conn:
        campaign = conn.execute(sa.select(_enquiries.c.campaign)).scalar_one()
    assert campaign == {"utm_source": "radio", "heard_from": HEARD_FROM}
