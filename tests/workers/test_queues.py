"""Every queue a task is routed to is consumed by the worker command."""

from __future__ import annotations

from hub.embedded.runner import celery_command
from hub.platform.queues import TASK_QUEUES, WORKER_POOLS, Queue, TaskName


def test_every_task_queue_is_consumed_by_hub_worker(tmp_path) -> None:
    command = celery_command("worker", tmp_path)
    consumed = set(command[command.index("-Q") + 1].split(","))
    assert {str(q) for q in TASK_QUEUES.values()} <= consumed
    assert consumed == {str(q) for q in Queue}


def test_hub_runs_pools_cover_every_queue_and_routing_never_shares_with_delivery(
    tmp_path,
) -> None:
    pools = {}
    for pool in ("routing", "delivery"):
        command = celery_command("worker", tmp_path, pool=pool)
        pools[pool] = set(command[command.index("-Q") + 1].split(","))
    assert pools["routing"] | pools["delivery"] == {str(q) for q in Queue}
    assert str(Queue.ROUTING) in pools["routing"] and str(Queue.DELIVERY) not in pools["routing"]
    assert pools["delivery"] == {str(Queue.DELIVERY)}
    assert set(WORKER_POOLS) == {"routing", "delivery", "all"}


def test_every_task_name_is_registered_with_the_worker_app() -> None:
    from workers.celery_app import celery

    celery.loader.import_default_modules()
    assert {str(t) for t in TaskName} <= set(celery.tasks)
