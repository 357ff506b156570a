"""CKAN's own DCAT harvester parser (ckanext-dcat, profile euro_dcat_ap_3) reads our catalogue."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROCESS_DEADLINE, REPO, run_cli

HARVEST_PYTHON = REPO / ".venv-harvest" / "bin" / "python"
READER = Path(__file__).parent / "harvest" / "read_catalog.py"


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    assert HARVEST_PYTHON.is_file(), "the harvester environment is missing: run `make test`, which makes .venv-harvest"
    out = tmp_path_factory.mktemp("harvest") / "dist"
    assert run_cli("build", "--out", str(out)).returncode == 0
    read = subprocess.run(
        [str(HARVEST_PYTHON), str(READER), str(out / "catalog.ttl")],
        capture_output=True,
        text=True,
        timeout=PROCESS_DEADLINE,
    )
    assert read.returncode == 0, read.stderr
    return json.loads(read.stdout)


def test_ckan_reads_one_dataset_with_one_resource_per_distribution(harvested: list[dict]) -> None:
    (dataset,) = harvested
    assert dataset["title"] == "Town twinnings of Kassel"
    assert {tag["name"] for tag in dataset["tags"]} >= {"town twinning", "Kassel"}
    resources = dataset["resources"]
    assert len(resources) == 11
    formats = sorted(r["format"].rsplit("/", 1)[1] for r in resources)
    # The CSV four times (wide, long, edges, nodes); GraphML and GEXF as XML, the nearest EU file type.
    assert formats == [
        "CSV", "CSV", "CSV", "CSV", "GEOJSON", "JSON_LD", "RDF_N_TRIPLES", "RDF_TURTLE", "RDF_XML", "XML", "XML"
    ]  # fmt: skip
    media = sorted(r["mimetype"].rsplit("media-types/", 1)[-1] for r in resources if r.get("mimetype"))
    assert "application/geo+json" in media
    for resource in resources:
        assert resource["url"] == resource["download_url"]
        assert resource["download_url"].startswith("https://w3id.org/twingraph/dist/kassel/kassel")
        assert resource["license"] == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
        assert resource["size"] > 500
        assert len(resource["hash"]) == 64


def test_ckan_reads_the_dataset_metadata(harvested: list[dict]) -> None:
    extras = {extra["key"]: extra["value"] for extra in harvested[0]["extras"]}
    assert extras["uri"] == "https://w3id.org/twingraph/id/dataset/kassel"
    assert extras["temporal_start"] == "1952-01-01"
    assert "temporal_end" not in extras  # open-ended: the partnerships go on
    assert extras["spatial_uri"].endswith("/place/DEU_KAS")
    assert extras["publisher_name"] == "twingraph"
    assert extras["access_rights"].endswith("/access-right/PUBLIC")


def _harvest_with(catalogue: Path, licences: Path | None) -> list[dict]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "TWINGRAPH_CKAN_LICENSES"}
    if licences is not None:
        env["TWINGRAPH_CKAN_LICENSES"] = str(licences)
    read = subprocess.run(
        [str(HARVEST_PYTHON), str(READER), str(catalogue)],
        capture_output=True,
        text=True,
        timeout=PROCESS_DEADLINE,
        env=env,
    )
    assert read.returncode == 0, read.stderr
    return json.loads(read.stdout)


def test_ckan_fills_license_id_with_the_register_twingraph_ships(tmp_path: Path) -> None:
    """CKAN matches dct:license only against its register's URLs and titles; the EU authority
    IRI (which DCAT-AP and MQA want) is in neither of CKAN's defaults, so twingraph ships a
    register (docs/ckan/licenses.json) that a portal names in `licenses_group_url`."""
    out = tmp_path / "dist"
    assert run_cli("build", "--out", str(out)).returncode == 0
    (default,) = _harvest_with(out / "catalog.ttl", None)
    assert default["license_id"] == ""  # what a portal with CKAN's default register gets
    (mapped,) = _harvest_with(out / "catalog.ttl", REPO / "docs" / "ckan" / "licenses.json")
    assert mapped["license_id"] == "cc-by"
