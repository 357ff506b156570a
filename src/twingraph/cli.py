"""The `twingraph` command: options in, one library call, output out.

Exit codes: 0 ok or conforms, 1 the answer is "no" (data does not conform), 2 the command
could not run. Heavy libraries are imported inside commands so that `--help` stays fast.
"""

from __future__ import annotations

import errno
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
            try:
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

    def __init__(self, root: Path | None, max_input_mb: float | None):
        self.root = root
        self.max_input_mb = max_input_mb

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

    def max_bytes(self, project: Project) -> int:
        if self.max_input_mb is not None:
            return int(self.max_input_mb * 1024 * 1024)
        return project.settings.max_input_bytes


pass_options: Callable[..., Any] = click.make_pass_decorator(Options)
max_answer_option: Callable[..., Any] = click.option(
    "--max-answer-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=64.0,
    show_default=True,
    help="Refuse an endpoint's answer larger than this many MiB (nothing of it is used).",
)


def _endpoint(url: str, *, timeout: float, max_answer_mb: float = 64.0) -> Any:
    from twingraph.sparql.remote import Endpoint

    return Endpoint(url, timeout=timeout, max_answer_bytes=int(max_answer_mb * 1024 * 1024))


def _checked_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An -o path is checked first of all: only a regular file or a new path may be replaced."""
    from twingraph.rdf.output import OutputError, writable_target

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
@click.pass_context
def cli(ctx: click.Context, root: Path | None, max_input_mb: float | None) -> None:
    """Town-twinning partnerships as validated, citable linked open data."""
    import gc

    # A command is one batch that builds millions of short-lived term objects: with Python's
    # default thresholds the cyclic collector rescans everything loaded, again and again
    # (a quarter of World×10's validation time). Collect far less often.
    gc.set_threshold(100_000, 50, 1000)
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
@click.option(
    "--engine",
    type=click.Choice(["auto", "fast", "pyshacl"]),
    default="auto",
    show_default=True,
    help="fast: twingraph's bulk engine on Oxigraph; pyshacl: the reference; auto: fast where it applies.",
)
@pass_options
def validate(options: Options, paths: tuple[Path, ...], shape_paths: tuple[Path, ...], fmt: str, engine: str) -> None:
    """Check data against the SHACL shapes.

    PATHS are data files or folders; by default the project's data/. The project's ontology
    is always validated with them. Exit 0 if the data conforms, 1 if not, 2 if it could not
    be checked.
    """
    from twingraph.shacl.reports import render_report, verdict
    from twingraph.shacl.validate import validate_project

    project = options.project()
    report = validate_project(
        project,
        data_paths=paths,
        shape_paths=shape_paths,
        max_bytes=options.max_bytes(project),
        engine=engine,
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
    from twingraph.rdf.load import describe_files, load_project_graph
    from twingraph.summary import format_summary, summarize

    project = options.project()
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    ontology, _ = project.graph_inputs(paths)
    data_files = [f for f in loaded.files if f.path not in ontology]
    result = summarize(loaded.graph)
    click.echo(format_summary(result, title=project.settings.title, files=describe_files(data_files)))


def _warn_placeholders(project: Project, *, base_url: str | None = None) -> None:
    """Say loudly which publishing settings are twingraph's placeholders, not the project's."""
    pub = project.settings.publishing
    if pub.dated_by == "today":
        click.echo(
            f"Warning: the catalogue's modified date is today's ({pub.modified}): the data is not in git and "
            "twingraph.toml sets no [publish] modified, so builds on other days differ. Set it, or SOURCE_DATE_EPOCH.",
            err=True,
        )
    unset = [key for key in pub.unset() if not (key == "base_url" and base_url)]
    if not unset:
        return
    shown = {
        "publisher_name": f"publisher_name (now {pub.publisher_name!r})",
        "licence": f"licence (now {pub.licence.rsplit('/', 1)[-1]})",
        "base_url": f"base_url (now {project.settings.base_url})",
    }
    click.echo(
        f"Warning: twingraph.toml's [publish] does not set {', '.join(shown[key] for key in unset)}; "
        "the catalogue carries twingraph's placeholders. Set your own before you publish (README: [publish]).",
        err=True,
    )


def _emit(body: bytes, output: Path | None, *, inputs: list[Path]) -> None:
    """Data to stdout, or atomically to `-o PATH`, which may not be one of the command's inputs."""
    from twingraph.rdf.output import refuse_inputs, write_atomic

    if output is None or str(output) == "-":
        click.echo(body, nl=False)
        return
    refuse_inputs(output, inputs)
    write_atomic(output, body)


