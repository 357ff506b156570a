"""Finding a twingraph project folder and reading its settings.

A project folder holds `twingraph.toml` and the folders `ontology/`, `data/`, `shapes/` and
`queries/`. It is found from `--root`, or by walking up from the current folder; without
one, the bundled Kassel project is used. A project may leave out `ontology/`, `shapes/` or
`queries/`: the bundled ones then serve, so a new city needs only its `data/`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from twingraph.errors import ProjectError, display_path
from twingraph.formats import RDF_FORMATS
from twingraph.iris import DEFAULT_BASE_IRI

SETTINGS_FILE = "twingraph.toml"
DEFAULT_MAX_INPUT_MB = 64
# The largest answer taken from an endpoint (--max-answer-mb), a limit like the input cap.
DEFAULT_MAX_ANSWER_MB = 64
# `twingraph site` draws the map and timeline on this many place pages, the busiest: 0.1-0.3 s each
# (World's busiest take 0.3 s; the README's performance table).
DEFAULT_SITE_PICTURES = 50
RDF_SUFFIXES = tuple(suffix for fmt in RDF_FORMATS for suffix in fmt.suffixes)


@dataclass(frozen=True)
class Publishing:
    """The `[publish]` table: what the DCAT catalogue says about the dataset and who publishes it.

    Code-list values (licence, themes, spatial coverage) are IRIs of the EU vocabularies
    (and DCAT-AP.de's for `licence_de` and `geocoding_level`).
    """

    base_url: str | None = None
    licence: str = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    licence_de: str = "http://dcat-ap.de/def/licenses/cc-by/4.0"
    attribution: str = "twingraph contributors"
    rights: str = "Free to reuse under the licence; name the source."
    publisher_name: str = "twingraph"
    publisher_url: str = "https://w3id.org/twingraph/"
    publisher_type: str = "http://purl.org/adms/publishertype/NonProfitOrganisation"
    contact_name: str = "twingraph"
    contact_url: str = "https://w3id.org/twingraph/"
    contact_email: str | None = None
    landing_page: str | None = None
    title_de: str | None = None
    description_en: str = "Town-twinning partnerships as validated linked open data, every fact with its source."
    description_de: str = "Städtepartnerschaften als geprüfte Linked Open Data, jede Angabe mit ihrer Quelle."
    keywords_en: tuple[str, ...] = ("town twinning", "sister cities", "partnerships", "linked open data")
    keywords_de: tuple[str, ...] = ("Städtepartnerschaft", "Partnerstädte", "Partnerschaften", "Linked Open Data")
    themes: tuple[str, ...] = ("SOCI", "REGI")
    spatial: str | None = None
    spatial_label: str | None = None
    spatial_centroid: str | None = None
    spatial_bbox: str | None = None
    geocoding_level: str = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    # Dates (YYYY-MM-DD): never a constant of twingraph's, never file times, so that builds are
    # byte-identical across clones. `project_dates` fills them (the README's [publish] table).
    issued: str = ""
    modified: str = ""
    # The keys the project's twingraph.toml sets; the others are twingraph's placeholders.
    given: frozenset[str] = frozenset()
    # Where `modified` came from: SOURCE_DATE_EPOCH, git, twingraph.toml, or today.
    dated_by: str = ""

    def unset(self, keys: Sequence[str] = ("publisher_name", "licence", "base_url")) -> list[str]:
        """Of these settings, those the project has not set itself."""
        return [key for key in keys if key not in self.given]


@dataclass(frozen=True)
class Settings:
    """What `twingraph.toml` sets; every field has a default."""

    name: str = "twingraph"
    title: str = "Town twinnings"
    base_iri: str = DEFAULT_BASE_IRI
    max_input_bytes: int = DEFAULT_MAX_INPUT_MB * 1024 * 1024
    publishing: Publishing = Publishing()

    @property
    def base_url(self) -> str:
        """Where the built files are published: `[publish] base_url`, else under the base IRI."""
        return self.publishing.base_url or f"{self.base_iri}dist/{self.name}/"


def checked_base_iri(base_iri: str, *, where: str = "--base-iri") -> str:
    """A base IRI, checked: http(s), ending in '/' or '#' (IRIs are minted by appending)."""
    if not base_iri.startswith(("http://", "https://")) or not base_iri.endswith(("/", "#")):
        raise ProjectError(f"{where}: base_iri {base_iri!r} must be an http(s) IRI ending in '/' or '#'.")
    return base_iri


@dataclass(frozen=True)
class Project:
    """A project folder with its settings; `bundled` is True for the Kassel project shipped with twingraph."""

    root: Path
    settings: Settings
    bundled: bool = False
    # True when no twingraph.toml was found here or above, so the bundled project stands in.
    fallback: bool = False

    def folder(self, name: str) -> Path:
        """The project's folder of that name, or the bundled one where the project has none."""
        own = self.root / name
        if own.is_dir() or self.bundled:
            return own
        return bundled_root() / name

    def files(self, name: str, suffixes: tuple[str, ...]) -> list[Path]:
        """The files with these suffixes in one of the project's folders, sorted by name."""
        folder = self.folder(name)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes)

    def graph_inputs(self, data_paths: Sequence[Path] = ()) -> tuple[list[Path], list[Path]]:
        """The ontology files and the data paths (default: the project's data/) that make its graph.

        The ontology always comes with the data: the shapes and queries rely on the SKOS
        schemes and class hierarchy it defines.
        """
        return self.files("ontology", RDF_SUFFIXES), list(data_paths) or [self.folder("data")]


