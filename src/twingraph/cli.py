"""The `twingraph` command: options in, one library call, output out.

Exit codes: 0 ok or conforms, 1 the answer is "no" (data does not conform), 2 the command
could not run. Heavy libraries are imported inside commands so that `--help` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from twingraph import __version__
from twingraph.errors import TwingraphError

if TYPE_CHECKING:
    from twingraph.project import Project

EXIT_OK, EXIT_NO, EXIT_ERROR = 0, 1, 2


class TwingraphGroup(click.Group):
    """A click group that turns library errors into `Error: …` on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TwingraphError as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted.")
        except Exception as exc:  # a bug: say so plainly instead of dumping a traceback
            if os.environ.get("TWINGRAPH_DEBUG"):
                raise
            _fail(
                f"unexpected {type(exc).__name__}: {exc}. This is a bug in twingraph; "
                "run again with TWINGRAPH_DEBUG=1 to see the traceback, and report it."
            )


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class Options:
    """Options of the `twingraph` group, handed to every command."""

    def __init__(self, root: Path | None, max_input_mb: float | None):
        self.root = root
        self.max_input_mb = max_input_mb

    def project(self) -> Project:
        from twingraph.project import find_project

        return find_project(root=self.root)

    def max_bytes(self, project: Project) -> int:
        if self.max_input_mb is not None:
            return int(self.max_input_mb * 1024 * 1024)
        return project.settings.max_input_bytes


pass_options: Callable[..., Any] = click.make_pass_decorator(Options)


@click.group(cls=TwingraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="twingraph")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Project folder (with twingraph.toml). Default: the nearest one above the current "
    "folder, else the bundled Kassel project.",
)
@click.option(
    "--max-input-mb",
    type=click.FloatRange(min=0, min_open=True),
    help="Refuse input files larger than this many MiB (default: twingraph.toml, else 64).",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, max_input_mb: float | None) -> None:
    """Town-twinning partnerships as validated, citable linked open data."""
    ctx.obj = Options(root, max_input_mb)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shape_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SHACL shapes file or folder (repeatable). Default: the project's shapes/.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="text: grouped by resource; turtle: the standard SHACL validation report; json.",
)
@pass_options
def validate(options: Options, paths: tuple[Path, ...], shape_paths: tuple[Path, ...], fmt: str) -> None:
    """Check data against the SHACL shapes.

    PATHS are data files or folders; by default the project's data/. The project's ontology
    is always validated with them. Exit 0 if the data conforms, 1 if not, 2 if it could not
    be checked.
    """
    from twingraph.reports import render_report, verdict
    from twingraph.validate import validate_project

    project = options.project()
    report = validate_project(
        project,
        data_paths=paths,
        shape_paths=shape_paths,
        max_bytes=options.max_bytes(project),
    )
    click.echo(render_report(report, fmt), nl=False)
    if fmt != "text":
        click.echo(verdict(report), err=True)
    sys.exit(EXIT_OK if report.conforms else EXIT_NO)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@pass_options
def summary(options: Options, paths: tuple[Path, ...]) -> None:
    """Print a one-screen summary: places, partnerships, sources, Wikidata links.

    PATHS are data files or folders; by default the project's data/.
    """
    from twingraph.load import describe_files, load_project_graph
    from twingraph.summary import format_summary, summarize

    project = options.project()
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    ontology, _ = project.graph_inputs(paths)
    data_files = [f for f in loaded.files if f.path not in ontology]
    result = summarize(loaded.graph)
    click.echo(format_summary(result, title=project.settings.title, files=describe_files(data_files)))


def main() -> None:
    """Entry point for `python -m twingraph`."""
    cli(prog_name="twingraph")
