"""`twingraph site`: the whole linked-data site as static files, for any web host.

The data is validated first (as `build` does: data that does not conform is not published).
Then every resource under the project's `base_iri` gets its page and its four RDF documents,
with a linkset and an Apache type map; the index, the stored queries, the downloads (with
versioned copies), VoID, the sitemap and the rest follow, and beside the web root the nginx
and w3id.org rules (`hosting.py`).

The output is deterministic, and written as safely as `build`'s: into a staging folder beside
`--out`, swapped in whole, only over a folder twingraph wrote (`outputs/folders.py`). A file
whose bytes did not change is hard-linked from the previous site instead of written, so a
rebuild writes only what changed (rsync and CDN uploads stay small), and resources that are
gone are gone. Nothing is flushed file by file: one `syncfs` makes the staging folder durable
before the swap.

Two processes share the resources (a forked child takes every second one), as the pages and
pictures dominate the time on a large dataset.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twingraph.errors import display_path
from twingraph.formats import EXPORT_FORMATS, GRAPH_FORMATS
from twingraph.outputs import folders
from twingraph.outputs.files import OutputError
from twingraph.outputs.folders import MANIFEST, manifest_bytes
from twingraph.project import DEFAULT_SITE_PICTURES
from twingraph.static_site.hosting import SEGMENT, TYPE_MAP_SUFFIX, Hosting, type_map

if TYPE_CHECKING:
    from twingraph.project import Project
    from twingraph.web.pages import Pages
    from twingraph.web.site import Site

PUBLIC = "public"
_RESOURCE_PATH = re.compile(rf"id/(?:{SEGMENT}/)*{SEGMENT}")


@dataclass(frozen=True)
class SiteReport:
    """What `twingraph site` did."""

    out: Path
    conforms: bool
    violations: int = 0
    resources: int = 0
    files: int = 0
    written: int = 0  # files new or changed since the previous site
    unchanged: int = 0  # files hard-linked from the previous site
    removed: int = 0  # files of the previous site that are gone
    pictured: int = 0  # places whose page has the map and the timeline
    skipped: tuple[str, ...] = ()  # IRIs whose path cannot be a file name


@dataclass
class _Writer:
    """Writes the site's files into the staging folder, hard-linking unchanged ones from the old site."""

    staging: Path
    previous: Path | None
    written: int = 0
    unchanged: int = 0
    names: list[str] = field(default_factory=list)
    _made: set[str] = field(default_factory=set)

    def add(self, name: str, body: bytes) -> None:
        target = self.staging / name
        folder = target.parent.as_posix()
        if folder not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        self.names.append(name)
        old = self.previous / name if self.previous else None
        if old is not None and _same_bytes(old, body):
            try:
                os.link(old, target)
                self.unchanged += 1
                return
            except OSError:  # a filesystem without hard links (FAT, some network ones): write it
                pass
        with open(target, "wb") as stream:
            stream.write(body)
        self.written += 1

    def alias(self, name: str, same_as: str) -> None:
        """A second name for a file already written (a versioned dump: the name holds its content's hash,
        so an old file of that name has the same bytes)."""
        try:
            os.link(self.staging / same_as, self.staging / name)
        except OSError:  # no hard links here: a copy
            shutil.copyfile(self.staging / same_as, self.staging / name)
        self.names.append(name)
        if self.previous is not None and (self.previous / name).is_file():
            self.unchanged += 1
        else:
            self.written += 1


def _same_bytes(old: Path, body: bytes) -> bool:
    try:
        if old.is_symlink() or old.stat().st_size != len(body):
            return False
        return old.read_bytes() == body
    except OSError:
        return False


