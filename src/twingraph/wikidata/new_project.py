"""`twingraph init`: a project folder for a city, from what Wikidata knows of it.

The folder gets `twingraph.toml` and `data/<city>.ttl` (the city and its P190 partners, as
`wikidata import` writes them), nothing else: the bundled ontology, shapes and queries serve.
Every setting twingraph cannot know for sure is marked `CHECK` in a comment: above all the
`base_iri`, under which every IRI is minted, which must be an address the city controls
before anyone links to it. Its placeholder lies under `example.org`, never under
twingraph's own `https://w3id.org/twingraph/`.

The folder is made whole or not at all: written beside its place, then renamed into it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.errors import display_path
from twingraph.iris import PLACEHOLDER_BASE_IRI, WD, slugify
from twingraph.outputs.files import OutputError

if TYPE_CHECKING:
    from twingraph.wikidata.client import Entity, WikidataClient


@dataclass(frozen=True)
class NewProject:
    """What `init` made."""

    folder: Path
    name: str
    title: str
    data_file: Path
    places: int
    partnerships: int
    unchecked: tuple[str, ...]  # the settings still marked CHECK


def create_project(
    folder: Path,
    client: WikidataClient,
    qid: str,
    *,
    base_iri: str | None = None,
    publisher: str | None = None,
    licence: str | None = None,
    repository_files: Callable[[str, str, str], Mapping[str, str]] | None = None,
) -> NewProject:
    """Make `folder` (missing or empty) a project for the city `qid`, from Wikidata.

    `repository_files(name, title, city label)` gives further files for the city's repository
    (its CI, a README), by their paths in it; they are made in the same step, whole or not at all.
    """
    from twingraph.wikidata.client import qid_of
    from twingraph.wikidata.importer import entity_name_and_language, import_graph

    _check_empty(folder)
    city = client.entities([qid_of(qid)]).get(qid_of(qid))
    if city is None or not city.labels:
        from twingraph.wikidata.client import WikidataError

        raise WikidataError(f"{qid} has no label on the endpoint: is it the city's item (Q…)?")
    label, language = entity_name_and_language(city, qid)
    name = slugify(label, language=language)
    base = base_iri or f"{PLACEHOLDER_BASE_IRI}{name}/"
    title = f"Town twinnings of {label}"
    imported = import_graph(client, qid, depth=1, base_iri=base)
    settings, unchecked = _settings_text(
        name, label, base, given_base=base_iri, publisher=publisher, licence=licence, city=city
    )
    staging: Path | None = None
    try:
        folder.absolute().parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.init-", dir=folder.absolute().parent))
        (staging / "data").mkdir()
        (staging / "data" / f"{name}.ttl").write_bytes(imported.turtle(base_iri=base))
        (staging / "twingraph.toml").write_text(settings, encoding="utf-8")
        if repository_files is not None:
            for relative, text in repository_files(name, title, label).items():
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        os.chmod(staging, 0o755)
        _check_empty(folder)  # again: something may have appeared meanwhile
        os.rename(staging, folder)  # over an empty folder, or into its place
    except OSError as exc:
        why = exc.strerror or exc
        raise OutputError(f"{display_path(folder)}: the project could not be written ({why}).") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return NewProject(
        folder, name, title, folder / "data" / f"{name}.ttl", imported.places,
        imported.partnerships, unchecked,
    )  # fmt: skip


def _wkt_point(coordinates: str | None) -> str | None:
    """Wikidata's `Point(lon lat)` as the WKT point DCAT's centroid takes, where it is one."""
    import re

    match = re.fullmatch(r"\s*Point\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*", coordinates or "", re.IGNORECASE)
    return f"POINT({match[1]} {match[2]})" if match else None


def _check_empty(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise OutputError(f"{display_path(folder)} exists and is not a folder; give a new or empty folder.")
    if folder.is_dir() and any(folder.iterdir()):
        raise OutputError(
            f"{display_path(folder)} is not empty; `twingraph init` makes a new project only in a new or empty folder."
        )


def _settings_text(
    name: str, label: str, base: str, *, given_base: str | None, publisher: str | None, licence: str | None,
    city: Entity,
) -> tuple[str, tuple[str, ...]]:  # fmt: skip
    """twingraph.toml, with what must still be checked marked CHECK (and commented out where
    twingraph has no value of its own to offer)."""
    import datetime

    today = datetime.date.today().isoformat()
    unchecked = []
    lines = [
        f"# The twingraph project of {label}, written by `twingraph init`. Lines marked CHECK hold what",
        "# twingraph could not know: check them before you publish (the README's [publish] table).",
        "[project]",
        f"name = {json.dumps(name)}",
        f"title = {json.dumps(f'Town twinnings of {label}')}",
    ]
    if given_base is None:
        unchecked.append("base_iri")
        lines += [
            "# CHECK: every IRI of the data is minted under base_iri. Make it an address your city controls",
            "# before anyone links to it: changing it later changes every IRI.",
        ]
    lines += [f"base_iri = {json.dumps(base)}", "", "[publish]"]
    if publisher is None:
        unchecked.append("publisher_name")
        lines += [
            "# CHECK: who publishes the data (the catalogue's publisher).",
            f"# publisher_name = {json.dumps(f'City of {label}')}",
        ]
    else:
        lines.append(f"publisher_name = {json.dumps(publisher)}")
    if licence is None:
        unchecked.append("licence")
        lines += [
            "# CHECK: the data's licence, an IRI of the EU licence vocabulary.",
            '# licence = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"',
        ]
    else:
        lines.append(f"licence = {json.dumps(licence)}")
    unchecked.append("base_url")
    lines += [
        "# CHECK: where `twingraph build` output will be published: download URLs are {base_url}{file}.",
        f"# base_url = {json.dumps(base + 'dist/')}",
        "# The catalogue's spatial coverage (dct:spatial, which the MQA score counts): the city's item.",
        f"spatial = {json.dumps(WD + city.qid)}",
        f"spatial_label = {json.dumps(label)}",
        *([f"spatial_centroid = {json.dumps(point)}"] if (point := _wkt_point(city.coordinates)) else []),
        "# The dataset's dates: update modified when the data changes (in git, git's dates are used).",
        f"issued = {json.dumps(today)}",
        f"modified = {json.dumps(today)}",
        "",
    ]
    return "\n".join(lines), tuple(unchecked)
