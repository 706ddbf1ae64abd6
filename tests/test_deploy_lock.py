"""The deployment lock pins every runtime dependency with hashes, and the Dockerfile uses it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements" / "deploy.lock"


def _name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert found, requirement
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def _pins() -> dict[str, list[str]]:
    """Each pinned package of the lock with its hashes."""
    pins: dict[str, list[str]] = {}
    current = ""
    for line in LOCK.read_text().splitlines():
        if pinned := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+", line):
            current = _name(pinned.group(1))
            pins[current] = []
        elif current and (digest := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current].append(digest.group(1))
    return pins


def test_every_runtime_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(requirement) for requirement in project["dependencies"]}
    pins = _pins()
    missing = sorted(wanted - pins.keys())
    assert not missing, f"not in {LOCK.name}: {missing}; run bash requirements/compile.sh"
    assert all(pins.values()), "a pin without a hash"


def test_the_dockerfile_installs_the_lock_with_require_hashes() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/deploy.lock" in dockerfile
    assert "--no-deps" in dockerfile  # the hub itself adds nothing unpinned
