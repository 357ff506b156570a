"""The `twingraph` group and what every command shares: options, errors, output paths.

Exit codes: 0 ok or conforms, 1 the answer is "no" (data does not conform), 2 the command
could not run. Heavy libraries are imported inside commands so that `--help` stays fast.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from twingraph import __version__
from twingraph.errors import TwingraphError
from twingraph.iris import is_language_tag
from twingraph.project import DEFAULT_MAX_ANSWER_MB

if TYPE_CHECKING:
    from twingraph.project import Project

EXIT_OK, EXIT_NO, EXIT_ERROR = 0, 1, 2


class TwingraphGroup(click.Group):
    """A click group that turns library errors into `Error: …` on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                with _warnings_as_lines():
                    return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # here, not at exit, so that a full disk is reported like any error
        except OSError as exc:
            if not _is_stdout_failure(exc):
                raise self._bug(exc) from None
            _stdout_failed(exc)
        except TwingraphError as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted.")
        except Exception as exc:  # a bug: say so plainly instead of dumping a traceback
            raise self._bug(exc) from None

    @staticmethod
    def _bug(exc: Exception) -> BaseException:
        if os.environ.get("TWINGRAPH_DEBUG"):
            return exc
        _fail(
            f"unexpected {type(exc).__name__}: {exc}. This is a bug in twingraph; "
            "run again with TWINGRAPH_DEBUG=1 to see the traceback, and report it."
        )


# Errors of a write to standard output itself (a full disk behind `>`, a closed pipe): they
# carry no file name, unlike every file error the library raises.
_STDOUT_ERRNOS = {errno.EPIPE, errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT}


def _is_stdout_failure(exc: OSError) -> bool:
    return exc.errno in _STDOUT_ERRNOS and exc.filename is None


def _stdout_failed(exc: OSError) -> NoReturn:
    """Report a failed write to stdout once, and keep Python from failing again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    if exc.errno == errno.EPIPE:  # the reader stopped reading (`| head`): not worth a message
        sys.exit(EXIT_ERROR)
    _fail(f"could not write to standard output ({exc.strerror or exc}).")


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class Options:
    """Options of the `twingraph` group, handed to every command."""

    def __init__(self, root: Path | None, max_input_mb: float | None, languages: tuple[str, ...] = ()):
        self.root = root
        self.max_input_mb = max_input_mb
        self.languages = languages  # --lang: the languages names are shown in, best first

    def project(self) -> Project:
        from twingraph.project import find_project

        project = find_project(root=self.root)
        if project.fallback:
            click.echo(
                "Note: no twingraph.toml here or above; using the bundled Kassel example project. "
                'Give --root, or make a project of your own (the README\'s "Your own city").',
                err=True,
            )
        return project

    def output_folder(self, project: Project, given: Path | None, name: str) -> Path:
        """Where a command writes by default: `name` in the project's folder, so that
        `--root jena build` writes jena/dist; in the current folder for the bundled example
        (which may lie inside the installed package)."""
        if given is not None:
            return given
        return Path(name) if project.fallback else project.root / name

    def max_bytes(self, project: Project) -> int:
        if self.max_input_mb is not None:
            return int(self.max_input_mb * 1024 * 1024)
        return project.settings.max_input_bytes


pass_options: Callable[..., Any] = click.make_pass_decorator(Options)
max_answer_option: Callable[..., Any] = click.option(
    "--max-answer-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=float(DEFAULT_MAX_ANSWER_MB),
    show_default=True,
    help="Refuse an endpoint's answer larger than this many MiB (nothing of it is used).",
)


def timeout_option(default: float, help: str) -> Callable[..., Any]:
    """`--timeout`: a total deadline in seconds, the answer's last byte included."""
    return click.option(
        "--timeout", type=click.FloatRange(min=0, min_open=True), default=default, show_default=True, help=help
    )


def _endpoint(url: str, *, timeout: float, max_answer_mb: float = DEFAULT_MAX_ANSWER_MB) -> Any:
    from twingraph.sparql.remote import Endpoint

    return Endpoint(url, timeout=timeout, max_answer_bytes=int(max_answer_mb * 1024 * 1024))


