"""Writing outputs so that nothing is lost: atomically, and never over a command's own input.

The rules (the README's "Reliability" section states them for users):
- a file is written to a temporary file beside it, then renamed over the target, so a
  failed or killed run leaves the earlier file byte-identical;
- only a regular file or a missing path is replaced; a symbolic link is followed to its
  target; a folder, a FIFO, a device or a socket is refused;
- temporary files carry the writing process's ID in their name, so the next run removes
  those whose process is gone, and never another live run's.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from twingraph.errors import TwingraphError, display_path
from twingraph.parallel import process_alive

# `.NAME.twingraph-PID-RANDOM.tmp`: what write_atomic leaves behind if it is killed.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.twingraph-(?P<pid>\d+)-[^.]+\.tmp")


class OutputError(TwingraphError):
    """An output cannot be written where it was asked to go."""


def refuse_inputs(path: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is (or is inside) one of the command's existing inputs.

    A new file next to the inputs (a new city's file in data/) is fine: only a path that
    exists and is an input, or lies inside an input folder and exists, is refused.
    """
    target = path.resolve()
    for source in inputs:
        resolved = source.resolve()
        if target == resolved and target.exists():
            raise OutputError(
                f"{display_path(path)} is an input of this command; refusing to overwrite it. Choose another -o."
            )
        if resolved.is_dir() and target.is_relative_to(resolved) and target.exists():
            raise OutputError(
                f"{display_path(path)} is an input of this command; refusing to overwrite it. Choose another -o."
            )


def is_stdout(path: Path) -> bool:
    """Whether a path names this process's standard output (/dev/stdout, /proc/self/fd/1, …)."""
    try:
        named, ours = os.stat(path), os.fstat(1)
    except (OSError, ValueError):
        return False
    return (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino)


def writable_target(path: Path) -> Path:
    """The path a file write really replaces, checked: a symlink is followed to its target;
    a folder, FIFO, device or socket is refused."""
    target = path
    try:
        if path.is_symlink():
            target = path.resolve()
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(f"{display_path(path)}: cannot be written ({exc.strerror or exc}).") from None
    if stat.S_ISREG(mode):
        return target
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    hint = "give a file name" if stat.S_ISDIR(mode) else "give a regular file, or leave out -o to write to stdout"
    raise OutputError(f"{display_path(path)} is {kind}; twingraph only replaces regular files: {hint}.")


def remove_stale_temporaries(folder: Path, name: str) -> None:
    """Temporary files of writes to `folder/name` whose process was killed."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match and match["name"] == name and not process_alive(int(match["pid"])):
            Path(entry.path).unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a file whole or not at all: a temporary file beside it, then `os.replace`.

    `data` may come in pieces (an iterable of bytes), written as they come; a failure while
    they are made leaves the earlier file as it was, too.

    A failed write leaves an earlier file at `path` byte-identical. A symbolic link is
    followed, so its target gets the new content and the link stays a link.
    """
    target = writable_target(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{display_path(folder)}: no such folder for {display_path(path)}.")
    remove_stale_temporaries(folder, target.name)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.twingraph-{os.getpid()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise OutputError(
            f"{display_path(path)}: cannot be written ({exc.strerror or exc}); "
            f"check that {display_path(folder)} is a folder you may write to."
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in [data] if isinstance(data, bytes) else data:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
        fsync_folder(folder)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(
            f"{display_path(path)}: cannot be written ({exc.strerror or exc}); any earlier file there is unchanged."
        ) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a crash after it must not undo it)."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:  # some filesystems refuse fsync on a folder; the rename itself has happened
        pass
    finally:
        os.close(handle)
