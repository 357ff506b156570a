"""Nothing is lost: what `build --out` and `-o` will and will not replace, and what a kill leaves."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, run_cli
from tests.test_publish_build import EXPECTED
from twingraph.outputs.folders import MANIFEST


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_of_someone_elses_files_is_never_replaced(tmp_path: Path) -> None:
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "notes.txt").write_text("three years of work\n")
    result = run_cli("build", "--out", str(thesis))
    assert result.returncode == 2
    assert "holds 1 file(s) twingraph did not write (notes.txt); refusing to replace it" in result.stderr
    assert tree(thesis) == {"notes.txt": b"three years of work\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]


def test_a_file_added_to_a_build_is_not_lost_by_the_next_build(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    (out / "README.txt").write_text("mine\n")
    before = tree(out)
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 2
    assert "README.txt" in result.stderr
    assert tree(out) == before


def test_a_build_marks_its_folder_and_replaces_it_next_time(first_build: Path, tmp_path: Path) -> None:
    assert {p.name for p in first_build.iterdir()} == EXPECTED
    assert MANIFEST in EXPECTED
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert tree(out) == tree(first_build)


def test_an_unmarked_folder_of_a_builds_files_is_accepted_once(first_build: Path, tmp_path: Path) -> None:
    old = tmp_path / "dist"
    shutil.copytree(first_build, old)
    (old / MANIFEST).unlink()  # as written by twingraph before the manifest existed
    (old / "kassel-partners.csv").unlink()  # and before the long CSV
    assert run_cli("build", "--out", str(old)).returncode == 0
    assert (old / MANIFEST).is_file()


def test_an_empty_folder_is_filled(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert tree(out) == tree(first_build)


def test_a_symlink_as_the_output_folder_is_refused(first_build: Path, tmp_path: Path) -> None:
    real = tmp_path / "real"
    shutil.copytree(first_build, real)
    link = tmp_path / "dist"
    link.symlink_to(real, target_is_directory=True)
    result = run_cli("build", "--out", str(link))
    assert result.returncode == 2
    assert "is a symbolic link" in result.stderr
    assert link.is_symlink()
    assert tree(real) == tree(first_build)


def kill_on_rename(out: Path, *, nth: int, exchange: bool) -> subprocess.CompletedProcess[bytes]:
    """A build SIGKILLed at its nth rename (with or without the one-step exchange)."""
    code = (
        "import os, signal\n"
        "import twingraph.outputs.folders as swap\n"
        + ("" if exchange else "swap._exchange = lambda first, second: False\n")
        + "real, calls = os.rename, []\n"
        "def rename(*args, **kwargs):\n"
        "    calls.append(args)\n"
        f"    if len(calls) == {nth}: os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(*args, **kwargs)\n"
        "os.rename = rename\n"
        "from twingraph.cli import cli\n"
        f"cli(['build', '--out', {str(out)!r}])\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=PROCESS_DEADLINE)


def test_a_kill_between_the_two_renames_is_undone_by_the_next_run(first_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    (out / "kassel.ttl").write_bytes(b"# the earlier output\n")
    before = tree(out)
    killed = kill_on_rename(out, nth=2, exchange=False)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()
    stranded = [p for p in tmp_path.iterdir() if p.name.startswith(".dist.old-")]
    assert len(stranded) == 1
    assert tree(stranded[0]) == before
    # A failing run still puts it back first.
    assert run_cli("build", "--out", str(out), "--base-url", "nope").returncode == 2
    assert tree(out) == before
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert tree(out) == tree(first_build)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
@pytest.mark.parametrize("when", [1, 2])
def test_strace_kill_at_any_rename_leaves_a_whole_output(first_build: Path, tmp_path: Path, when: int) -> None:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out)
    (out / "kassel.ttl").write_bytes(b"# the earlier output\n")
    before = tree(out)
    inject = f"inject=rename,renameat,renameat2:signal=SIGKILL:when={when}"
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-o",
            os.devnull,
            "-e",
            "trace=rename,renameat,renameat2",
            "-e",
            inject,
            sys.executable,
            "-m",
            "twingraph",
            "build",
            "--out",
            str(out),
        ],
        capture_output=True,
        timeout=PROCESS_DEADLINE,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    after = run_cli("build", "--out", str(out), "--base-url", "nope")  # refuses, after recovering
    assert after.returncode == 2
    assert tree(out) in (before, tree(first_build))
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_leftovers_of_a_live_run_are_left_alone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".dist.build-{sleeper.pid}-abc"
        live.mkdir()
        dead = tmp_path / ".dist.build-999999999-abc"
        dead.mkdir()
        assert run_cli("build", "--out", str(tmp_path / "dist")).returncode == 0
        assert live.is_dir()
        assert not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_exporting_child_dies_with_its_parent(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    code = (
        "import os, time\n"
        "from twingraph.parallel import Pending\n"
        "def step():\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        f"pending = Pending(step, folder=__import__('pathlib').Path({str(tmp_path)!r}))\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and "Z" not in Path(f"/proc/{child}/stat").read_text().split()[2]:
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.05)
    # The next Pending in that folder removes the dead run's handover file.
    from twingraph.parallel import Pending

    assert any(p.name.startswith("twingraph-step-") for p in tmp_path.iterdir())
    Pending(lambda: 1, folder=tmp_path).cancel()
    assert not any(p.name.startswith(f"twingraph-step-{parent.pid}-") for p in tmp_path.iterdir())


# -o PATH


def test_o_follows_a_symlink_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    assert run_cli("export", "-o", str(link)).returncode == 0
    assert link.is_symlink()
    assert target.read_text().startswith("@prefix")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_o_refuses_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "special"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    result = run_cli("export", "-o", str(path))
    assert result.returncode == 2
    assert ("is a FIFO" if kind == "fifo" else "is a directory") in result.stderr
    assert (stat.S_ISFIFO if kind == "fifo" else stat.S_ISDIR)(os.lstat(path).st_mode)


def test_o_never_replaces_a_device() -> None:
    before = os.lstat("/dev/full")
    result = run_cli("export", "-o", "/dev/full")
    assert result.returncode == 2
    assert "Error: /dev/full is a device; twingraph only replaces regular files" in result.stderr
    after = os.lstat("/dev/full")
    assert stat.S_ISCHR(after.st_mode)
    assert after.st_ino == before.st_ino


def test_o_into_a_place_nothing_can_be_written_is_a_plain_error() -> None:
    result = run_cli("export", "-f", "turtle", "-o", "/proc/version")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: /proc/version: cannot be written")
    assert "bug" not in result.stderr


def test_a_full_stdout_is_a_plain_error() -> None:
    with open("/dev/full", "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "twingraph", "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=PROCESS_DEADLINE,
        )
    assert result.returncode == 2
    assert result.stderr == "Error: could not write to standard output (No space left on device).\n"


def test_a_killed_writes_temporary_file_is_removed_by_the_next(tmp_path: Path) -> None:
    dead = tmp_path / ".out.ttl.twingraph-999999999-x1.tmp"
    dead.write_text("half")
    live = tmp_path / f".out.ttl.twingraph-{os.getpid()}-x2.tmp"
    live.write_text("being written")
    assert run_cli("export", "-o", str(tmp_path / "out.ttl")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "out.ttl"]


def test_a_new_file_beside_the_inputs_may_be_written(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", root / "data")
    shutil.copy(Path(__file__).resolve().parents[1] / "twingraph.toml", root)
    new = root / "data" / "copy.nt"
    assert run_cli("--root", str(root), "export", "-o", str(new)).returncode == 0
    again = run_cli("--root", str(root), "export", "-o", str(new))
    assert again.returncode == 2
    assert "is an input of this command" in again.stderr


def test_dev_stdout_on_a_pipe_is_written_through_as_dash_is() -> None:
    from tests.conftest import run_cli

    shown = run_cli("export", "-f", "nt", "-o", "/dev/stdout")  # stdout is a pipe here
    assert shown.returncode == 0, shown.stderr
    assert len(shown.stdout.splitlines()) > 600
    assert "/proc/" not in shown.stderr


def test_an_import_that_would_overwrite_its_own_input_is_refused_before_it_asks_anything(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import REPO, run_cli
    from tests.servers import free_port

    root = tmp_path / "project"
    root.mkdir()
    for name in ("twingraph.toml", "data"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    nobody = f"http://127.0.0.1:{free_port()}/query"  # were it asked, the error would be that no one answers
    shown = run_cli("--root", str(root), "wikidata", "import", "--all", "-o", str(root / "data" / "kassel.ttl"),
                    "--endpoint", nobody, "--no-cache")  # fmt: skip
    assert shown.returncode == 2
    assert "is an input of this command; refusing to overwrite it" in shown.stderr


def test_a_rebuild_keeps_a_private_output_private_and_an_empty_folder_of_yours_is_yours(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    out = tmp_path / "dist"
    assert run_cli("build", "--out", str(out)).returncode == 0
    os.chmod(out, 0o700)
    for path in out.iterdir():
        os.chmod(path, 0o600)
    assert run_cli("build", "--out", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o600}
    (out / "my notes").mkdir()
    refused = run_cli("build", "--out", str(out))
    assert refused.returncode == 2
    assert "twingraph did not write (my notes/)" in refused.stderr
    assert (out / "my notes").is_dir()


def test_a_mount_point_as_out_is_refused_before_the_build(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    point = tmp_path / "mounted"
    point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        shown = run_cli("build", "--out", str(point))
        assert shown.returncode == 2
        assert "is a mount point" in shown.stderr
        assert "… exporting" not in shown.stderr  # refused first, not after the whole build
        assert "unchanged" not in shown.stderr
    finally:
        subprocess.run(["umount", str(point)], check=False)
