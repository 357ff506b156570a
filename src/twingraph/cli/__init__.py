"""The `twingraph` command: options in, one library call, output out; a module per command group.

Exit codes: 0 ok or conforms, 1 the answer is "no" (data does not conform), 2 the command
could not run. Heavy libraries are imported inside commands so that `--help` stays fast.
"""

from twingraph.cli import correct, data, importing, init, plot, publish, query, report, serve, site, store, wikidata
from twingraph.cli.base import EXIT_ERROR, EXIT_NO, EXIT_OK, cli, main

__all__ = [
    "EXIT_ERROR",
    "EXIT_NO",
    "EXIT_OK",
    "cli",
    "correct",
    "data",
    "importing",
    "init",
    "main",
    "plot",
    "publish",
    "query",
    "report",
    "serve",
    "site",
    "store",
    "wikidata",
]
