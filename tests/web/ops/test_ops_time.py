"""Operators read times on England's clock, as council officers do, with the zone named."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.web.ops.blueprint import ops_time


def test_winter_times_are_gmt() -> None:
    assert ops_time(datetime(2026, 12, 2, 14, 5, tzinfo=UTC)) == "2 Dec 2026, 14:05 GMT"


def test_summer_times_are_bst_an_hour_ahead_of_utc() -> None:
    assert ops_time(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 Jul 2026, 00:30 BST"


def test_no_time_says_so() -> None:
    assert ops_time(None) == "None"
