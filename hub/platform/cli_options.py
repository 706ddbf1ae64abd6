"""Options every ``hub`` sub-command shares."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from config.settings import load_settings, override_settings

F = TypeVar("F", bound=Callable[..., Any])


def data_dir_option(command: F) -> F:
    """Give a command ``--data-dir D``, with the same meaning as ``hub run --data-dir D``.

    The command then runs with the settings it would read if ``HUB_DATA_DIR`` were ``D``, so a
    token created from another directory lands in the database the running hub uses.
    """

    @click.option(
        "--data-dir",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The hub's data directory (as for `hub run`); default: $HUB_DATA_DIR or ./var.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, data_dir: Path | None, **kwargs: Any) -> Any:
        if data_dir is None:
            return command(*args, **kwargs)
        environ = {**os.environ, "HUB_DATA_DIR": str(data_dir)}
        with override_settings(load_settings(environ)):
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
