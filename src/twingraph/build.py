"""`twingraph build`: validate, export every format, describe the files, and publish dist/ whole.

The build writes into a fresh staging folder beside the output folder and swaps it in only
when everything is written, so a failure (a serializer error, a kill, a full disk) leaves
the previous output byte-identical. Staging folders left by a killed build are removed by
the next one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.errors import ProjectError, display_path
from twingraph.output import OutputError

if TYPE_CHECKING:
    import rdflib

    from twingraph.catalog import DistributionFile
    from twingraph.load import LoadedGraph
    from twingraph.mqa import Score
    from twingraph.project import Project, Settings

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
    """Validate, export, catalogue; swap the result into `out` only if every step succeeded.

    The ontology and data are loaded once, into one store: validation sees both, the
    exports only the data files' graphs.
    """
    from twingraph.export import partnership_count
    from twingraph.load import load_project_graph
    from twingraph.parallel import Pending
    from twingraph.validate import load_shapes, validate_graph

    settings = settings_for_base_url(project.settings, base_url)
    _refuse_source_folders(project, out)
    progress("loading")
    loaded = load_project_graph(project, max_bytes=max_bytes)
    shapes = load_shapes(project, max_bytes=max_bytes)
    _, data_paths = project.graph_inputs()
    # The files are made in a forked child while this process validates: on two cores the
    # build takes the longer of the two, not their sum. Nothing is written unless the data conforms.
    pending = Pending(lambda: publication(settings, loaded, data_paths, progress=progress))
    try:
        progress("validating")
        report = validate_graph(loaded.graph, shapes)
        if not report.conforms:
            pending.cancel()
            return BuildReport(conforms=False, violations=len(report.violations), out=out)
        contents = pending.result()
    finally:
        pending.cancel()
    progress(f"writing {display_path(out)}")
    files = _swap_in(out, contents)
    from rdflib import Graph

    from twingraph import mqa

    catalogue = Graph().parse(data=contents["catalog.ttl"][0], format="turtle")

    return BuildReport(
        conforms=True,
        violations=0,
        out=out,
        files=tuple(BuiltFile(name, len(body), description) for name, (body, description) in files.items()),
        triples=loaded.triple_count(data_paths),
        partnerships=partnership_count(loaded, data_paths),
        mqa=mqa.score(catalogue),
    )


def publication(
    settings: Settings,
    loaded: LoadedGraph,
    data_paths: Sequence[Path],
    *,
    progress: Callable[[str], None] = lambda message: None,
) -> dict[str, tuple[bytes, str]]:
    """Every file of a build, in memory: file name -> (bytes, description).

    `loaded` holds the ontology and the data; `data_paths` say which files are the data.
    """
    from twingraph.catalog import catalog_graph, coverage, void_graph

    contents: dict[str, tuple[bytes, str]] = {}
    distributions = distribution_files(settings, loaded, data_paths, contents=contents, progress=progress)
    covers = coverage(loaded, data_paths)
    for name, (profile, fmt_name) in CATALOG_FILES.items():
        progress(f"describing {name}")
        graph = catalog_graph(settings, distributions, covers=covers, profile=profile)
        contents[name] = (catalog_bytes(graph, fmt_name), f"the DCAT-AP catalogue ({profile}, {fmt_name})")
    progress("describing void.ttl")
    void = void_graph(settings, loaded, data_paths, distributions)
    contents["void.ttl"] = (catalog_bytes(void, "turtle"), "the VoID description")
    return contents


def distribution_files(
    settings: Settings,
    loaded: LoadedGraph,
    data_paths: Sequence[Path],
    *,
    contents: dict[str, tuple[bytes, str]] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> list[DistributionFile]:
    """The distributions a build publishes, with their real sizes and checksums; their bytes go into `contents`."""
    from twingraph.catalog import DistributionFile
    from twingraph.export import (
        EXPORT_FORMATS,
        jsonld_context_bytes,
        partnerships_csv,
        serialize_triples,
        source_triples,
    )
    from twingraph.parallel import Pending

    contents = {} if contents is None else contents
    triples = source_triples(loaded, data_paths)  # read and sorted once, for every format
    # JSON-LD, the slowest format (compacted in Python), is made in a forked child meanwhile;
    # forked after the triples are read, so that it shares them instead of reading them again.
    jsonld = Pending(lambda: serialize_triples(triples, "jsonld"))
    bodies: dict[str, bytes] = {}
    try:
        for fmt in EXPORT_FORMATS:
            if fmt.name != "jsonld":
                progress(f"exporting {settings.name}{fmt.suffix}")
                bodies[fmt.name] = (
                    partnerships_csv(loaded.store) if fmt.name == "csv" else serialize_triples(triples, fmt.name)
                )
        progress(f"exporting {settings.name}.jsonld")
        bodies["jsonld"] = jsonld.result()
    finally:
        jsonld.cancel()
    files = []
    for fmt in EXPORT_FORMATS:
        name, body = f"{settings.name}{fmt.suffix}", bodies[fmt.name]
        contents[name] = (body, f"the data as {fmt.label}")
        files.append(DistributionFile(name, fmt, len(body), hashlib.sha256(body).hexdigest()))
    contents["context.jsonld"] = (jsonld_context_bytes(), "the JSON-LD context of the data")
    return files


def catalog_bytes(graph: rdflib.Graph, fmt: str) -> bytes:
    """A catalogue or VoID graph as deterministic Turtle or JSON-LD."""
    import pyoxigraph

    from twingraph.catalog import CATALOG_PREFIXES
    from twingraph.export import compact_jsonld, sorted_triples
    from twingraph.terms import to_oxigraph_triples

    if fmt == "jsonld":
        return compact_jsonld(graph, dict(CATALOG_PREFIXES))
    return pyoxigraph.serialize(  # type: ignore[return-value]  # bytes when no output is given
        sorted_triples(to_oxigraph_triples(graph)), format=pyoxigraph.RdfFormat.TURTLE, prefixes=dict(CATALOG_PREFIXES)
    )


def _refuse_source_folders(project: Project, out: Path) -> None:
    """The output folder may not be, contain, or lie inside the project's source folders."""
    target = out.resolve()
    sources = [project.root.resolve() / name for name in ("ontology", "data", "shapes", "queries")]
    sources.append((project.root / "twingraph.toml").resolve())
    for source in sources:
        if target == source or target in source.parents or source in target.parents or target.is_relative_to(source):
            raise OutputError(
                f"{display_path(out)} would overwrite the project's own {display_path(source)}; "
                "build into another folder, such as dist/."
            )


