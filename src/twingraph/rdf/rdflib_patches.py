"""Fixes for rdflib SPARQL bugs that would make a local answer differ from a standard store's.

Each fix is small, keeps rdflib's own code path, and is tested against a real Oxigraph
server (tests/test_sparql_remote.py). They apply only inside twingraph's own query calls: a library
user's own rdflib code in the same process is not changed. Remove one when rdflib fixes the
bug upstream. The bugs (the README's "Python" section lists them too):
- rdflib 7: GROUP BY over no solutions yields one row with every variable unbound, where
  SPARQL 1.1 (18.5.1) and every standard store give no row.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_lock = threading.Lock()
_installed = False
# The fixes act only inside twingraph's own calls (`with fixes():`), in that thread or task;
# any other rdflib user in the same process gets rdflib exactly as it is.
_in_twingraph: ContextVar[bool] = ContextVar("twingraph_rdflib_fixes", default=False)


@contextmanager
def fixes() -> Iterator[None]:
    """Evaluate with the fixes inside this block (consume lazy results inside it, too)."""
    _install()
    token = _in_twingraph.set(True)
    try:
        yield
    finally:
        _in_twingraph.reset(token)


def _install() -> None:
    """Put the dispatching wrappers in place once per process; they change nothing outside `fixes()`."""
    global _installed
    with _lock:
        if _installed:
            return
        _fix_grouping_over_no_solutions()
        _installed = True


def _fix_grouping_over_no_solutions() -> None:
    """GROUP BY over no solutions gives no groups (SPARQL 1.1, 18.5.1), not one empty row.

    rdflib 7 yields one row with every variable unbound in that case (its
    `evalAggregateJoin` ends with "there were no matches: yield FrozenBindings(ctx)"),
    so `SELECT ?x (COUNT(*) AS ?n) … GROUP BY ?x` on no matches gives a blank row where
    every standard store gives none. Without GROUP BY, one row (COUNT = 0) is right and
    left alone.
    """
    from collections import defaultdict

    from rdflib.plugins.sparql import evaluate
    from rdflib.plugins.sparql.aggregates import Aggregator
    from rdflib.plugins.sparql.evaluate import _eval  # type: ignore[attr-defined]
    from rdflib.plugins.sparql.sparql import FrozenBindings

    original = evaluate.evalAggregateJoin

    def eval_aggregate_join(ctx: Any, agg: Any) -> Generator[Any, None, None]:
        if not _in_twingraph.get() or agg.p.expr is None:
            yield from original(ctx, agg)
            return
        # rdflib's own loop, without its closing "no matches" row.
        groups: dict[tuple[Any, ...], Any] = defaultdict(lambda: Aggregator(aggregations=agg.A))
        for row in evaluate.evalPart(ctx, agg.p):
            groups[tuple(_eval(e, row, False) for e in agg.p.expr)].update(row)
        for aggregator in groups.values():
            yield FrozenBindings(ctx, aggregator.get_bindings())

    evaluate.evalAggregateJoin = eval_aggregate_join
