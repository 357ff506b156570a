"""Every console example of the README and the documentation (`docs/**/*.md`) that needs no
server, run as written in a temporary copy of the project and compared to the page
(`tests/doc_examples.py` says how). Those that need a server or the network (`serve`, `push`,
`--endpoint`, `wikidata`) run in the tests that start one: test_wikidata_commands.py,
test_sparql_remote.py and test_store_virtuoso.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.doc_examples import Example, check_example, copy_project, examples


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_the_readme_and_the_docs_have_examples_to_run() -> None:
    pages = {e.page for e in examples()}
    assert "README.md" in pages
    assert len(pages) >= 5
    assert len(examples()) >= 14


@pytest.mark.parametrize("example", examples(), ids=lambda e: f"{e.page} line {e.line}: {e.command[:50]}")
def test_console_example(example: Example, project_copy: Path) -> None:
    check_example(example, project_copy)
