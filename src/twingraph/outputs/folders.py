"""Replacing an output folder whole (`build --out`, the static site), so that nothing is lost.

- Only a folder twingraph wrote is replaced: one that is missing or empty, or that holds a
  manifest of ours (`.twingraph-manifest`) listing every file in it. An older build's folder
  without a manifest is accepted once when every file in it is one the new build writes (the
  file set grows as formats are added).
  Anything else (someone's notes, a symlink, a file) is refused before any work is done.
- The new content is written into a staging folder beside the output, then swapped in with
  one `renameat2(RENAME_EXCHANGE)` where the filesystem has it, else two renames. A run
  killed between those two renames leaves the old output as `.NAME.old-PID`; the next run
  puts it back before anything else.
- Staging and old folders carry the process ID of the run that made them; the next run
  removes only those whose process is gone, under a lock on the parent folder, so two runs
  into the same folder never delete each other's work.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.errors import display_path
from twingraph.outputs.files import OutputError, fsync_folder
from twingraph.parallel import process_alive

if TYPE_CHECKING:
    from twingraph.project import Project

MANIFEST = ".twingraph-manifest"
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>build|old)-(?P<pid>\d+)(-.*)?")
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def manifest_bytes(files: Iterable[str]) -> bytes:
    """The manifest that marks a folder as twingraph's own: every file it holds, sorted."""
    body = {"written_by": "twingraph", "files": sorted(set(files) | {MANIFEST})}
    return (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode()


def _files_below(folder: Path) -> tuple[set[str], list[str]]:
    """The regular files below `folder` (relative, with /), and what else is there (links, FIFOs,
    empty folders: twingraph writes none, so an empty folder is someone's)."""
    files: set[str] = set()
    others: list[str] = []
    for directory, subfolders, names in os.walk(folder):
        base = Path(directory)
        if not names and not subfolders and base != folder:
            others.append(base.relative_to(folder).as_posix() + "/")
        for name in names:
            path = base / name
            relative = path.relative_to(folder).as_posix()
            (files.add if path.is_file() and not path.is_symlink() else others.append)(relative)
        for name in list(subfolders):
            if (base / name).is_symlink():
                others.append((base / name).relative_to(folder).as_posix())
                subfolders.remove(name)
    return files, others


def listed_files(folder: Path) -> set[str] | None:
    try:
        body = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("written_by") != "twingraph" or not isinstance(body.get("files"), list):
        return None
    return {str(name) for name in body["files"]}


def check_replaceable(out: Path, new_files: Iterable[str]) -> None:
    """Refuse (OutputError, nothing touched) unless `out` is missing, empty, or twingraph's own."""
    if out.is_symlink():
        raise OutputError(
            f"{display_path(out)} is a symbolic link; twingraph replaces only folders it wrote. "
            "Give the real folder, or another --out."
        )
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{display_path(out)} is a file, not a folder; give another --out.")
    if os.path.ismount(out):
        raise OutputError(
            f"{display_path(out)} is a mount point; twingraph replaces an output folder by renaming a new one "
            "into its place, which a mount point does not allow. Give a folder inside it as --out."
        )
    files, others = _files_below(out)
    if not files and not others:
        return
    listed = listed_files(out)
    if listed is None and not others and files <= set(new_files):
        return  # an older build's folder, written before the manifest (and before newer formats) existed
    foreign = sorted(others + [name for name in files if listed is None or name not in listed])
    if not foreign:
        return
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    raise OutputError(
        f"{display_path(out)} holds {len(foreign)} file(s) twingraph did not write ({shown}); "
        "refusing to replace it. Give an empty or new folder as --out, or move those files away."
    )


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """An exclusive lock on the parent folder itself (no lock file is left behind)."""
    handle = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def recover(out: Path) -> None:
    """Before anything else: put back an output stranded by a killed swap, and remove the
    staging folders of runs that are gone."""
    parent = out.absolute().parent
    if not parent.is_dir():
        return
    with _locked(parent):
        _recover_locked(parent, out.name)


def _recover_locked(parent: Path, name: str) -> None:
    for entry in sorted(os.scandir(parent), key=lambda entry: entry.name):
        match = _LEFTOVER.fullmatch(entry.name)
        if not match or match["name"] != name or process_alive(int(match["pid"])):
            continue
        leftover = Path(entry.path)
        if match["kind"] == "old" and not os.path.lexists(parent / name):
            os.rename(leftover, parent / name)
            fsync_folder(parent)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def new_staging(out: Path) -> Path:
    """A fresh folder beside `out` for this run's work, removed by a later run if this one dies."""
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.build-{os.getpid()}-", dir=parent))


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step; False where the platform or filesystem cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # NFS, FUSE and old kernels: fall back to two renames
    raise OSError(code, os.strerror(code), str(second))


def _keep_modes(staging: Path, out: Path) -> None:
    """The new output gets the old one's permissions (a private dist/, 0700 with files 0600,
    stays private); a first output is readable by all, as a web root must be."""
    try:
        folder_mode = os.stat(out).st_mode & 0o7777
        marker = out / MANIFEST
        file_mode = os.stat(marker) if marker.is_file() else None
    except OSError:
        os.chmod(staging, 0o755)
        return
    os.chmod(staging, folder_mode)
    mask = os.umask(0)
    os.umask(mask)
    as_made = (file_mode is None or file_mode.st_mode & 0o777 == 0o666 & ~mask) and folder_mode == 0o777 & ~mask
    if file_mode is None or as_made:  # the files are made with these modes already (World's site: 192,000)
        return
    for directory, subfolders, names in os.walk(staging):
        for name in subfolders:
            os.chmod(Path(directory) / name, folder_mode)
        for name in names:
            path = Path(directory) / name
            if not path.is_symlink():
                os.chmod(path, file_mode.st_mode & 0o777)


def swap_in(staging: Path, out: Path, new_files: Iterable[str]) -> bool:
    """Put `staging` in place of `out`; returns whether there was an earlier output.

    Raises OSError if it could not; `out` is then as it was.
    """
    parent = staging.parent
    _keep_modes(staging, out)
    with _locked(parent):
        check_replaceable(out, new_files)  # again, under the lock: a file may have appeared since
        had_output = os.path.lexists(out)
        if had_output and _exchange(staging, out):
            fsync_folder(parent)
            shutil.rmtree(staging, ignore_errors=True)  # now the old output
            return True
        if had_output:
            old = parent / f".{out.name}.old-{os.getpid()}"
            os.rename(out, old)
            try:
                os.rename(staging, out)
            except OSError:
                os.rename(old, out)
                raise
            fsync_folder(parent)
            shutil.rmtree(old, ignore_errors=True)
            return True
        os.rename(staging, out)
        fsync_folder(parent)
        return False


def refuse_source_folders(project: Project, out: Path) -> None:
    """The output folder may not be, contain, or lie inside the project's source folders."""
    target = out.resolve()
    sources = [project.root.resolve() / name for name in ("ontology", "data", "shapes", "queries")]
    sources.append((project.root / "twingraph.toml").resolve())
    for source in (source for source in sources if source.exists()):  # name only what the project has
        if target == source or target in source.parents or source in target.parents or target.is_relative_to(source):
            raise OutputError(
                f"{display_path(out)} would overwrite the project's own {display_path(source)}; "
                "build into another folder, such as dist/."
            )
