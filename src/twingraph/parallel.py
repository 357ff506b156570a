"""Running one step in a forked child while the parent does another (a build's exports beside its validation).

A machine with two cores builds World in the time of the longer step instead of the sum. The
child is forked, so it shares the loaded store without copying it (copy-on-write), and hands
back its result through a temporary file (a pipe could fill and stall it). Forking is only
safe in a single-threaded process: where this one has other threads, or the platform has no
`fork`, the step simply runs in the parent when its result is asked for.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pickle
import re
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from twingraph.errors import TwingraphError

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1
_HANDOVER = re.compile(r"twingraph-step-(?P<pid>\d+)-.*")


def ended_by(exit_code: int | None) -> str:
    """What is known of how a process ended, from its exit code (negative: the signal)."""
    if exit_code is None:
        return "its process stopped answering"
    if exit_code >= 0:
        return f"its process exited with status {exit_code}"
    number = -exit_code
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    why = {
        int(signal.SIGABRT): "an internal fault of the engine (Oxigraph aborts on one, as on an ORDER BY over a large "
        "cross product)",
        int(signal.SIGSEGV): "a crash of the engine",
        int(signal.SIGKILL): "killed, as the system does when memory runs out",
    }.get(number, "ended by a signal")
    return f"its process ended with {name}: {why}"


class ChildFailed(TwingraphError):
    """The forked step failed; its message is the child's."""


def _single_threaded() -> bool:
    """Whether this process has exactly one OS thread (Python's and native libraries' alike)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def process_alive(pid: int) -> bool:
    """Whether a process with this ID still runs (a leftover of a live run must be left alone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to someone else
        return True
    return True


def _die_with_parent(parent: int) -> None:
    """In a forked child: be killed when the parent dies, so no orphan keeps working."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _remove_stale_handovers(folder: Path) -> None:
    """Result files of steps whose parent process is gone (a killed run)."""
    try:
        entries = list(folder.glob("twingraph-step-*"))
    except OSError:
        return
    for entry in entries:
        match = _HANDOVER.fullmatch(entry.name)
        if match and not process_alive(int(match["pid"])):
            entry.unlink(missing_ok=True)


class Pending(Generic[T]):
    """A step running in a forked child (or, where forking is unsafe, deferred until `result`)."""

    def __init__(
        self,
        step: Callable[[], T],
        *,
        folder: Path | None = None,
        on_signal: Callable[[int], Exception] | None = None,
        quiet: bool = False,
    ) -> None:
        """Start `step` in a forked child. Its result is handed over in a file in `folder`
        (default: the temporary folder), named with this process's ID.

        With `on_signal`, a child that a signal ends (a native library's abort or crash) raises
        what it returns for the signal's number, rather than running the step again here, which
        would end this process the same way; `quiet` silences the child's stderr (a panic's
        backtrace), and its errors are raised here as they were raised there.
        """
        self._step = step
        self._on_signal = on_signal
        self._pid: int | None = None
        self._path: Path | None = None
        where = Path(folder) if folder is not None else Path(tempfile.gettempdir())
        _remove_stale_handovers(where)
        if hasattr(os, "fork") and _single_threaded():
            handle, name = tempfile.mkstemp(prefix=f"twingraph-step-{os.getpid()}-", dir=where)
            os.close(handle)
            self._path = Path(name)
            sys.stdout.flush()
            sys.stderr.flush()
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # the child: run, write the outcome, and leave without running the parent's cleanup
                _die_with_parent(parent)
                if quiet:
                    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
                status = 0
                try:
                    outcome: tuple[str, Any] = ("ok", step())
                except BaseException as exc:
                    message = f"{exc}" if isinstance(exc, TwingraphError) else repr(exc)
                    outcome, status = (("raised", exc) if quiet else ("error", message)), 1
                try:
                    with open(name, "wb") as out:
                        try:
                            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
                        except (pickle.PicklingError, TypeError, AttributeError):
                            out.seek(0)
                            out.truncate()
                            pickle.dump(("error", repr(outcome[1])), out, protocol=pickle.HIGHEST_PROTOCOL)
                finally:
                    os._exit(status)
            self._pid = pid

    def result(self) -> T:
        """The step's value; raises ChildFailed with the child's message if it failed."""
        if self._pid is None:
            return self._step()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        assert self._path is not None
        try:
            if self._on_signal is not None and os.WIFSIGNALED(status):
                raise self._on_signal(os.WTERMSIG(status))
            with open(self._path, "rb") as stream:
                kind, value = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError):
            # The child could not hand its result over (a full disk, a killed child): do the step here.
            return self._step()
        finally:
            self._path.unlink(missing_ok=True)
        if kind == "raised":
            raise value
        if kind != "ok":
            raise ChildFailed(str(value))
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop the child, if one runs, and forget its result."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
