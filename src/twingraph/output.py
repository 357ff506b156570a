"""Writing outputs so that nothing is lost: atomically, and never over a command's own input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from twingraph.errors import InputError, TwingraphError, display_path


class OutputError(TwingraphError):
    """An output cannot be written where it was asked to go."""


def refuse_inputs(path: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is (or is inside) one of the command's inputs."""
    target = path.resolve()
    for source in inputs:
        resolved = source.resolve()
        if target == resolved or (resolved.is_dir() and target.is_relative_to(resolved)):
            raise OutputError(
                f"{display_path(path)} is an input of this command; refusing to overwrite it. Choose another -o."
            )


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, then `os.replace`.

    A failed write leaves an earlier file at `path` byte-identical.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{display_path(folder)}: no such folder for {display_path(path)}.")
    if path.is_dir():
        raise InputError("is a folder; give a file name.", path=path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{display_path(path)}: cannot be written ({exc.strerror or exc}).") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
