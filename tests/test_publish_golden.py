"""Every output of a build, byte for byte, before and after a change: Kassel and a World slice.

Speed work must not change what a build writes. The SHA-256 of each file of two builds (the
bundled Kassel project, and 400 partnerships of World, benchmarks/world.py) is recorded in
tests/fixtures/golden/. A change that means to alter an output regenerates them with
`TWINGRAPH_UPDATE_GOLDEN=1 make test` and says why in its commit message.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, write_world

GOLDEN = FIXTURES / "golden"
# A fixed date for the catalogue's dct:modified, so that the bytes do not depend on the day.
EPOCH = "1800000000"


def _build(root: Path, out: Path) -> dict[str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(
        [sys.executable, "-m", "twingraph", "--root", str(root), "build", "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir()) if p.is_file()}


def _compare(name: str, digests: dict[str, str]) -> None:
    recorded = GOLDEN / f"{name}.json"
    if os.environ.get("TWINGRAPH_UPDATE_GOLDEN"):
        recorded.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(recorded.read_text(encoding="utf-8"))
    changed = sorted(f for f in expected.keys() | digests.keys() if expected.get(f) != digests.get(f))
    assert not changed, (
        f"{name}: these outputs are no longer byte-identical: {', '.join(changed)}. If the change is meant, "
        "regenerate with TWINGRAPH_UPDATE_GOLDEN=1 and say why in the commit."
    )


def test_kassels_build_is_byte_identical(tmp_path: Path) -> None:
    _compare("kassel", _build(REPO, tmp_path / "dist"))


@pytest.fixture(scope="module")
def world_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("world")
    (project / "data").mkdir()
    (project / "twingraph.toml").write_text(
        '[project]\nname = "world"\ntitle = "Town twinnings of the world"\n', encoding="utf-8"
    )
    write_world(project / "data" / "world.ttl", pairs=400)
    return project


def test_a_world_slices_build_is_byte_identical(world_slice: Path, tmp_path: Path) -> None:
    _compare("world-slice", _build(world_slice, tmp_path / "dist"))
