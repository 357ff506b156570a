"""Finding a twingraph project folder and reading its settings.

A project folder holds `twingraph.toml` and the folders `ontology/`, `data/`, `shapes/` and
`queries/`. It is found from `--root`, or by walking up from the current folder; without
one, the bundled Kassel project is used. A project may leave out `ontology/`, `shapes/` or
`queries/`: the bundled ones then serve, so a new city needs only its `data/`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from twingraph.errors import ProjectError, display_path
from twingraph.formats import RDF_FORMATS
from twingraph.iris import DEFAULT_BASE_IRI

SETTINGS_FILE = "twingraph.toml"
FOLDERS = ("ontology", "data", "shapes", "queries")
DEFAULT_MAX_INPUT_MB = 64
RDF_SUFFIXES = tuple(suffix for fmt in RDF_FORMATS for suffix in fmt.suffixes)


@dataclass(frozen=True)
class Settings:
    """What `twingraph.toml` sets; every field has a default."""

    name: str = "twingraph"
    title: str = "Town twinnings"
    base_iri: str = DEFAULT_BASE_IRI
    max_input_bytes: int = DEFAULT_MAX_INPUT_MB * 1024 * 1024


@dataclass(frozen=True)
class Project:
    """A project folder with its settings; `bundled` is True for the Kassel project shipped with twingraph."""

    root: Path
    settings: Settings
    bundled: bool = False

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

    def is_source_path(self, path: Path) -> bool:
        """True for a path inside one of the project's source folders or its settings file."""
        resolved = path.resolve()
        if resolved == (self.root / SETTINGS_FILE).resolve():
            return True
        return any(resolved.is_relative_to(self.folder(name).resolve()) for name in FOLDERS)


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
    root = bundled_root()
    return Project(root=root, settings=read_settings(root / SETTINGS_FILE), bundled=True)


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
    return bundled_project()


def _project_at(root: Path) -> Project:
    bundled = root.resolve() == bundled_root().resolve()
    return Project(root=root, settings=read_settings(root / SETTINGS_FILE), bundled=bundled)


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
    base_iri = _string(section, "base_iri", defaults.base_iri, path)
    if not base_iri.startswith(("http://", "https://")) or not base_iri.endswith(("/", "#")):
        raise ProjectError(f"{display_path(path)}: base_iri {base_iri!r} must be an http(s) IRI ending in '/' or '#'.")
    max_mb = limits.get("max_input_mb", DEFAULT_MAX_INPUT_MB)
    if not isinstance(max_mb, int | float) or isinstance(max_mb, bool) or max_mb <= 0:
        raise ProjectError(f"{display_path(path)}: [limits] max_input_mb must be a positive number.")
    return Settings(
        name=_string(section, "name", defaults.name, path),
        title=_string(section, "title", defaults.title, path),
        base_iri=base_iri,
        max_input_bytes=int(max_mb * 1024 * 1024),
    )


def _string(section: dict[str, object], key: str, default: str, path: Path) -> str:
    value = section.get(key, default)
    if not isinstance(value, str) or not value:
        raise ProjectError(f"{display_path(path)}: [project] {key} must be a non-empty string.")
    return value
