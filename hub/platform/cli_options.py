"""Options and error handling every ``hub`` sub-command shares."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import click

from config.settings import Settings
from hub.geo.store import use_geo_dir
from hub.platform.db import DatabaseUnavailableError, require_existing_database

F = TypeVar("F", bound=Callable[..., Any])

# A one-line message is cut here: an error that long is a dump, not a message.
MAX_MESSAGE = 400


_DATA_DIR: dict[str, Any] = {
    "type": click.Path(file_okay=False, path_type=Path),
    "default": None,
    "help": "The hub's data directory (as for `hub run`); default: $HUB_DATA_DIR or ./var.",
}


# `hub run` writes the address it serves here, so that a command run from another shell against
# the same data directory (an invitation, a sign-in link) writes links to that running hub.
RUNNING_HUB_URL_FILE = "hub-run-url"


def record_running_hub_url(data_dir: Path, url: str) -> None:
    """Note, in the data directory, the address a ``hub run`` serves (read by the commands)."""
    (data_dir / RUNNING_HUB_URL_FILE).write_text(url + "\n", encoding="utf-8")


def with_running_hub_url(settings: Settings) -> Settings:
    """The settings with the address of the ``hub run`` on their data directory, when no
    ``HUB_PUBLIC_BASE_URL`` is set and such a hub has written its address there."""
    if settings.public_base_url:
        return settings
    try:
        url = (settings.data_dir / RUNNING_HUB_URL_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return settings
    if not url.startswith(("http://", "https://")):
        return settings
    return dataclasses.replace(settings, public_base_url=url)


def _data_dir_param() -> click.Option:
    return click.Option(["--data-dir", "data_dir"], **_DATA_DIR)


def command_settings() -> Settings:
    """The running ``hub`` command's settings: ``ctx.obj``, built once by the ``hub`` group."""
    settings = click.get_current_context().find_object(Settings)
    if settings is None:
        raise RuntimeError("no settings in the click context: run it under the `hub` group")
    return settings


def _in_data_dir(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, data_dir: Path | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        if data_dir is not None:
            # The settings as if HUB_DATA_DIR were D: the database, the mail folder and (unless
            # HUB_GEO_DIR is set) the geography follow the data directory.
            ctx.obj = settings = dataclasses.replace(command_settings(), data_dir=data_dir)
            use_geo_dir(settings.resolved_geo_dir)
        current = ctx.find_object(Settings)
        if current is not None:  # None when a command is called outside the `hub` group
            ctx.obj = with_running_hub_url(current)
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def data_dir_option(command: F) -> F:
    """Give a command ``--data-dir D``, with the same meaning as ``hub run --data-dir D``.

    The command then runs with the settings it would have if ``HUB_DATA_DIR`` were ``D``, so a
    token created from another directory lands in the database the running hub uses.
    """
    return click.option("--data-dir", "data_dir", **_DATA_DIR)(_in_data_dir(command))


def add_data_dir_option(group: click.Group) -> None:
    """Give every command under ``group`` that lacks one the ``--data-dir`` option.

    For the pure libraries' commands (``hub geo``, ``hub rules``), which may not import the
    platform: the ``hub`` command adds the option to them where it assembles the tree.
    """
    for command in group.commands.values():
        if isinstance(command, click.Group):
            add_data_dir_option(command)
        elif command.callback is not None and not any(
            param.name == "data_dir" for param in command.params
        ):
            command.params.append(_data_dir_param())
            command.callback = _in_data_dir(command.callback)


def require_hub_data_dir(settings: Settings) -> None:
    """DatabaseUnavailableError unless the data directory holds a hub.

    For the commands that read the data directory without opening the database through
    ``open_existing_database`` (``hub mail``, ``hub worker``, ``hub beat``): a mistyped
    ``--data-dir`` is one line and exit 1, not an empty answer or a process that serves
    nothing. A hub is its SQLite database or, with another backend, the directory itself.
    """
    require_existing_database(settings.resolved_database_url)
    if not settings.data_dir.is_dir():
        raise DatabaseUnavailableError(
            f"no hub data directory at {settings.data_dir}: start the hub there "
            "(`hub run --data-dir DIR`) or run `hub db upgrade --data-dir DIR` first"
        )


def one_line(error: BaseException) -> str:
    """An error's message on one line: a database driver's own words, not SQLAlchemy's dump."""
    original = getattr(error, "orig", None)  # sqlalchemy.exc.DBAPIError wraps the driver's
    text = str(original if isinstance(original, BaseException) else error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    message = lines[0]
    for line in lines[1:]:
        message += (" " if message.endswith(":") else "; ") + line
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."


class ExpectedFailuresGroup(click.Group):
    """A command group whose expected failures print one line and exit 1, without a traceback.

    ``expected`` names the families (a database that cannot be opened, missing production
    secrets, an invalid rules file, ...); anything else is a bug and still raises.
    """

    expected: ClassVar[tuple[type[BaseException], ...]] = ()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except self.expected as error:
            raise click.ClickException(one_line(error)) from None