def bundled_root() -> Path:
    """The bundled Kassel project: inside the installed wheel, or the checkout it runs from."""
    packaged = Path(str(resources.files("twingraph"))) / "_project"
    if (packaged / SETTINGS_FILE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / SETTINGS_FILE).is_file():
        return checkout
    raise ProjectError("the bundled Kassel project is missing from this installation; reinstall twingraph")


def bundled_project() -> Project:
    """The Kassel project that ships with twingraph."""
    return dataclasses.replace(_project_at(bundled_root()), bundled=True)


def find_project(*, root: Path | None = None, start: Path | None = None) -> Project:
    """The project at `root`, else the nearest one above `start` (the current folder), else the bundled one."""
    if root is not None:
        if not root.is_dir():
            raise ProjectError(f"{display_path(root)}: no such folder. Give --root a project folder.")
        settings_path = root / SETTINGS_FILE
        if not settings_path.is_file():
            raise ProjectError(
                f"{display_path(root)} is not a twingraph project: it has no {SETTINGS_FILE}. "
                f"Create one (see the README) or leave out --root."
            )
        return _project_at(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return _project_at(folder)
    return dataclasses.replace(bundled_project(), fallback=True)


def _project_at(root: Path) -> Project:
    bundled = root.resolve() == bundled_root().resolve()
    settings = read_settings(root / SETTINGS_FILE)
    project = Project(root=root, settings=settings, bundled=bundled)
    dates = project_dates(project)
    publishing = dataclasses.replace(
        settings.publishing, issued=dates["issued"], modified=dates["modified"], dated_by=dates["dated_by"]
    )
    return dataclasses.replace(project, settings=dataclasses.replace(settings, publishing=publishing))


def project_dates(project: Project) -> dict[str, str]:
    """`issued` and `modified` of the published data, from what does not change between clones.

    modified: SOURCE_DATE_EPOCH (reproducible builds) if set; else the date of the last commit
    that touched the project's data/; else `[publish] modified`. issued: `[publish] issued`;
    else the date of the first commit that touched data/; else the modified date. Where none of
    these exists (a new folder outside git with no dates set), today's date, which changes the
    catalogue daily: `build` warns about it (Publishing.given has no "modified").
    """
    import datetime
    import os

    pub = project.settings.publishing
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    commits = _commit_dates(project.folder("data"))
    if epoch.isdigit():
        modified = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date().isoformat()
        dated_by = "SOURCE_DATE_EPOCH"
    elif commits:
        modified, dated_by = commits[0], "git"
    elif pub.modified:
        modified, dated_by = pub.modified, "twingraph.toml"
    else:
        modified, dated_by = datetime.date.today().isoformat(), "today"
    issued = pub.issued or (commits[-1] if commits else modified)
    return {"issued": min(issued, modified), "modified": modified, "dated_by": dated_by}


def _commit_dates(folder: Path) -> list[str]:
    """The commit dates (newest first) of the commits that touched a folder; none outside git."""
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return []
    try:
        shown = subprocess.run(
            [git, "log", "--format=%cs", "--", "."], cwd=folder, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return shown.stdout.split() if shown.returncode == 0 else []


def read_settings(path: Path) -> Settings:
    """Read `twingraph.toml`; a bad file gives a `ProjectError` naming the line."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(f"{display_path(path)}: not valid TOML ({exc}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{display_path(path)}: cannot be read ({exc}).") from None
    section = raw.get("project", {})
    limits = raw.get("limits", {})
    if not isinstance(section, dict) or not isinstance(limits, dict):
        raise ProjectError(f"{display_path(path)}: [project] and [limits] must be tables.")
    defaults = Settings()
    base_iri = checked_base_iri(_string(section, "base_iri", defaults.base_iri, path), where=display_path(path))
    max_mb = limits.get("max_input_mb", DEFAULT_MAX_INPUT_MB)
    if not isinstance(max_mb, int | float) or isinstance(max_mb, bool) or max_mb <= 0:
        raise ProjectError(f"{display_path(path)}: [limits] max_input_mb must be a positive number.")
    return Settings(
        name=_string(section, "name", defaults.name, path),
        title=_string(section, "title", defaults.title, path),
        base_iri=base_iri,
        max_input_bytes=int(max_mb * 1024 * 1024),
        publishing=_publishing(raw.get("publish", {}), path),
    )


def _publishing(table: object, path: Path) -> Publishing:
    """The `[publish]` table; each key must have the type of its default."""
    import dataclasses
    import re

    if not isinstance(table, dict):
        raise ProjectError(f"{display_path(path)}: [publish] must be a table.")
    fields = {f.name: f for f in dataclasses.fields(Publishing)}
    defaults = Publishing()
    values: dict[str, object] = {}
    for key, value in table.items():
        if key not in fields or key == "given":
            raise ProjectError(f"{display_path(path)}: [publish] has no setting {key!r}; known: {', '.join(fields)}.")
        default = getattr(defaults, key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ProjectError(f"{display_path(path)}: [publish] {key} must be a list of non-empty strings.")
            value = tuple(value)
        elif not isinstance(value, str) or not value.strip():
            raise ProjectError(f"{display_path(path)}: [publish] {key} must be a non-empty string.")
        values[key] = value
    if "licence" in values:
        values.update(_licences(str(values["licence"]), values, path))
    publishing = dataclasses.replace(defaults, **values, given=frozenset(values))  # type: ignore[arg-type]
    for key in ("issued", "modified"):
        if key in values and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", getattr(publishing, key)):
            raise ProjectError(f"{display_path(path)}: [publish] {key} must be a date such as 2026-11-25.")
    if publishing.base_url and not re.fullmatch(r"https?://[^\s/]+/\S*/", publishing.base_url):
        raise ProjectError(f"{display_path(path)}: [publish] base_url must be an http(s) URL ending in '/'.")
    return publishing


def checked_licence(value: str, *, where: str = "--licence") -> str:
    """A licence of twingraph's table, by its EU IRI or code, as its EU IRI; else a ProjectError."""
    from twingraph.licences import accepted, licence

    found = licence(value.strip())
    if found is None:
        raise ProjectError(
            f"{where}: {value!r} is not a licence twingraph knows. Give the EU licence vocabulary's IRI or code of "
            f"one of: {accepted()} (`twingraph licences` lists them with their names)."
        )
    return found.iri


def _licences(value: str, values: dict[str, object], path: Path) -> dict[str, str]:
    """The licence as its EU IRI, and its DCAT-AP.de IRI unless licence_de is set."""
    from twingraph.licences import licence

    iri = checked_licence(value, where=f"{display_path(path)}: [publish] licence")
    found = licence(iri)
    assert found is not None
    return {"licence": iri} | ({} if "licence_de" in values else {"licence_de": found.dcat_ap_de_iri})


def _string(section: dict[str, object], key: str, default: str, path: Path) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or not value:
        raise ProjectError(f"{display_path(path)}: [project] {key} must be a non-empty string.")
    return value