def _parameters(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE, as in -p city=Kassel.", param_hint="-p")
        if key.strip() in values:
            raise click.BadParameter(
                f"{key.strip()} is given twice ({values[key.strip()]!r} and {value!r}); a query takes one value "
                "for each parameter. Run the query once for each value.",
                param_hint="-p",
            )
        values[key.strip()] = value
    return values


def _result_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by `query run` and `sparql`: format, output, endpoint."""
    from twingraph.formats import GRAPH_RESULT_FORMATS, RESULT_FORMATS
    from twingraph.sparql.results import MAX_CELL_WIDTH

    names = [fmt.name for fmt in RESULT_FORMATS] + list(GRAPH_RESULT_FORMATS)
    decorators = [
        click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice(names),
            help="table (default on a terminal), csv (default in a pipe), tsv, json or xml for SELECT and ASK; "
            "turtle (default), nt, jsonld or rdfxml for CONSTRUCT and DESCRIBE. With -o: from the file's suffix.",
        ),
        output_option,
        click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the local data."),
        click.option(
            "--graph",
            metavar="IRI",
            is_flag=False,
            flag_value="",
            default=None,
            help="With --endpoint: query this named graph as the default graph; --graph alone means the "
            "dataset's graph, where `twingraph push` puts it.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            help="With --endpoint: seconds the whole exchange may take, the answer's last byte included.",
        ),
        max_answer_option,
        click.option(
            "--wide",
            is_flag=True,
            help=f"table: never cut long cells (on a terminal they are cut at {MAX_CELL_WIDTH} characters; "
            "in a pipe or a file, never).",
        ),
        click.option("--allow-service", is_flag=True, help="Let SERVICE in a local query reach the servers it names."),
        click.option(
            "--data",
            "data_paths",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Query these data files or folders (repeatable) instead of the project's data/.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _run_and_write(
    options: Options,
    stored: Any,
    values: dict[str, str],
    *,
    fmt: str | None,
    output: Path | None,
    endpoint: str | None,
    graph: str | None,
    timeout: float,
    max_answer_mb: float,
    wide: bool,
    allow_service: bool,
    data_paths: tuple[Path, ...],
) -> None:
    """Run a stored or ad-hoc query locally or remotely, and write its result."""
    from twingraph.iris import dataset_iri
    from twingraph.rdf.output import refuse_inputs
    from twingraph.sparql.query import answer_local, run_remote

    project = options.project()
    ontology, data = project.graph_inputs(data_paths)
    inputs = [*ontology, *data]
    if stored.path is not None:
        inputs.append(stored.path)
    if output is not None and str(output) != "-":
        refuse_inputs(output, inputs)
    if endpoint:
        if graph == "":
            graph = dataset_iri(project.settings.name, base_iri=project.settings.base_iri)
        from twingraph.sparql.results import answer_from_rdflib, sort_lists

        result = run_remote(
            _endpoint(endpoint, timeout=timeout, max_answer_mb=max_answer_mb),
            stored,
            values,
            default_graphs=(graph,) if graph else (),
        )
        answer = sort_lists(answer_from_rdflib(result), stored.lists)
        if not graph and _empty(answer):
            _hint_dataset_graph(project, endpoint, timeout=timeout)
    else:
        if graph is not None:
            raise click.UsageError("--graph goes with --endpoint.")
        from twingraph.rdf.load import load_project_graph

        loaded = load_project_graph(project, data_paths, max_bytes=options.max_bytes(project))
        answer = answer_local(loaded, stored, values, allow_service=allow_service)
        if _empty(answer):
            _hint_similar_places(loaded, stored, values)
    _write_result(answer, fmt, output, wide=wide)
    if answer.kind == "ASK" and not answer.boolean:
        sys.exit(EXIT_NO)


def _empty(answer: Any) -> bool:
    return (answer.kind == "SELECT" and not answer.rows) or (answer.kind == "GRAPH" and not answer.triples)


def _hint_similar_places(loaded: Any, stored: Any, values: dict[str, str]) -> None:
    """An empty answer about a place given by name: name places with partnerships spelled alike."""
    from twingraph.sparql.query import similar_partner_names

    for parameter in stored.parameters:
        given = values.get(parameter.name)
        if parameter.type == "place" and given and not given.startswith(("http://", "https://")):
            similar = similar_partner_names(loaded.store, given)
            if similar:
                click.echo(
                    f"Note: no rows for {given!r}. Places with partnerships named alike: {', '.join(similar)}.",
                    err=True,
                )


def _hint_dataset_graph(project: Project, endpoint: str, *, timeout: float) -> None:
    """An empty answer from a store that holds the dataset only in its named graph (as `push`
    writes it): say so, rather than leave "(0 rows)" to look like the data's answer."""
    from twingraph.iris import dataset_iri
    from twingraph.sparql.query import adhoc_query, run_remote
    from twingraph.sparql.remote import EndpointError
    from twingraph.sparql.text import iri

    graph = dataset_iri(project.settings.name, base_iri=project.settings.base_iri)
    probe = adhoc_query(f"ASK {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
    try:
        held = run_remote(_endpoint(endpoint, timeout=min(timeout, 10.0)), probe, {}).askAnswer
    except EndpointError:
        return
    if held:
        click.echo(
            f"Note: the answer is empty, but {endpoint} holds the dataset in the named graph <{graph}> "
            "(where `twingraph push` puts it). Add --graph to query that graph.",
            err=True,
        )


def _write_result(answer: Any, fmt: str | None, output: Path | None, *, wide: bool = False) -> None:
    from twingraph.formats import GRAPH_SUFFIXES, ROW_SUFFIXES, format_for_suffix
    from twingraph.rdf.output import write_atomic
    from twingraph.sparql.results import render_table, serialize

    to_file = output is not None and str(output) != "-"
    if fmt is None and to_file and output is not None:
        graph = answer.kind == "GRAPH"
        fmt = format_for_suffix(output, GRAPH_SUFFIXES if graph else ROW_SUFFIXES, what="graph" if graph else "result")
    elif fmt is None:
        fmt = "turtle" if answer.kind == "GRAPH" else "table" if answer.kind == "ASK" or sys.stdout.isatty() else "csv"
    if fmt == "table":  # cut long cells only for a person at a terminal
        data = render_table(answer, cut=not wide and not to_file and sys.stdout.isatty()).encode("utf-8")
    else:
        data = serialize(answer, fmt)
    if to_file and output is not None:
        write_atomic(output, data)
    else:
        click.echo(data, nl=False)


@cli.group()
def query() -> None:
    """Stored SPARQL queries: list them, show one, run one locally or on an endpoint."""


@query.command("list")
@pass_options
def query_list(options: Options) -> None:
    """Name, title and parameters of every stored query."""
    from twingraph.sparql.query import stored_queries

    queries = stored_queries(options.project().folder("queries"))
    width = max((len(q.name) for q in queries), default=0)
    for stored in queries:
        params = " ".join(f"-p {p.name}={p.default or '…'}" for p in stored.parameters)
        click.echo(f"{stored.name:<{width}}  {stored.title}" + (f"  [{params}]" if params else ""))


@query.command("show")
@click.argument("name")
@pass_options
def query_show(options: Options, name: str) -> None:
    """The metadata and SPARQL text of one stored query (NAME or FILE.rq)."""
    from twingraph.sparql.query import find_stored_query

    stored = find_stored_query(options.project().folder("queries"), name)
    click.echo(f"{stored.name}: {stored.title}")
    if stored.description:
        click.echo(stored.description)
    for parameter in stored.parameters:
        default = f" = {parameter.default}" if parameter.default else " (required)"
        click.echo(f"  -p {parameter.name}: {parameter.type}{default}  {parameter.description}")
    click.echo("")
    click.echo(stored.text, nl=not stored.text.endswith("\n"))


@query.command("run")
@click.argument("name")
@click.option(
    "-p", "--param", "pairs", multiple=True, metavar="KEY=VALUE", help="A parameter (repeatable): -p city=Kassel."
)
@_result_options
@pass_options
def query_run(options: Options, name: str, pairs: tuple[str, ...], **kwargs: Any) -> None:
    """Run a stored query (NAME, or FILE.rq) on the project's data or on --endpoint.

    A place parameter takes a name in any spelling or an IRI, ours or Wikidata's. Exit 0
    with results; for ASK, 0 for yes and 1 for no; 2 if it could not run.
    """
    from twingraph.sparql.query import find_stored_query

    stored = find_stored_query(options.project().folder("queries"), name)
    _run_and_write(options, stored, _parameters(pairs), **kwargs)


@cli.command()
@click.argument("text", metavar="QUERY")
@_result_options
@pass_options
def sparql(options: Options, text: str, **kwargs: Any) -> None:
    """Run an ad-hoc SPARQL query (QUERY, or - to read it from stdin).

    Local queries are read-only and offline: updates, LOAD, FROM and SERVICE are refused.
    """
    from twingraph.sparql.query import adhoc_query

    if text == "-":
        text = sys.stdin.read()
    _run_and_write(options, adhoc_query(text), {}, **kwargs)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The store's Graph Store Protocol URL, e.g. http://localhost:7878/store.",
)
@click.option("--graph", metavar="IRI", help="The named graph to replace. Default: the dataset's IRI.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    show_default=True,
    help="Seconds the whole upload and the store's answer may take.",
)
@click.option("--no-validate", is_flag=True, help="Push even if the data does not conform to the shapes.")
@pass_options
def push(
    options: Options, paths: tuple[Path, ...], endpoint: str, graph: str | None, timeout: float, no_validate: bool
) -> None:
    """Replace a named graph in a triple store with the project's graph (ontology and data).

    Uses the SPARQL 1.1 Graph Store HTTP Protocol: one PUT, so the store holds either the
    old graph or the whole new one. The data is validated first; exit 1 if it does not conform.
    """
    from twingraph.iris import dataset_iri
    from twingraph.sparql.push import push_project

    project = options.project()
    target = graph or dataset_iri(project.settings.name, base_iri=project.settings.base_iri)
    outcome = push_project(
        project,
        _endpoint(endpoint, timeout=timeout),
        graph_iri=target,
        data_paths=paths,
        max_bytes=options.max_bytes(project),
        validate=not no_validate,
    )
    if not outcome.conforms:
        click.echo(
            f"Not pushed: the data does not conform to the shapes ({outcome.violations} violation(s)). "
            "Run `twingraph validate` to see them, or pass --no-validate.",
            err=True,
        )
        sys.exit(EXIT_NO)
    click.echo(f"Replaced <{target}> at {endpoint} with {outcome.triples} triples (HTTP {outcome.status}).", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["turtle", "jsonld", "nt", "rdfxml", "csv", "csv-long"]),
    help="Default: from the -o suffix, else turtle. csv has one row per partnership; csv-long one row "
    "per place and partner (each partnership twice), to filter by one column.",
)
@output_option
@pass_options
def export(options: Options, paths: tuple[Path, ...], fmt: str | None, output: Path | None) -> None:
    """Write the data (PATHS, default the project's data/) in one format, deterministically.

    The same input always gives the same bytes. JSON-LD is compacted against twingraph's
    context, embedded in the file.
    """
    from twingraph.formats import EXPORT_SUFFIXES, format_for_suffix
    from twingraph.rdf.export import serialize_loaded
    from twingraph.rdf.load import load_project_graph

    project = options.project()
    ontology_files, data_paths = project.graph_inputs(paths)
    if fmt is None:
        to_file = output is not None and str(output) != "-"
        fmt = format_for_suffix(output, EXPORT_SUFFIXES, what="export") if to_file and output else "turtle"
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    body = serialize_loaded(loaded, fmt, data_paths=data_paths)
    _emit(body, output, inputs=[*ontology_files, *data_paths])