def write_site(
    project: Project,
    *,
    out: Path,
    base_url: str | None = None,
    server_folder: str | None = None,
    pictures: int = DEFAULT_SITE_PICTURES,
    max_bytes: int,
    progress: Callable[[str], None] = lambda message: None,
) -> SiteReport:
    """Validate and write the static site into `out` (public/, nginx/, w3id/), swapped in whole."""
    from twingraph.publish.build import checked_base_url
    from twingraph.shacl.validate import DataDoesNotConform
    from twingraph.web.site import load_site

    folders.recover(out)
    url = checked_base_url(base_url or project.settings.base_iri)
    folders.refuse_source_folders(project, out)
    folders.check_replaceable(out, [])
    progress("loading and validating")
    try:
        site = load_site(project, base_url=url, max_bytes=max_bytes)
    except DataDoesNotConform as exc:
        return SiteReport(out=out, conforms=False, violations=exc.violations)
    hosting = _hosting(site, url, server_folder or str((out / "nginx").absolute()))
    previous = out if (out / MANIFEST).is_file() else None
    old_names = (folders.listed_files(previous) or set()) if previous else set()
    try:
        staging = folders.new_staging(out)
    except OSError as exc:
        raise _not_written(out, exc) from None
    try:
        report = _write_all(site, hosting, url, staging, previous, pictures=pictures, progress=progress)
        progress(f"writing {display_path(out)}")
        _sync(staging)
        folders.swap_in(staging, out, report.names)
    except OSError as exc:
        raise _not_written(out, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteReport(
        out=out, conforms=True, resources=report.resources, files=len(report.names), written=report.written,
        unchanged=report.unchanged, removed=len(old_names - set(report.names)), pictured=report.pictured,
        skipped=report.skipped,
    )  # fmt: skip


@dataclass
class _Written:
    names: list[str]
    written: int
    unchanged: int
    resources: int
    pictured: int
    skipped: tuple[str, ...]


def _hosting(site: Site, url: str, scripts_folder: str) -> Hosting:
    from urllib.parse import urlsplit

    from twingraph.web.site import ONTOLOGY_IRI

    return Hosting(
        root=urlsplit(url).path or "/",
        site_url=url,
        base_iri=site.base_iri,
        ontology_iri=ONTOLOGY_IRI,
        licence=site.settings.publishing.licence,
        dataset_name=site.settings.name,
        scripts_folder=scripts_folder,
    )


def _write_all(
    site: Site, hosting: Hosting, url: str, staging: Path, previous: Path | None, *, pictures: int,
    progress: Callable[[str], None],
) -> _Written:  # fmt: skip
    """Every file of the site, the resources shared with a forked child."""
    from twingraph.parallel import Pending

    # The files lie where their URLs point under the web root: public/twinnings/… for a site
    # served at /twinnings/, so that nginx's `root` and Apache's DocumentRoot are public/ alike.
    public = PUBLIC + hosting.root
    writer = _Writer(staging, previous)
    paths, skipped = _resource_paths(site)
    pictured = _pictured_places(site, pictures)
    renderer = _Renderer(site, url, pictured)
    progress(f"writing {len(paths):,} resources, each as a page, Turtle, JSON-LD, RDF/XML and N-Triples")

    def share(part: list[str]) -> tuple[list[str], int, int]:
        child = _Writer(staging, previous)
        for path in part:
            for name, body in renderer.resource_files(path):
                child.add(public + name, body)
        return child.names, child.written, child.unchanged

    other = Pending(lambda: share(paths[1::2]), folder=staging)
    try:
        for path in paths[::2]:
            for name, body in renderer.resource_files(path):
                writer.add(public + name, body)
        names, written, unchanged = other.result()
    finally:
        other.cancel()
    writer.names += names
    writer.written += written
    writer.unchanged += unchanged
    progress("writing the index, the stored queries, the downloads and the web-server rules")
    for name, body in renderer.site_files(hosting, paths):
        writer.add(public + name if not name.startswith(("nginx/", "w3id/")) else name, body)
    for name, same_as in renderer.versioned_copies():
        writer.alias(public + name, public + same_as)
    writer.add(MANIFEST, manifest_bytes(writer.names))
    return _Written(
        writer.names, writer.written, writer.unchanged, len(paths), len(pictured & set(paths)), tuple(skipped)
    )


def _resource_paths(site: Site) -> tuple[list[str], list[str]]:
    """The paths (id/city/kassel) of every IRI under id/ the data describes, and the IRIs whose
    path could not be a file name (they are left out, and reported)."""
    import pyoxigraph

    prefix = site.base_iri + "id/"
    subjects = {
        quad.subject.value
        for quad in site.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())
        if isinstance(quad.subject, pyoxigraph.NamedNode) and quad.subject.value.startswith(prefix)
    }
    paths, skipped = [], []
    for iri in sorted(subjects):
        path = iri[len(site.base_iri) :]
        if _RESOURCE_PATH.fullmatch(path):
            paths.append(path)
        else:
            skipped.append(iri)
    return paths, skipped


def _pictured_places(site: Site, limit: int) -> set[str]:
    """The paths of the places whose pages get pictures: the `limit` with the most partnerships."""
    rows = site.select(
        "PREFIX tw: <https://w3id.org/twingraph/ontology#> "
        "SELECT ?place (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a tw:Partnership ; tw:partner ?place } "
        "GROUP BY ?place ORDER BY DESC(?n) STR(?place)"
    )
    places = [row["place"].value for row in rows[:limit]]
    return {site.path_for(iri) or "" for iri in places} - {""}


