"""A running worker follows its rules file: no restart to change the rules, none to survive a
broken edit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

from hub.enquiries.models import Enquiry
from hub.platform.queues import Queue
from hub.referrals.models import RoutingDecisionRecord
from hub.rules.active import RECHECK_SECONDS
from tests.intake.factories import enquiry_body
from tests.rules.test_rules_reload import ORIGINAL, broken, with_version
from tests.support.processes import CeleryProcess, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


@pytest.fixture
def worker(
    hub_env: dict[str, str], tmp_path: Path, rules_file: Path, db
) -> Iterator[CeleryProcess]:
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    env = {**hub_env, "HUB_RULES_PATH": str(rules_file)}
    proc = CeleryProcess("worker", env, tmp_path / "worker.log")
    proc.wait_ready()
    yield proc
    proc.stop()


def _routed_with(client, db, worker: CeleryProcess) -> str:
    """Submit an enquiry, wait until the worker routes it; the rules version it used."""
    reference = client.post("/v1/enquiries", json=enquiry_body()).get_json()["reference"]

    def version() -> str | None:
        with db.sessions() as s:
            return s.scalar(
                select(RoutingDecisionRecord.rules_version)
                .join(Enquiry, Enquiry.id == RoutingDecisionRecord.enquiry_id)
                .where(Enquiry.reference == reference)
            )

    wait_for(lambda: version() is not None, 30, lambda: f"not routed:\n{worker.log()[-3000:]}")
    return str(version())


def test_a_worker_routes_with_a_changed_rules_file_within_seconds(
    client, db, worker, rules_file
) -> None:
    assert _routed_with(client, db, worker) == "2025.1"
    rules_file.write_text(with_version("2025.2"), encoding="utf-8")
    seen: list[str] = []

    def routes_with_the_new_rules() -> bool:
        seen.append(_routed_with(client, db, worker))
        return seen[-1] == "2025.2"

    wait_for(
        routes_with_the_new_rules,
        RECHECK_SECONDS + 10,
        lambda: f"still routing with {seen}",
    )

    rules_file.write_text(broken("2025.3"), encoding="utf-8")
    wait_for(
        # Each enquiry routed meanwhile uses the rules in use; the refusal comes on a check.
        lambda: _routed_with(client, db, worker) == "2025.2" and "refused" in worker.log(),
        RECHECK_SECONDS + 10,
        lambda: f"no refusal in the worker log:\n{worker.log()[-3000:]}",
    )
    assert _routed_with(client, db, worker) == "2025.2"
    line = next(line for line in worker.log().splitlines() if "refused" in line)
    assert "E10099999" in line and "still routing with version 2025.2" in line
    assert "@example.org" not in worker.log() and "ME14" not in worker.log()