@cli.command()
@click.option(
    "--profile",
    type=click.Choice(["dcat-ap", "dcat-ap-de"]),
    default="dcat-ap",
    show_default=True,
    help="dcat-ap-de adds what GovData expects.",
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["turtle", "jsonld"]), help="Default: from the -o suffix, else turtle."
)
@click.option("--base-url", metavar="URL", help="Where the files are published. Default: [publish] base_url.")
@output_option
@pass_options
def catalog(options: Options, profile: str, fmt: str | None, base_url: str | None, output: Path | None) -> None:
    """Print the DCAT-AP 3 catalogue of the project's data, with the sizes and checksums `build` would publish."""
    from twingraph.formats import CATALOG_SUFFIXES, format_for_suffix
    from twingraph.publish.build import catalog_bytes, distribution_files, settings_for_base_url
    from twingraph.publish.catalog import catalog_graph, coverage
    from twingraph.rdf.load import load_project_graph

    if fmt is None:
        to_file = output is not None and str(output) != "-"
        fmt = format_for_suffix(output, CATALOG_SUFFIXES, what="catalogue") if to_file and output else "turtle"
    project = options.project()
    _warn_placeholders(project, base_url=base_url)
    settings = settings_for_base_url(project.settings, base_url)
    ontology_files, data_paths = project.graph_inputs()
    loaded = load_project_graph(project, max_bytes=options.max_bytes(project))
    graph = catalog_graph(
        settings,
        distribution_files(settings, loaded, data_paths),
        covers=coverage(loaded, data_paths),
        profile=profile,
    )
    body = catalog_bytes(graph, fmt)
    _emit(body, output, inputs=[*ontology_files, *data_paths])


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist"),
    show_default=True,
    help="The output folder; replaced whole.",
)
@click.option("--base-url", metavar="URL", help="Where dist/ will be published. Default: [publish] base_url.")
@pass_options
def build(options: Options, out: Path, base_url: str | None) -> None:
    """Validate, then write dist/: every export format, the DCAT-AP catalogues, VoID.

    Data that does not conform is not published: exit 1, and dist/ keeps its previous
    content. dist/ is swapped in whole, so a failed build changes nothing.
    """
    from twingraph.publish.build import build as run_build
    from twingraph.publish.build import describe

    project = options.project()
    _warn_placeholders(project, base_url=base_url)
    report = run_build(
        project,
        out=out,
        base_url=base_url,
        max_bytes=options.max_bytes(project),
        progress=lambda message: click.echo(f"… {message}", err=True),
    )
    if not report.conforms:
        click.echo(
            f"Not built: the data does not conform to the shapes ({report.violations} violation(s)); "
            f"{out} is unchanged. Run `twingraph validate` to see them.",
            err=True,
        )
        sys.exit(EXIT_NO)
    click.echo("\n".join(describe(report)))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port to listen on.")
