"""The exceptions the library raises; the CLI turns each into `Error: …` and exit code 2."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to the current folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class TwingraphError(Exception):
    """A command could not run; the message says what is wrong and what to do."""


class TwingraphWarning(UserWarning):
    """Something the user should know before a long wait or a surprising result; the command
    line prints it as "Warning: …" on stderr, the library leaves it to Python's warnings."""


class InputError(TwingraphError):
    """An input file is missing, unreadable, too large, unsafe or not valid RDF."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        self.path = path
        self.line = line
        self.column = column
        where = []
        if path is not None:
            where.append(display_path(path))
        if line is not None:
            where.append(f"line {line}")
            if column is not None:
                where.append(f"column {column}")
        super().__init__(", ".join(where) + ": " + message if where else message)


class ProjectError(TwingraphError):
    """The project folder or its settings file cannot be used."""


class NetworkBlockedError(TwingraphError):
    """Something tried to reach the network where twingraph promises to stay offline."""


class ShapesError(TwingraphError):
    """The SHACL shapes are broken or failed while being applied."""
