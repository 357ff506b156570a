"""MkDocs hooks: the reference pages made from the project's own files, so they cannot drift.

- `reference/queries.md`: its `<!-- stored-queries -->` marker becomes a section per stored
  query, read from `queries/*.rq` by twingraph's own header parser (title, description,
  parameters with type and default, list and label columns) with the query's text.
- `reference/ontology/twingraph.html`: the ontology's documentation, made by pyLODE from
  `ontology/twingraph.ttl` (offline, as every step of the build is).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[2]
QUERIES_MARKER = "<!-- stored-queries -->"
ONTOLOGY_PAGE = "reference/ontology/twingraph.html"


def on_files(files: Files, config: Any) -> Files:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode import OntPub  # its import configures the root logger for DEBUG; put it back

    root.handlers[:], root.level = handlers, level
    html = OntPub(ontology=str(REPO / "ontology" / "twingraph.ttl")).make_html()
    files.append(File.generated(config, ONTOLOGY_PAGE, content=html))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if QUERIES_MARKER not in markdown:
        return markdown
    return markdown.replace(QUERIES_MARKER, stored_queries_markdown())


def stored_queries_markdown() -> str:
    from twingraph.sparql.query import read_stored_query

    sections = []
    for path in sorted((REPO / "queries").glob("*.rq")):
        query = read_stored_query(path)
        lines = [f"## `{query.name}`: {query.title}", "", query.description, ""]
        if query.parameters:
            lines += ["| parameter | type | default | what |", "|---|---|---|---|"]
            lines += [
                f"| `{p.name}` | {p.type} | {f'`{p.default}`' if p.default else '—'} | {p.description} |"
                for p in query.parameters
            ]
            lines.append("")
        if query.lists:
            joined = ", ".join(f"`{name}` (joined with `{separator}`)" for name, separator in query.lists)
            lines += [f"Lists, their parts sorted wherever the query runs: {joined}.", ""]
        if query.labels:
            lines += [f"Names in the reader's languages: {', '.join(f'`{name}`' for name in query.labels)}.", ""]
        example = " ".join(f"-p {p.name}={p.default}" for p in query.parameters if p.default)
        lines += [f"`twingraph query run {query.name}{' ' + example if example else ''}`", ""]
        lines += ['??? note "The query"', "", "    ```sparql"]
        lines += [f"    {line}" if line else "" for line in query.text.rstrip("\n").split("\n")]
        lines += ["    ```", ""]
        sections.append("\n".join(lines))
    return "\n".join(sections)