@click.option("--base-url", metavar="URL", help="The public URL of the server. Default: http://HOST:PORT/.")
@click.option(
    "--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1), help="Seconds a SPARQL query may run."
)
@click.option(
    "--max-rows", default=100_000, show_default=True, type=click.IntRange(1), help="Rows a SPARQL answer may have."
)
@click.option(
    "--max-request-kb", default=1024, show_default=True, type=click.IntRange(1), help="Largest request body (KiB)."
)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Processes answering SPARQL queries."
)
@click.option(
    "--max-client-queries",
    type=click.IntRange(1, 64),
    help="SPARQL queries one client (address) may run at once; 4 more may wait, then 429. "
    "Default: all workers but one, so a runaway client never holds every worker.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="A reverse proxy whose X-Forwarded-For names the real client (repeatable). "
    "Without it, the header is ignored: a client could make it up.",
)
@click.option(
    "--get", "get_path", metavar="PATH", help="Run one GET request through the app, print the body, and exit."
)
@click.option("--accept", metavar="TYPE", help="The Accept header for --get.")
@pass_options
def serve(
    options: Options,
    host: str,
    port: int,
    base_url: str | None,
    timeout: float,
    max_rows: int,
    max_request_kb: int,
    workers: int,
    max_client_queries: int | None,
    trusted_proxies: tuple[str, ...],
    get_path: str | None,
    accept: str | None,
) -> None:
    """Serve the data as linked data: pages, Turtle and JSON-LD per IRI, and a read-only /sparql.

    Every IRI under the base (…/id/city/kassel) answers in HTML, Turtle, JSON-LD, RDF/XML or
    N-Triples by the Accept header, `?format=` or an extension (.ttl, .jsonld, .rdf, .nt, .html).
    /sparql speaks the SPARQL 1.1 Protocol; queries that overrun --timeout are stopped, and
    one client runs at most --max-client-queries at once (more wait, then get 429).
    Data that does not conform to the shapes is not served (exit 1).
    """
    from twingraph.server.site import DataDoesNotConform

    project = options.project()
    url = _serve_base_url(base_url, host, port)
    try:
        from twingraph.server.site import load_site

        site = load_site(project, base_url=url, max_bytes=options.max_bytes(project))
    except DataDoesNotConform as exc:
        click.echo(f"Not served: {exc}", err=True)
        sys.exit(EXIT_NO)
    from twingraph.server.app import ServeOptions, create_app

    settings = ServeOptions(
        base_url=url,
        timeout=timeout,
        max_rows=max_rows,
        max_request_bytes=max_request_kb * 1024,
        workers=workers,
        per_client=max_client_queries,
        trusted_proxies=trusted_proxies,
    )
    if get_path is not None:
        from twingraph.server.app import run_one

        app = create_app(site, settings, start_workers=False)
        try:
            status, _, body = run_one(app, get_path, accept=accept)
        finally:
            app.state.twingraph.close()
        click.echo(body, nl=False)
        if status >= 400:
            click.echo(f"Error: GET {get_path} answered {status}.", err=True)
            sys.exit(EXIT_ERROR)
        return
    _check_port_free(host, port)
    import uvicorn

    click.echo(f"Serving {project.settings.title} at {url} (Ctrl-C stops).", err=True)
    # uvicorn's own proxy-header handling would believe X-Forwarded-For from 127.0.0.1, so any
    # local client could pose as many; twingraph reads it itself, from --trusted-proxy only.
    uvicorn.run(
        create_app(site, settings), host=host, port=port, log_level="warning", access_log=False, proxy_headers=False
    )


