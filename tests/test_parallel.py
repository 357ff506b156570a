"""parallel.Pending: a step in a forked child, its result or its error, and the safe fallbacks."""

from __future__ import annotations

import os
import threading

import pytest

from twingraph.errors import InputError
from twingraph.parallel import ChildFailed, Pending


def test_the_result_comes_back_from_the_child() -> None:
    parent = os.getpid()
    pending = Pending(lambda: {"pid": os.getpid(), "data": b"x" * 1_000_000})
    value = pending.result()
    assert value["data"] == b"x" * 1_000_000
    assert value["pid"] != parent  # it really ran in another process


def test_the_childs_error_is_raised_with_its_message() -> None:
    def fails() -> None:
        raise InputError("data/kassel.ttl, line 3: something is wrong.")

    with pytest.raises(ChildFailed, match=r"data/kassel\.ttl, line 3: something is wrong\."):
        Pending(fails).result()


def test_cancel_stops_the_child_and_leaves_nothing() -> None:
    import time

    pending = Pending(lambda: time.sleep(60))
    pid = pending._pid
    pending.cancel()
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_with_other_threads_the_step_runs_here_when_asked() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pending = Pending(os.getpid)
        assert pending.result() == os.getpid()
    finally:
        stop.set()
        thread.join()
