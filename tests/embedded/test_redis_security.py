"""The embedded Redis asks for a password, refuses CONFIG and friends, keeps its files private."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import AuthenticationError, ResponseError

from hub.embedded.redis_server import EmbeddedRedis


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    redis = EmbeddedRedis(tmp_path_factory.mktemp("secure") / "redis")
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def client(server: EmbeddedRedis) -> Iterator[Redis]:
    connection = Redis.from_url(server.url)
    yield connection
    connection.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_client_without_the_password_is_refused(server: EmbeddedRedis) -> None:
    anonymous = Redis(host="127.0.0.1", port=server.port, socket_connect_timeout=2)
    with pytest.raises((AuthenticationError, ResponseError), match=r"(?i)auth"):
        anonymous.set("k", "v")
    anonymous.close()


def test_a_wrong_password_is_refused(server: EmbeddedRedis) -> None:
    intruder = Redis(host="127.0.0.1", port=server.port, password="guess")
    with pytest.raises((AuthenticationError, ResponseError)):
        intruder.ping()
    intruder.close()


def test_each_server_gets_its_own_random_password(tmp_path: Path) -> None:
    first, second = EmbeddedRedis(tmp_path / "a"), EmbeddedRedis(tmp_path / "b")
    assert first.password != second.password
    assert len(first.password) >= 32


@pytest.mark.parametrize(
    "command",
    [
        ("CONFIG", "SET", "dir", "/tmp"),
        ("CONFIG", "GET", "dir"),
        ("EVAL", "return 1", "0"),
        ("MODULE", "LIST"),
        ("DEBUG", "SLEEP", "0"),
        ("REPLICAOF", "127.0.0.1", "1"),
        ("SLAVEOF", "127.0.0.1", "1"),
        ("MIGRATE", "127.0.0.1", "1", "k", "0", "1"),
        ("ACL", "LIST"),
        ("SHUTDOWN",),
    ],
)
def test_commands_that_reach_outside_redis_are_refused_even_with_the_password(
    client: Redis, command: tuple[str, ...]
) -> None:
    with pytest.raises(ResponseError, match=r"(?i)unknown command"):
        client.execute_command(*command)


def test_a_script_cannot_reach_config_either(client: Redis) -> None:
    script = client.register_script("return redis.call('CONFIG', 'GET', 'dir')")
    with pytest.raises(ResponseError):
        script()


def test_loaded_scripts_still_run_for_the_rate_limiter_and_kombu(client: Redis) -> None:
    # Flask-Limiter (limits) and kombu call their Lua by hash: SCRIPT LOAD, then EVALSHA.
    script = client.register_script("return redis.call('INCR', KEYS[1])")
    assert script(keys=["hub:test:counter"]) == 1


def test_the_password_is_not_on_the_command_line(server: EmbeddedRedis) -> None:
    assert server.process is not None
    cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
    assert server.password.encode() not in cmdline


def test_its_directory_is_0700_and_its_files_0600(server: EmbeddedRedis, client: Redis) -> None:
    client.set("hub:test:durable", "1")  # something in the append-only file
    assert _mode(server.data_dir) == 0o700
    files = [path for path in server.data_dir.rglob("*") if path.is_file()]
    assert server.config_path in files
    assert any("appendonly" in path.name for path in files)
    assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
