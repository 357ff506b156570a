"""What the Wikidata benchmarks share: the 2016 crawl in Wikidata's RDF model (tests/wikidata_fixture.py)
served by a local `oxigraph serve`, and an empty project folder to import into."""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.servers import OxigraphServer, oxigraph_server  # noqa: E402
from tests.wikidata_fixture import wikidata_ntriples  # noqa: E402


@contextmanager
def crawl_server(folder: Path) -> Iterator[OxigraphServer]:
    """Oxigraph on 127.0.0.1 holding the crawl (10,055 items, 34,182 P190 statements)."""
    with oxigraph_server(folder / "store") as server:
        request = urllib.request.Request(
            server.store_url + "?default", data=wikidata_ntriples(), headers={"Content-Type": "application/n-triples"},
            method="POST",
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=120).close()
        yield server


def empty_project(folder: Path, name: str) -> Path:
    """A project with no data yet, its IRIs under example.org, room for World-sized files."""
    (folder / "data").mkdir(parents=True)
    (folder / "twingraph.toml").write_text(
        f'[project]\nname = "{name}"\nbase_iri = "https://example.org/{name}/"\n[limits]\nmax_input_mb = 4096\n',
        encoding="utf-8",
    )
    return folder


if __name__ == "__main__":  # python benchmarks/local_wikidata.py crawl.nt: the crawl as N-Triples, to load yourself
    if len(sys.argv) != 2:
        raise SystemExit("usage: python benchmarks/local_wikidata.py OUT.nt")
    Path(sys.argv[1]).write_bytes(wikidata_ntriples())