def _swap_in(out: Path, contents: dict[str, tuple[bytes, str]]) -> dict[str, tuple[bytes, str]]:
    """Write every file into a staging folder beside `out`, then swap it in."""
    parent = out.resolve().parent
    if out.exists() and not out.is_dir():
        raise OutputError(f"{display_path(out)} is a file; give a folder for the build.")
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, out.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=parent))
    try:
        for name, (body, _) in contents.items():
            with open(staging / name, "wb") as stream:
                stream.write(body)
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(staging, 0o755)
        old = parent / f".{out.name}.old-{os.getpid()}"
        had_output = out.exists()
        if had_output:
            os.replace(out, old)
        try:
            os.replace(staging, out)
        except OSError:
            if had_output:
                os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"{display_path(out)}: the build could not be written ({exc.strerror or exc}); "
            "the previous output is unchanged."
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return contents


def _remove_leftovers(parent: Path, name: str) -> None:
    """Staging folders of builds that were killed part-way."""
    for leftover in [*parent.glob(f".{name}.build-*"), *parent.glob(f".{name}.old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def describe(report: BuildReport) -> Sequence[str]:
    """The lines of the summary printed after a build."""
    width = max((len(f.name) for f in report.files), default=0)
    lines = [f"Built {display_path(report.out)}: {report.partnerships} partnerships, {report.triples} triples."]
    lines += [f"  {f.name:<{width}}  {f.byte_size:>8,} bytes  {f.description}" for f in report.files]
    if report.mqa is not None:
        from twingraph.mqa import describe as describe_score

        lines += describe_score(report.mqa)
    return lines
