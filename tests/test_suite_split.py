"""Which tests run on which backend's run (tests/conftest.py, ``runs_on_this_backend``)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from tests.conftest import runs_on_this_backend


class Collected:
    """What the rule reads of a collected test: its fixtures and its ``one_backend`` mark."""

    def __init__(self, *fixtures: str, only: str | None = None) -> None:
        self.fixturenames = list(fixtures)
        self.mark = pytest.mark.one_backend(only).mark if only else None

    def get_closest_marker(self, name: str) -> Any:
        return self.mark if name == "one_backend" else None


def runs_on(test: Collected) -> list[str]:
    item = cast(pytest.Item, test)
    return [name for name in ("embedded", "services") if runs_on_this_backend(item, name)]


@pytest.fixture(autouse=True)
def split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_TEST_SPLIT", raising=False)


def test_a_test_that_uses_no_backend_runs_on_the_embedded_run_only() -> None:
    assert runs_on(Collected("tmp_path", "monkeypatch")) == ["embedded"]


def test_a_test_that_uses_the_backend_runs_on_both() -> None:
    assert runs_on(Collected("client", "app", "db", "database", "backend")) == [
        "embedded",
        "services",
    ]


def test_one_backend_runs_a_test_on_that_backends_run_only() -> None:
    assert runs_on(Collected("client", "backend", only="services")) == ["services"]


def test_split_off_runs_every_test_on_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_TEST_SPLIT", "0")
    assert runs_on(Collected("tmp_path")) == ["embedded", "services"]


def test_a_test_asking_for_db_uses_the_backend_through_it(request, db) -> None:
    # The fixtures pytest resolved for this very test: db -> database -> hub_settings ->
    # hub_env -> backend.
    assert runs_on_this_backend(request.node, "services")
    assert runs_on_this_backend(request.node, "embedded")
