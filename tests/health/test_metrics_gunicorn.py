"""Under gunicorn, /metrics adds up every worker process's numbers (multiprocess mode)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from hub.embedded.redis_server import free_port
from tests.intake.factories import enquiry_body
from tests.support.processes import GunicornProcess, http_get, http_post_json

pytestmark = pytest.mark.slow

ACCEPTED = "hub_enquiries_accepted_total"


def _accepted(base_url: str) -> float:
    status, body = http_get(f"{base_url}/metrics")
    assert status == 200
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == ACCEPTED and not sample.labels:
                return float(sample.value)
    return 0.0


def _post_workers(api: GunicornProcess) -> set[str]:
    return {line.split()[0] for line in api.access_log() if " POST /v1/enquiries 202" in line}


def test_metrics_sum_the_counters_of_every_gunicorn_worker(
    db, hub_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**hub_env, "HUB_DATA_DIR": str(tmp_path)}
    _leave_stale_counter(tmp_path / "prometheus", 1000.0)  # from a run before this one
    api = GunicornProcess(env, tmp_path, free_port(), workers=2)
    try:
        api.wait_ready()
        posted = 0
        with ThreadPoolExecutor(max_workers=6) as pool:
            # Concurrent posts until both workers have accepted some (the access log says who).
            while len(_post_workers(api)) < 2 and posted < 300:
                results = list(
                    pool.map(
                        lambda _: http_post_json(f"{api.base_url}/v1/enquiries", enquiry_body()),
                        range(12),
                    )
                )
                assert [status for status, _ in results] == [202] * 12
                posted += 12
        assert len(_post_workers(api)) == 2, "one worker took every request"
        # Whichever worker answers /metrics, it shows the total of both.
        assert [_accepted(api.base_url) for _ in range(6)] == [float(posted)] * 6
    finally:
        api.stop()


def _leave_stale_counter(directory: Path, value: float) -> None:
    """A metrics file as an earlier gunicorn's worker would have left it."""
    directory.mkdir(parents=True)
    stale = MmapedDict(str(directory / "counter_4242.db"))
    help_text = "Enquiries stored (202)."
    key = mmap_key("hub_enquiries_accepted", ACCEPTED, [], [], help_text)
    stale.write_value(key, value, timestamp=0.0)
    stale.close()