def _checked_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An -o path is checked first of all: only a regular file or a new path may be replaced."""
    from twingraph.outputs.files import OutputError, is_stdout, writable_target

    if value is not None and str(value) != "-" and is_stdout(value):
        return Path("-")  # -o /dev/stdout: written through, as -o - is (a pipe is no file to replace)
    if value is not None and str(value) != "-":
        try:
            writable_target(value)
        except OutputError as exc:
            _fail(str(exc))
    return value


output_option: Callable[..., Any] = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    callback=_checked_output,
    help="Write here (atomically); - is stdout.",
)


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
@click.option(
    "--lang",
    "languages",
    metavar="LANG[,LANG…]",
    default="",
    help="Languages to name places in, best first (exports' tables, and the labels `wikidata import --all` "
    "reads); then English, German, any.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, max_input_mb: float | None, languages: str) -> None:
    """Town-twinning partnerships as validated, citable linked open data."""
    import gc

    # A command is one batch that builds millions of short-lived term objects: with Python's
    # default thresholds the cyclic collector rescans everything loaded, again and again
    # (a quarter of World×10's validation time). Collect far less often.
    gc.set_threshold(100_000, 50, 1000)
    wanted = tuple(tag.strip().lower() for tag in languages.split(",") if tag.strip())
    for tag in wanted:
        if not is_language_tag(tag):
            raise click.BadParameter(f"{tag!r} is not a language tag (such as de, en, ko).", param_hint="--lang")
    ctx.obj = Options(root, max_input_mb, wanted)


def progress(message: str) -> None:
    """A step of a long command, on stderr: "… validating"."""
    click.echo(f"… {message}", err=True)


def exit_unless_conforming(conforms: bool, violations: int, out: Path, *, verb: str) -> None:
    """Exit 1, saying that `out` is unchanged, where the data did not conform."""
    from twingraph.errors import display_path

    if not conforms:
        click.echo(
            f"Not {verb}: the data does not conform to the shapes ({violations} violation(s)); "
            f"{display_path(out)} is unchanged. Run `twingraph validate` to see them.",
            err=True,
        )
        sys.exit(EXIT_NO)


def _warn_placeholders(project: Project, *, base_url: str | None = None) -> None:
    """Say loudly which publishing settings are twingraph's placeholders, not the project's."""
    pub = project.settings.publishing
    if pub.dated_by == "today":
        click.echo(
            f"Warning: the catalogue's modified date is today's ({pub.modified}): the data is not in git and "
            "twingraph.toml sets no [publish] modified, so builds on other days differ. Set it, or SOURCE_DATE_EPOCH.",
            err=True,
        )
    from twingraph.iris import PLACEHOLDER_BASE_IRI

    if project.settings.base_iri.startswith(PLACEHOLDER_BASE_IRI):
        click.echo(
            f"Warning: twingraph.toml's base_iri is a placeholder ({project.settings.base_iri}); every IRI of the "
            "data is minted under it. Set an address your city controls before you publish.",
            err=True,
        )
    unset = [key for key in pub.unset() if not (key == "base_url" and base_url)]
    if not unset:
        return
    shown = {
        "publisher_name": f"publisher_name (now {pub.publisher_name!r})",
        "licence": f"licence (now {pub.licence.rsplit('/', 1)[-1]}, unless one licence covers every partnership's "
        "sources, as CC0 does for data from Wikidata)",
        "base_url": f"base_url (now {project.settings.base_url})",
    }
    click.echo(
        f"Warning: twingraph.toml's [publish] does not set {', '.join(shown[key] for key in unset)}; "
        "the catalogue carries twingraph's placeholders. Set your own before you publish (README: [publish]).",
        err=True,
    )


def _emit(body: bytes | Iterable[bytes], output: Path | None, *, inputs: list[Path]) -> None:
    """Data (whole, or in pieces as it is made) to stdout, or atomically to `-o PATH`, which may
    not be one of the command's inputs."""
    from twingraph.outputs.files import refuse_inputs, write_atomic

    if output is None or str(output) == "-":
        for piece in [body] if isinstance(body, bytes) else body:
            click.echo(piece, nl=False)
        return
    refuse_inputs(output, inputs)
    write_atomic(output, body)


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """The library's warnings (errors.TwingraphWarning) printed as "Warning: …" lines on stderr,
    each time, as the commands' own warnings are; other warnings as Python shows them."""
    import warnings

    from twingraph.errors import TwingraphWarning

    shown = warnings.showwarning

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, TwingraphWarning):
            click.echo(f"Warning: {message}", err=True)
        else:
            shown(message, category, *args, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("always", TwingraphWarning)
        warnings.showwarning = show
        yield


def main() -> None:
    """Entry point for `python -m twingraph`."""
    cli(prog_name="twingraph")
