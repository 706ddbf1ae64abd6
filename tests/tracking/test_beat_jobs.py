"""The tracking room's beat jobs are scheduled, on the maintenance queue."""

from __future__ import annotations

from hub.platform.queues import TASK_QUEUES, Queue, TaskName

TRACKING_JOBS = {
    TaskName.SWEEP_CLOCKS,
    TaskName.CREATE_FOLLOW_UPS,
    TaskName.SEND_FOLLOW_UP_DIGEST,
    TaskName.RUN_RETENTION,
}


def test_every_tracking_job_is_on_the_beat_schedule() -> None:
    from workers.celery_app import celery

    scheduled = {entry["task"]: entry for entry in celery.conf.beat_schedule.values()}
    for task in TRACKING_JOBS:
        assert scheduled[str(task)]["options"]["queue"] == str(Queue.MAINTENANCE)
        assert TASK_QUEUES[task] is Queue.MAINTENANCE
