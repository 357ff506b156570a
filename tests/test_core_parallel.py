"""parallel.Pending: a step in a forked child, its result or its error, and the safe fallbacks.

Each case runs in a fresh interpreter: a test runner's own threads (pytest-xdist's) would make
Pending fall back to running steps in place, which is the last case.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import PROCESS_DEADLINE


def _run(code: str) -> subprocess.CompletedProcess[str]:
    prelude = (
        "import os, threading, time\n"
        "from twingraph.parallel import ChildFailed, Pending\n"
        "from twingraph.errors import InputError\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=PROCESS_DEADLINE,
    )


def test_the_result_comes_back_from_the_child() -> None:
    result = _run("""
        value = Pending(lambda: {"pid": os.getpid(), "data": b"x" * 1_000_000}).result()
        assert value["data"] == b"x" * 1_000_000
        print("child" if value["pid"] != os.getpid() else "parent")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "child\n"  # it really ran in another process


def test_the_childs_error_is_raised_with_its_message() -> None:
    result = _run("""
        def fails():
            raise InputError("data/kassel.ttl, line 3: something is wrong.")
        try:
            Pending(fails).result()
        except ChildFailed as exc:
            print(exc)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "data/kassel.ttl, line 3: something is wrong.\n"


def test_cancel_stops_the_child_and_leaves_nothing() -> None:
    result = _run("""
        pending = Pending(lambda: time.sleep(60))
        pid = pending._pid
        pending.cancel()
        try:
            os.kill(pid, 0)
            print("still running")
        except ProcessLookupError:
            print("gone")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "gone\n"


def test_with_other_threads_the_step_runs_here_when_asked() -> None:
    result = _run("""
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        pending = Pending(os.getpid)
        print("here" if pending.result() == os.getpid() else "forked")
        stop.set()
        thread.join()
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "here\n"