class _Renderer:
    """Makes the bytes of every file: pages through serve's templates, documents through its writers."""

    def __init__(self, site: Site, url: str, pictured: set[str]) -> None:
        self.site = site
        self.url = url
        self.pictured = pictured
        self._pages: dict[int, Pages] = {}

    def pages(self, path: str) -> Pages:
        """The page builder for a page at `path`: its links are relative to where it lies."""
        from twingraph.web.pages import Pages
        from twingraph.web.urls import Urls

        depth = path.count("/")
        if depth not in self._pages:
            pages = Pages(self.site, Urls.for_static_page(self.url, path))
            first = next(iter(self._pages.values()), pages)
            pages.plot = self._plot_policy(first)
            self._pages[depth] = pages
        return self._pages[depth]

    def _plot_policy(self, first: Pages) -> Callable[[str, str | None], str | None]:
        def plot(kind: str, iri: str | None) -> str | None:
            if kind != "network" and (iri is None or (self.site.path_for(iri) or "") not in self.pictured):
                return None  # the budget: see DEFAULT_SITE_PICTURES and the README
            return first._plot(kind, iri)

        return plot

    def documents(self, triples: list[Any], name: str) -> Iterator[tuple[str, bytes]]:
        from twingraph.rdf.export import export_prefixes
        from twingraph.sparql.results import ResultFormatError, serialize_graph

        for fmt in GRAPH_FORMATS:
            try:
                yield (
                    name + fmt.suffix,
                    serialize_graph(triples, fmt.name, prefixes=export_prefixes(self.site.base_iri)),
                )
            except ResultFormatError:  # RDF/XML cannot write every predicate; the other formats can
                continue

    def resource_files(self, path: str) -> Iterator[tuple[str, bytes]]:
        """A resource's page, documents, linkset and type map."""
        from twingraph.web.pages import render
        from twingraph.web.signposting import linkset

        iri = self.site.iri_for_path(path)
        pages = self.pages(path)
        page = render("resource.html", urls=pages.urls, lang="en", **pages.resource(iri, []))
        yield from self.negotiated(path, page, list(self.documents(self.site.describe(iri), path)))
        yield path + ".linkset.json", linkset(self.site.signposts(path), anchor=self.url + path)

    def negotiated(self, path: str, page: bytes, documents: list[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        from twingraph.formats import HTML

        yield path + HTML.suffix, page
        yield from documents
        available = {"html", *(fmt.name for fmt in GRAPH_FORMATS if any(n.endswith(fmt.suffix) for n, _ in documents))}
        yield path + TYPE_MAP_SUFFIX, type_map(path.rsplit("/", 1)[-1], available)

    def site_files(self, hosting: Hosting, paths: list[str]) -> Iterator[tuple[str, bytes]]:
        """Everything but the resources: the index, ontology, catalogue, queries, the SPARQL page,
        downloads, VoID, sitemap, robots.txt, 404 page, .nojekyll and the web-server rules."""
        from twingraph.static_site import extras, query_page

        yield from extras.ontology_files(self, hosting)
        yield from extras.catalogue_files(self)
        yield from extras.index_and_queries(self)
        yield from query_page.query_page_files(self)
        yield from extras.downloads(self)
        yield from extras.crawler_files(self, paths)
        yield from extras.hosting_files(self, hosting)

    def versioned_copies(self) -> Iterator[tuple[str, str]]:
        """The dumps again under a name with their content's hash, to be cached for good."""
        name = self.site.settings.name
        version = hashlib.sha256(self.site.files[f"{name}.ttl"]).hexdigest()[:12]
        for fmt in EXPORT_FORMATS:
            yield f"dist/{name}-{version}{fmt.suffix}", f"dist/{name}{fmt.suffix}"


def _sync(folder: Path) -> None:
    """Make everything written under `folder` durable in one call (syncfs, else sync)."""
    libc_name = ctypes.util.find_library("c")
    syncfs = getattr(ctypes.CDLL(libc_name), "syncfs", None) if libc_name else None
    if syncfs is None:
        os.sync()
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        syncfs(handle)
    finally:
        os.close(handle)


def _not_written(out: Path, exc: OSError) -> OutputError:
    unchanged = "the previous site is unchanged" if out.exists() else "nothing was written"
    return OutputError(f"{display_path(out)}: the site could not be written ({exc.strerror or exc}); {unchanged}.")