def _serve_base_url(base_url: str | None, host: str, port: int) -> str:
    """The server's public URL, ending in a slash."""
    from twingraph.publish.build import checked_base_url

    if base_url is None:
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"
    return checked_base_url(base_url)


def _check_port_free(host: str, port: int) -> None:
    """Fail with a clear message, before loading uvicorn, when the address is taken."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            _fail(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port.")


@cli.command()
@click.argument("kind", type=click.Choice(["timeline", "map", "network"]))
@click.argument("city", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "png"]), help="Default: by the -o suffix, else SVG.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    callback=_checked_output,
    help="Write to this file (atomically); - is stdout. Default: CITY-KIND.svg (or .png) in the current folder.",
)
@click.option(
    "--depth", default=1, show_default=True, type=click.IntRange(1, 3), help="network: 2 adds the partners' partners."
)
@click.option(
    "--top", default=40, show_default=True, type=click.IntRange(2, 500), help="network without CITY: how many places."
)
@pass_options
def plot(
    options: Options, kind: str, city: str | None, fmt: str | None, output: Path | None, depth: int, top: int
) -> None:
    """Draw a city's partnerships: a timeline, a map, or a network, as SVG or PNG.

    CITY is a name in any language, our IRI or a Wikidata IRI; without it, timeline and map
    show the place with the most partnerships, and network the --top best-connected places.
    The same data always gives the same bytes.
    """
    from twingraph.errors import display_path
    from twingraph.formats import PICTURE_SUFFIXES, format_for_suffix
    from twingraph.plots.draw import draw, present_year, render
    from twingraph.rdf.load import load_project_graph
    from twingraph.rdf.output import refuse_inputs, write_atomic
    from twingraph.sparql.query import resolve_place_in_store

    project = options.project()
    loaded = load_project_graph(project, max_bytes=options.max_bytes(project))
    iri = str(resolve_place_in_store(loaded.store, city)) if city else None
    if output is None:  # a picture is a file: a default name rather than bytes on the terminal
        slug = iri.rstrip("/").rsplit("/", 1)[-1] if iri else project.settings.name
        output = Path(f"{slug}-{kind}.{fmt or 'svg'}")
    to_file = str(output) != "-"
    if to_file:
        refuse_inputs(output, list(loaded.paths))
    if fmt is None:
        fmt = format_for_suffix(output, PICTURE_SUFFIXES, what="picture") if to_file else "svg"
    if not to_file and fmt == "png" and sys.stdout.isatty():
        raise click.UsageError("a PNG is not for a terminal: give -o FILE.png, or pipe it (-o - | …).")
    present = present_year(project.settings.publishing.modified)
    figure = draw(kind, loaded.store, city=iri, present=present, depth=depth, top=top)
    body = render(figure, fmt, salt=f"twingraph-{kind}")
    if to_file:
        write_atomic(output, body)
        click.echo(f"Wrote {display_path(output)}.", err=True)
    else:
        click.echo(body, nl=False)


def _wikidata_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every `wikidata` command shares: endpoint, cache, timeout."""
    decorators = [
        click.option(
            "--endpoint", metavar="URL", help="A SPARQL endpoint with Wikidata's data. Default: query.wikidata.org."
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Answers are cached here for 7 days (default: ~/.cache/twingraph/wikidata).",
        ),
        click.option("--no-cache", is_flag=True, help="Ask the endpoint every time."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            help="Seconds each exchange with the endpoint may take, its answer's last byte included.",
        ),
        max_answer_option,
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _client(endpoint: str | None, cache_dir: Path | None, no_cache: bool, timeout: float, max_answer_mb: float) -> Any:
    from twingraph.wikidata.client import WIKIDATA_ENDPOINT, Cache, WikidataClient

    folder = None if no_cache else (cache_dir or Cache.default_folder())
    url = endpoint or WIKIDATA_ENDPOINT
    return WikidataClient(_endpoint(url, timeout=timeout, max_answer_mb=max_answer_mb), Cache(folder))


@cli.group()
def wikidata() -> None:
    """Compare with Wikidata, link places to it, import a city from it, contribute back.

    These commands, with --endpoint elsewhere, are the only ones that use the network.
    """


@wikidata.command("diff")
@click.argument("names", nargs=-1, metavar="[CITY]...")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@_wikidata_options
@pass_options
def wikidata_diff(options: Options, names: tuple[str, ...], fmt: str, **client_options: Any) -> None:
    """Compare our partnerships with Wikidata's P190 statements. Exit 0 if they agree, 1 if not.

    CITY is a name or IRI; by default every city with more than one partnership.
    """
    from twingraph.rdf.load import load_project_graph
    from twingraph.wikidata.compare import cities, diff, render

    project = options.project()
    graph = load_project_graph(project, max_bytes=options.max_bytes(project)).graph
    targets = cities(graph, names)
    if not targets:
        raise click.UsageError("no city with a Wikidata link to compare; name one, or link it first (wikidata link).")
    differences = diff(graph, targets, _client(**client_options))
    click.echo(render(differences, fmt, cities_compared=targets), nl=False)
    sys.exit(EXIT_NO if differences else EXIT_OK)


@wikidata.command("quickstatements")
@click.argument("names", nargs=-1, metavar="[CITY]...")
@_wikidata_options
@pass_options
def wikidata_quickstatements(options: Options, names: tuple[str, ...], **client_options: Any) -> None:
    """Print QuickStatements that add to Wikidata the sourced partnerships it lacks (P190 both ways).

    Review them, then run them at https://quickstatements.toolforge.org/.
    """
    from twingraph.rdf.load import load_project_graph
    from twingraph.wikidata.compare import cities, diff, quickstatements

    project = options.project()
    graph = load_project_graph(project, max_bytes=options.max_bytes(project)).graph
    targets = cities(graph, names)
    lines = quickstatements(graph, diff(graph, targets, _client(**client_options)))
    if lines:
        click.echo("\n".join(lines))
    click.echo(f"{len(lines)} statement(s) to review.", err=True)


@wikidata.command("link")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--review",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("wikidata-review.csv"),
    show_default=True,
    help="Where to write every candidate with its confidence and evidence.",
)
@click.option(
    "--accept",
    "accept_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the unambiguous links as Turtle here, to add to data/.",
)
@_wikidata_options
@pass_options
def wikidata_link(
    options: Options, paths: tuple[Path, ...], review: Path, accept_path: Path | None, **client_options: Any
) -> None:
    """Find Wikidata items for places that have none (PATHS, default the project's data/).

    Candidates are ranked by name (in several languages and spellings), country, kind of
    place, and being twinned on Wikidata with the place's partners. Nothing is written into
    the data: the suggestions go to the review file, and --accept writes the unambiguous ones
    to a separate Turtle file.
    """
    from twingraph.rdf.load import load_project_graph
    from twingraph.rdf.output import refuse_inputs, write_atomic
    from twingraph.wikidata.link import accepted_links, review_csv, suggest, unlinked_places

    project = options.project()
    loaded = load_project_graph(project, paths, max_bytes=options.max_bytes(project))
    places = unlinked_places(loaded.graph)
    if not places:
        click.echo("Every place already has a Wikidata link.", err=True)
        return
    suggestions = suggest(places, _client(**client_options))
    inputs = [*loaded.paths]
    for target in (review, accept_path):
        if target is not None:
            refuse_inputs(target, inputs)
    write_atomic(review, review_csv(suggestions))
    width = max(len(s.name) for s in suggestions)
    for suggestion in suggestions:
        best = suggestion.candidates[0] if suggestion.candidates else None
        verdict = "accept" if suggestion.accepted else ("ambiguous" if best else "no candidate")
        shown = f"{best.qid} {best.label} ({best.confidence:.2f})" if best else ""
        click.echo(f"{suggestion.name:<{width}}  {verdict:<12}  {shown}".rstrip())
    if accept_path is not None:
        write_atomic(accept_path, accepted_links(suggestions))
    accepted = sum(1 for s in suggestions if s.accepted)
    click.echo(f"{accepted} of {len(suggestions)} unambiguous; every candidate is in {review}.", err=True)


