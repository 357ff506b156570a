"""`twingraph build`: validate, export every format, describe the files, and publish dist/ whole.

The build writes into a fresh staging folder beside the output folder and swaps it in only
when everything is written, so a failure (a serializer error, a kill, a full disk) leaves
the previous output byte-identical. Staging folders left by a killed build are removed by
the next one.

Three processes share the work on two cores (two above THIRD_PROCESS_TRIPLES). A child,
forked first, reads the data files again, as written, and makes every RDF format from them,
while this process loads the ontology and data into one store. Once loaded, a second child is
forked: it shares the store (copy-on-write) and writes the CSV tables and the network files and
reads the figures the catalogue and VoID give, while this process validates. On World that
took the build from 6.8 s to 5.8 s: those last steps (2.7 s) had waited for the validation
(1.9 s). The first child hands each format over as a file as soon as it is made, not all at
the end: holding them together with the triples took World×10's processes over 4 GB. Errors
in the data are the loader's to report, with file and line: the children's are only seen if
the loading succeeded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.errors import ProjectError, display_path
from twingraph.formats import EXPORT_FORMATS, NETWORK_FORMATS, PUBLISHED_FORMATS
from twingraph.outputs import folders
from twingraph.outputs.files import OutputError
from twingraph.outputs.folders import MANIFEST, manifest_bytes

if TYPE_CHECKING:
    import rdflib

    from twingraph.project import Project, Settings
    from twingraph.publish.catalog import DistributionFile
    from twingraph.publish.data_facts import DataFacts
    from twingraph.publish.mqa import Score
    from twingraph.rdf.load import LoadedGraph

# The second child's working set (the tables' and network's dictionaries) comes on top of the
# other two processes': above this size the build makes them here after validating instead.
# World (242k triples) gains 1.1 s for 220 MB more; the real world (World with the Wikipedia
# list, 766k) 8.5 s (28 s to 19.5 s, at 1.7 GB); World×10 (2.4M) would hold 6.5 GB, not 4.6.
THIRD_PROCESS_TRIPLES = 1_000_000

CATALOG_FILES = {
    "catalog.ttl": ("dcat-ap", "turtle"),
    "catalog.jsonld": ("dcat-ap", "jsonld"),
    "catalog-de.ttl": ("dcat-ap-de", "turtle"),
}


@dataclass(frozen=True)
class BuiltFile:
    """One file written to the output folder."""

    name: str
    byte_size: int
    description: str


@dataclass(frozen=True)
class BuildReport:
    """What a build did. Nothing is written when the data does not conform."""

    conforms: bool
    violations: int
    out: Path
    files: tuple[BuiltFile, ...] = ()
    triples: int = 0
    partnerships: int = 0
    mqa: Score | None = None


def checked_base_url(base_url: str) -> str:
    """A `--base-url`, checked to be an http(s) URL, ending in a slash."""
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url):
        raise ProjectError(f"--base-url {base_url!r} is not an http(s) URL such as https://example.org/twinnings/.")
    return base_url if base_url.endswith("/") else base_url + "/"


def settings_for_base_url(settings: Settings, base_url: str | None) -> Settings:
    """The settings with `--base-url` applied, checked."""
    if base_url is None:
        return settings
    publishing = dataclasses.replace(settings.publishing, base_url=checked_base_url(base_url))
    return dataclasses.replace(settings, publishing=publishing)


def build(
    project: Project,
    *,
    out: Path,
    base_url: str | None = None,
    max_bytes: int,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildReport:
    """Validate, export, catalogue; swap the result into `out` only if every step succeeded
    (the module's docstring says how three processes share the work)."""
    from twingraph.parallel import Pending
    from twingraph.shacl.validate import DataDoesNotConform, load_conforming, validate_loaded

    settings = _checked_settings(project, out, base_url)
    _, data_paths = project.graph_inputs()
    progress("loading")
    try:
        staging = folders.new_staging(out)
    except OSError as exc:
        raise _not_written(out, exc) from None
    handover = staging / ".handover"  # beside the output: a killed build's litter goes with the next
    handover.mkdir()

    rdf = Pending(lambda: _export_rdf(data_paths, handover, out, settings, max_bytes), folder=staging)
    derived: Pending[Derived] | None = None
    done = False
    try:
        try:  # the exporting child works meanwhile
            loaded = load_conforming(project, max_bytes=max_bytes, validate=False)
            if sum(file.triples for file in loaded.files) <= THIRD_PROCESS_TRIPLES:
                derived = Pending(lambda: _derived(loaded, data_paths), folder=staging)
            progress("validating")
            validate_loaded(project, loaded, max_bytes=max_bytes)
        except DataDoesNotConform as exc:
            return BuildReport(conforms=False, violations=exc.violations, out=out)
        names = ", ".join(f"{settings.name}{fmt.suffix}" for fmt in EXPORT_FORMATS)
        progress(f"exporting {names}")
        progress("exporting the network: " + ", ".join(f"{settings.name}{fmt.suffix}" for fmt in NETWORK_FORMATS))
        made = derived.result() if derived is not None else _derived(loaded, data_paths)
        bodies = {name: path.read_bytes() for name, path in rdf.result().items()}
        bodies.update(made.bodies)
        shutil.rmtree(handover)
        progress("describing the files: catalog.ttl, catalog.jsonld, catalog-de.ttl, void.ttl")
        contents = assemble(settings, bodies, made.facts)
        progress(f"writing {display_path(out)}")
        files = _swap_in(staging, out, contents)
        done = True
    finally:
        rdf.cancel()
        if derived is not None:
            derived.cancel()
        if not done:
            shutil.rmtree(staging, ignore_errors=True)
    return _report(out, files, triples=made.facts.triples, partnerships=made.partnerships)


@dataclass(frozen=True)
class Derived:
    """What a build reads from the loaded store besides the RDF formats: the tables, the
    network files, the catalogue's figures and the count of partnerships."""

    bodies: dict[str, bytes]
    facts: DataFacts
    partnerships: int


def _derived(loaded: LoadedGraph, data_paths: Sequence[Path]) -> Derived:
    """The build's second child, forked once the data is loaded, while this process validates."""
    from twingraph.publish.data_facts import data_facts
    from twingraph.rdf.export import partnership_count, partnership_tables

    bodies = {**partnership_tables(loaded.store), **network_bodies(loaded)}
    return Derived(bodies, data_facts(loaded, data_paths), partnership_count(loaded, data_paths))


def _export_rdf(
    data_paths: Sequence[Path], handover: Path, out: Path, settings: Settings, max_bytes: int
) -> dict[str, Path]:
    """The build's exporting child: the data files read as written, in every RDF format, into `handover`."""
    from twingraph.rdf.export import sorted_triples
    from twingraph.rdf.load import read_exact_triples

    try:
        triples = sorted_triples(read_exact_triples(data_paths, max_bytes=max_bytes))
        return rdf_files(triples, handover, base_iri=settings.base_iri)
    except OSError as exc:  # a full disk, a file size limit
        raise _not_written(out, exc) from None


def _checked_settings(project: Project, out: Path, base_url: str | None) -> Settings:
    """Before any work: a stranded output put back, the settings checked, and `out` found to be
    a folder the build may replace."""
    folders.recover(out)  # first of all: put back an output a killed run left stranded
    settings = settings_for_base_url(project.settings, base_url)
    folders.refuse_source_folders(project, out)
    folders.check_replaceable(out, output_names(settings))
    return settings


def _report(out: Path, files: dict[str, tuple[bytes, str]], *, triples: int, partnerships: int) -> BuildReport:
    """What the build did, with the catalogue's MQA self-score."""
    from rdflib import Graph

    from twingraph.publish import mqa

    catalogue = Graph().parse(data=files["catalog.ttl"][0], format="turtle")
    return BuildReport(
        conforms=True,
        violations=0,
        out=out,
        files=tuple(BuiltFile(name, len(body), description) for name, (body, description) in files.items()),
        triples=triples,
        partnerships=partnerships,
        mqa=mqa.score(catalogue),
    )


def publication(settings: Settings, loaded: LoadedGraph, data_paths: Sequence[Path]) -> dict[str, tuple[bytes, str]]:
    """Every file of a build, in memory: file name -> (bytes, description), for `serve` and `site`.

    `loaded` holds the ontology and the data; `data_paths` say which files are the data.
    """
    from twingraph.publish.data_facts import data_facts

    return assemble(
        settings, data_bodies(loaded, data_paths, base_iri=settings.base_iri), data_facts(loaded, data_paths)
    )


def assemble(settings: Settings, bodies: dict[str, bytes], facts: DataFacts) -> dict[str, tuple[bytes, str]]:
    """The build's files from the data in every format and the facts about it: the data files,
    their context, the catalogues (with each file's size and checksum) and the VoID description."""
    from twingraph.publish.catalog import catalog_graph
    from twingraph.publish.void import void_graph

    contents: dict[str, tuple[bytes, str]] = {}
    distributions = _distributions(settings, bodies, contents)
    for name, (profile, fmt_name) in CATALOG_FILES.items():
        graph = catalog_graph(settings, distributions, covers=facts.coverage, profile=profile)
        contents[name] = (catalog_bytes(graph, fmt_name), f"the DCAT-AP catalogue ({profile}, {fmt_name})")
    void = void_graph(settings, facts, distributions)
    contents["void.ttl"] = (catalog_bytes(void, "turtle"), "the VoID description")
    return contents


def rdf_formats(triples: Sequence[Any], *, base_iri: str) -> Iterator[tuple[str, bytes]]:
    """The data's sorted triples in each RDF export format (all but the CSV), one at a time, with
    prefixes for the resources under the project's `base_iri`."""
    from twingraph.rdf.export import TABLE_NAMES, serialize_triples

    for fmt in EXPORT_FORMATS:
        if fmt.name not in TABLE_NAMES:
            yield fmt.name, serialize_triples(triples, fmt.name, base_iri=base_iri)


def rdf_files(triples: Sequence[Any], folder: Path, *, base_iri: str) -> dict[str, Path]:
    """Each RDF export format written to a file in `folder` as soon as it is made, not held."""
    files = {}
    for name, body in rdf_formats(triples, base_iri=base_iri):
        files[name] = folder / name
        files[name].write_bytes(body)
    return files


def network_bodies(loaded: LoadedGraph) -> dict[str, bytes]:
    """The partnership network in each network format, by format name (names in the fallback languages)."""
    from twingraph.network.model import network
    from twingraph.network.writers import write

    net = network(loaded.store)
    return {fmt.name: write(net, fmt.name) for fmt in NETWORK_FORMATS}


def data_bodies(loaded: LoadedGraph, data_paths: Sequence[Path], *, base_iri: str) -> dict[str, bytes]:
    """The data in every published format, by format name. The RDF formats are made in a forked
    child (sharing the store) while this process makes the tables and the network files: World's
    8 s become 4.5 on two cores."""
    from twingraph.parallel import Pending
    from twingraph.rdf.export import partnership_tables, source_triples

    rdf = Pending(lambda: dict(rdf_formats(source_triples(loaded, data_paths), base_iri=base_iri)))
    try:
        bodies = {**partnership_tables(loaded.store), **network_bodies(loaded)}
        bodies.update(rdf.result())
    finally:
        rdf.cancel()
    return bodies


def distribution_files(settings: Settings, loaded: LoadedGraph, data_paths: Sequence[Path]) -> list[DistributionFile]:
    """The distributions a build publishes, with their real sizes and checksums."""
    return _distributions(settings, data_bodies(loaded, data_paths, base_iri=settings.base_iri), {})


def _distributions(
    settings: Settings, bodies: dict[str, bytes], contents: dict[str, tuple[bytes, str]]
) -> list[DistributionFile]:
    """Each format's file, described; the bytes and the context file go into `contents`."""
    from twingraph.publish.catalog import DistributionFile
    from twingraph.rdf.export import jsonld_context_bytes

    files = []
    for fmt in PUBLISHED_FORMATS:
        name, body = f"{settings.name}{fmt.suffix}", bodies[fmt.name]
        what = "the data" if fmt in EXPORT_FORMATS else "the network"
        contents[name] = (body, f"{what} as {fmt.label}")
        files.append(DistributionFile(name, fmt, len(body), hashlib.sha256(body).hexdigest()))
    contents["context.jsonld"] = (jsonld_context_bytes(), "the JSON-LD context of the data")
    return files


def catalog_bytes(graph: rdflib.Graph, fmt: str) -> bytes:
    """A catalogue or VoID graph as deterministic Turtle or JSON-LD."""
    import pyoxigraph

    from twingraph.publish.catalog import CATALOG_PREFIXES
    from twingraph.rdf.export import compact_jsonld, sorted_triples
    from twingraph.rdf.terms import to_oxigraph_triples

    if fmt == "jsonld":
        return compact_jsonld(graph, dict(CATALOG_PREFIXES))
    return pyoxigraph.serialize(  # type: ignore[return-value]  # bytes when no output is given
        sorted_triples(to_oxigraph_triples(graph)), format=pyoxigraph.RdfFormat.TURTLE, prefixes=dict(CATALOG_PREFIXES)
    )


def output_names(settings: Settings) -> list[str]:
    """The names of the files a build writes (the manifest aside)."""
    data = [f"{settings.name}{fmt.suffix}" for fmt in PUBLISHED_FORMATS]
    return [*data, "context.jsonld", *CATALOG_FILES, "void.ttl"]


def _swap_in(staging: Path, out: Path, contents: dict[str, tuple[bytes, str]]) -> dict[str, tuple[bytes, str]]:
    """Write every file into the staging folder beside `out`, with our manifest, then swap it in."""
    had_output = out.exists()
    try:
        bodies = {name: body for name, (body, _) in contents.items()}
        for name, body in {**bodies, MANIFEST: manifest_bytes(bodies)}.items():
            with open(staging / name, "wb") as stream:
                stream.write(body)
                stream.flush()
                os.fsync(stream.fileno())
        folders.swap_in(staging, out, contents)
    except OSError as exc:
        raise _not_written(out, exc, had_output=had_output) from None
    return contents


def _not_written(out: Path, exc: OSError, *, had_output: bool | None = None) -> OutputError:
    if had_output is None:
        had_output = out.exists()
    unchanged = "the previous output is unchanged" if had_output else "nothing was written"
    return OutputError(f"{display_path(out)}: the build could not be written ({exc.strerror or exc}); {unchanged}.")


def describe(report: BuildReport) -> Sequence[str]:
    """The lines of the summary printed after a build."""
    width = max((len(f.name) for f in report.files), default=0)
    lines = [f"Built {display_path(report.out)}: {report.partnerships} partnerships, {report.triples} triples."]
    lines += [f"  {f.name:<{width}}  {f.byte_size:>8,} bytes  {f.description}" for f in report.files]
    if report.mqa is not None:
        from twingraph.publish.mqa import describe as describe_score

        lines += describe_score(report.mqa)
    return lines
