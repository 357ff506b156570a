"""CSV injection: a cell a spreadsheet would run as a formula is written as text, in every CSV
twingraph writes; numbers and dates are left alone. Read back by pandas and by LibreOffice Calc
(Debian's libreoffice-calc-nogui, which `make test` installs), which does run `=1+1` in a CSV."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, REPO, run_cli

NOTES = (
    "SELECT ?note WHERE { ?p <http://www.w3.org/2004/02/skos/core#note> ?note "
    'FILTER (REGEX(?note, "^[-=+@]")) } ORDER BY ?note'
)
SOFFICE = shutil.which("soffice")


@pytest.fixture
def noted(tmp_path: Path) -> Path:
    """Kassel with notes that read as formulas (notes are free text, which the shapes allow)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("twingraph.toml", "data"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    notes = root / "data" / "notes.ttl"
    notes.write_text(
        "<https://w3id.org/twingraph/id/partnership/florence--kassel> <http://www.w3.org/2004/02/skos/core#note> "
        '"=1+1"@en , "@SUM(1;1)"@en , "-2+3"@en , "+49 561 787"@en .\n',
        encoding="utf-8",
    )
    return root


def test_formula_cells_get_an_apostrophe_and_numbers_do_not(noted: Path, tmp_path: Path) -> None:
    import pandas

    out = tmp_path / "notes.csv"
    done = run_cli("--root", str(noted), "sparql", NOTES, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(pandas.read_csv(out, dtype=str)["note"]) == sorted(["'=1+1", "'@SUM(1;1)", "'-2+3", "'+49 561 787"])
    built = run_cli("--root", str(noted), "build", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    nodes = pandas.read_csv(tmp_path / "dist" / "kassel-nodes.csv", dtype=str)
    assert not any(str(v).startswith("'") for v in nodes.to_numpy().ravel())  # names and numbers as they are


NO_SOFFICE = (
    "LibreOffice is not installed: `make test` installs Debian's libreoffice-calc-nogui with apt as root "
    "(or sudo); without root or apt this test skips"
)


@pytest.mark.skipif(SOFFICE is None, reason=NO_SOFFICE)
def test_libreoffice_evaluates_no_formula_of_ours(noted: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes.csv"
    assert run_cli("--root", str(noted), "sparql", NOTES, "-o", str(out)).returncode == 0
    raw = tmp_path / "raw.csv"
    raw.write_text("note\r\n=1+1\r\n", encoding="utf-8")  # the control: a bare formula, which Calc runs
    profile = (tmp_path / "profile").as_uri()
    for name in ("notes", "raw"):
        for target, source in (("xlsx", f"{name}.csv"), ("csv", f"{name}.xlsx")):
            subprocess.run(
                [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", target,
                 "--outdir", str(tmp_path / target), str(tmp_path / ("xlsx" if target == "csv" else "") / source)],
                capture_output=True, timeout=PROCESS_DEADLINE, check=True,
            )  # fmt: skip
    read_back = list(csv.reader(io.StringIO((tmp_path / "csv" / "notes.csv").read_text(encoding="utf-8"))))
    cells = [row[0] for row in read_back[1:]]
    assert "2" not in cells
    assert "'=1+1" in cells
    control = list(csv.reader(io.StringIO((tmp_path / "csv" / "raw.csv").read_text(encoding="utf-8"))))
    assert control[1] == ["2"]  # Calc does evaluate a formula that is not written as text