@wikidata.command("import")
@click.argument("qid")
@click.option(
    "--depth", type=click.IntRange(1, 3), default=1, show_default=True, help="2 also follows the partners' partners."
)
@output_option
@_wikidata_options
@pass_options
def wikidata_import(options: Options, qid: str, depth: int, output: Path | None, **client_options: Any) -> None:
    """Write a data file in our ontology for a city (QID) and its P190 partners, then validate it.

    Exit 0 if it conforms to the shapes, 1 if not (each place that does not is listed, with why).
    """
    from twingraph.rdf.export import serialize
    from twingraph.rdf.load import load_graph
    from twingraph.shacl.validate import load_shapes, validate_graph
    from twingraph.wikidata.importer import import_graph

    project = options.project()
    imported = import_graph(_client(**client_options), qid, depth=depth, base_iri=project.settings.base_iri)
    ontology_files, data_paths = project.graph_inputs()
    _emit(serialize(imported.graph, "turtle"), output, inputs=[*ontology_files, *data_paths])
    ontology = load_graph(ontology_files, max_bytes=options.max_bytes(project)).graph
    report = validate_graph(imported.graph + ontology, load_shapes(project))
    click.echo(f"Imported {imported.places} places and {imported.partnerships} partnerships from Wikidata.", err=True)
    if report.conforms:
        click.echo("It conforms to the shapes.", err=True)
        return
    by_place: dict[str, list[str]] = {}
    for finding in report.violations:
        by_place.setdefault(f"{finding.focus_label} <{finding.focus}>", []).append(finding.message)
    click.echo(f"{len(by_place)} resource(s) do not conform:", err=True)
    for place, messages in sorted(by_place.items()):
        click.echo(f"  {place}: {'; '.join(sorted(set(messages)))}", err=True)
    sys.exit(EXIT_NO)


def main() -> None:
    """Entry point for `python -m twingraph`."""
    cli(prog_name="twingraph")
