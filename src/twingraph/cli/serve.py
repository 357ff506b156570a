"""`serve`: the linked-data server."""

from __future__ import annotations

import sys
from typing import Any

import click

from twingraph.cli.base import EXIT_ERROR, EXIT_NO, Options, _fail, cli, pass_options


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
    "--max-answer-mb",
    default=64,
    show_default=True,
    type=click.IntRange(1),
    help="Largest SPARQL answer (MiB): one huge row counts as well as many rows.",
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
    "--header-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client has to send a request's headers; a slower connection is closed.",
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
    max_answer_mb: int,
    max_request_kb: int,
    workers: int,
    max_client_queries: int | None,
    trusted_proxies: tuple[str, ...],
    header_timeout: float,
    get_path: str | None,
    accept: str | None,
) -> None:
    """Serve the data as linked data: pages, Turtle and JSON-LD per IRI, and a read-only /sparql.

    Every IRI under the base (…/id/city/kassel) answers in HTML, Turtle, JSON-LD, RDF/XML or
    N-Triples by the Accept header, `?format=` or an extension (.ttl, .jsonld, .rdf, .nt, .html).
    /sparql speaks the SPARQL 1.1 Protocol; queries that overrun --timeout are stopped, and
    one client runs at most --max-client-queries at once (more wait, then get 429). A query
    nested over 100 deep, or over 256 KiB, 20,000 terms, 2,000 operators or 200 UNION branches,
    gets a 400 before it is parsed. Data that does not conform to the shapes is not served (exit 1).
    """
    from twingraph.shacl.validate import DataDoesNotConform

    project = options.project()
    url = _serve_base_url(base_url, host, port)
    try:
        from twingraph.web.site import load_site

        site = load_site(project, base_url=url, max_bytes=options.max_bytes(project))
    except DataDoesNotConform as exc:
        click.echo(f"Not served: {exc}", err=True)
        sys.exit(EXIT_NO)
    from twingraph.server.app import create_app
    from twingraph.server.state import ServeOptions

    settings = ServeOptions(
        base_url=url,
        timeout=timeout,
        max_rows=max_rows,
        max_answer_bytes=max_answer_mb * 1024 * 1024,
        max_request_bytes=max_request_kb * 1024,
        workers=workers,
        per_client=max_client_queries,
        trusted_proxies=trusted_proxies,
    )
    if get_path is not None:
        _get_once(create_app(site, settings, start_workers=False), get_path, accept)
        return
    _check_port_free(host, port)
    click.echo(f"Serving {project.settings.title} at {url} (Ctrl-C stops).", err=True)
    _run(create_app(site, settings), host, port, header_timeout)


def _run(app: Any, host: str, port: int, header_timeout: float) -> None:
    """uvicorn, with the header deadline; its own proxy-header handling would believe
    X-Forwarded-For from 127.0.0.1, so any local client could pose as many: twingraph reads it
    itself, from --trusted-proxy only."""
    import uvicorn

    from twingraph.server.connections import protocol_with_header_timeout

    uvicorn.run(
        app, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False,
        http=protocol_with_header_timeout(header_timeout),
    )  # fmt: skip


def _get_once(app: Any, path: str, accept: str | None) -> None:
    """`serve --get`: one request through the app, the body to stdout, exit 2 on an error status."""
    from twingraph.server.app import run_one

    try:
        status, _, body = run_one(app, path, accept=accept)
    finally:
        app.state.twingraph.close()
    click.echo(body, nl=False)
    if status >= 400:
        click.echo(f"Error: GET {path} answered {status}.", err=True)
        sys.exit(EXIT_ERROR)


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
