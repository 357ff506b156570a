"""Escaping values into SPARQL text, and finding where a VALUES block goes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from tests.conftest import PROCESS_DEADLINE, REPO
from twingraph.sparql.text import (
    SparqlTextError,
    iri,
    string_literal,
    term,
    values_block,
    where_clause_start,
    with_values,
)


def parsed_back(value: str) -> str:
    """The string rdflib reads from our escaped literal, as a real SPARQL parser sees it."""
    rows = list(Graph().query(f"SELECT ?v WHERE {{ BIND ({string_literal(value)} AS ?v) }}"))
    return str(rows[0][0])  # type: ignore[index]


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_every_string_parses_back_unchanged(value: str) -> None:
    assert parsed_back(value) == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("tab\there", '"tab\\there"'),
        ("line\nbreak\r", '"line\\nbreak\\r"'),
        ("\\u0022", '"\\\\\\U000000750022"'),
        ("\x00\u2028", '"\\U00000000\\U00002028"'),
        ("Västerås İzmit", '"Västerås İzmit"'),
    ],
)
def test_strings_are_escaped_strictly(value: str, written: str) -> None:
    assert string_literal(value) == written
    assert parsed_back(value) == value


def test_no_raw_control_character_or_quote_survives() -> None:
    text = string_literal('"\n\r\t\\' + "".join(chr(c) for c in range(32)))[1:-1]
    assert not any(ord(c) < 32 for c in text)
    assert '"' not in text.replace('\\"', "")


def test_lone_surrogates_are_refused() -> None:
    with pytest.raises(SparqlTextError, match="surrogate"):
        string_literal("a\ud800b")


@pytest.mark.parametrize("value", ["http://x/a b", "http://x/>", "no-scheme", 'http://x/"', "http://x/{y}", ""])
def test_bad_iris_are_refused(value: str) -> None:
    with pytest.raises(SparqlTextError, match="not an absolute IRI"):
        iri(value)


def test_terms_of_each_kind() -> None:
    assert term(URIRef("http://www.wikidata.org/entity/Q2865")) == "<http://www.wikidata.org/entity/Q2865>"
    assert term(Literal("Kassel", lang="de")) == '"Kassel"@de'
    assert term(Literal(7)) == f'"7"^^<{XSD.integer}>'
    assert values_block({"b": Literal("x"), "a": URIRef("http://a")}) == 'VALUES (?a ?b) { (<http://a> "x") }'


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s WHERE { ?s ?p ?o }",
        "select ?s where{?s ?p ?o}",
        "SELECT ?s { ?s ?p ?o }",
        "ASK { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://e/> SELECT ?where WHERE { ?s ex:where ?o }",
        '# WHERE { in a comment\nSELECT ("{" AS ?x) ?s WHERE { ?s ?p ?o }',
        "PREFIX where: <http://e/> DESCRIBE ?s WHERE { ?s where:x ?o }",
        "CONSTRUCT { ?s <http://e/p> [ <http://e/q> ?o ] } WHERE { ?s ?p ?o }",
    ],
)
def test_values_go_at_the_top_of_the_where_clause(query: str) -> None:
    bound = with_values(query, {"s": URIRef("http://e/s")})
    position = where_clause_start(query)
    assert bound[position:].lstrip().startswith("VALUES (?s)")
    from rdflib.plugins.sparql.parser import parseQuery

    parseQuery(bound)  # still a valid query


def test_short_construct_and_describe_without_where_are_refused() -> None:
    with pytest.raises(SparqlTextError, match="short form"):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": URIRef("http://e/s")})
    with pytest.raises(SparqlTextError, match="no WHERE clause"):
        with_values("DESCRIBE <http://e/s>", {"s": URIRef("http://e/s")})


def test_no_bindings_leaves_the_text_alone() -> None:
    assert with_values("DESCRIBE <http://e/s>", {}) == "DESCRIBE <http://e/s>"


LABELS = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/> .
ex:kassel a ex:City ; rdfs:label "Kassel"@en , "Kassel"@de .
ex:mulhouse a ex:City ; rdfs:label "Mulhouse"@en , "Mülhausen"@de .
ex:lugoj a ex:City ; rdfs:label "Lugosch"@de .
ex:porto a ex:City ; rdfs:label "Porto"@pt , "Porto"@fr , "Oporto"@es .
ex:nameless a ex:City .
"""
NAMES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city ?name WHERE { ?city a <https://example.org/City> .
  ?city rdfs:label ?name FILTER (LANG(?name) = "en") } ORDER BY ?city"""


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (("en", "de"), ["Kassel", "Lugosch", "Mulhouse", None, "Oporto"]),
        (("de", "en"), ["Kassel", "Lugosch", "Mülhausen", None, "Oporto"]),
        (("fr",), ["Kassel", "Lugosch", "Mulhouse", None, "Porto"]),
        ((), ["Kassel", "Lugosch", "Mulhouse", None, "Oporto"]),
    ],
)
def test_a_label_falls_back_through_the_languages_and_no_row_is_lost(
    languages: tuple[str, ...], expected: list[str | None]
) -> None:
    import pyoxigraph

    from twingraph.labels import with_label_fallback

    store = pyoxigraph.Store()
    store.load(LABELS.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    rows = list(store.query(with_label_fallback(NAMES, ["name"], languages)))  # type: ignore[arg-type]
    assert [row["name"].value if row["name"] else None for row in rows] == expected
    # The same rows from rdflib's own engine: plain SPARQL 1.1, for any store.
    graph = Graph().parse(data=LABELS, format="turtle")
    names = [
        str(r[1]) if r[1] is not None else None for r in graph.query(with_label_fallback(NAMES, ["name"], languages))
    ]  # type: ignore[index]
    assert names == expected


def test_a_declared_label_without_its_pattern_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from twingraph.errors import InputError
    from twingraph.sparql.query import read_stored_query

    path = tmp_path / "names.rq"
    path.write_text("# labels: name\nSELECT ?name WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?name }\n")
    with pytest.raises(InputError, match=r"# labels: names \?name, but the query has no pattern"):
        read_stored_query(path)


def test_every_stored_query_stays_far_inside_the_size_bounds() -> None:
    from pathlib import Path

    from twingraph.sparql import guard
    from twingraph.sparql.query import stored_queries
    from twingraph.sparql.text import query_size

    folder = Path(__file__).resolve().parents[1] / "queries"
    for query in stored_queries(folder):
        text = query.in_languages(["fr", "it", "es", "pl"]).sparql  # six languages: the longest form
        size = query_size(text)
        assert len(text) * 10 < guard.MAX_QUERY_CHARACTERS, query.name
        assert size.terms * 10 < guard.MAX_QUERY_TERMS, query.name
        assert size.operators * 10 < guard.MAX_QUERY_OPERATORS, query.name
        assert size.unions * 10 < guard.MAX_QUERY_UNIONS, query.name


FLAT_QUERIES = {
    "or-terms": "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(10_000)) + ") }",
    "sum": "SELECT * WHERE { ?s ?p ?o FILTER(?o = " + " + ".join(["1"] * 20_000) + ") }",
    "union": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 5_000) + " }",
    "path": "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * 5_000) + " ?o }",
}


@pytest.mark.parametrize("name", sorted(FLAT_QUERIES))
def test_a_long_flat_query_is_refused_before_any_parser_sees_it(name: str) -> None:
    """Oxigraph's parser segfaults on the first two; the last two ran for minutes."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "twingraph", "sparql", "-"], input=FLAT_QUERIES[name], capture_output=True, text=True,
        timeout=PROCESS_DEADLINE,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "; the limit is " in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT ?a ?b WHERE { ?a ?p ?b }", ["a", "b"]),
        ('SELECT ?a (COUNT(?b) AS ?n) (GROUP_CONCAT(?c; separator=", ") AS ?cs) WHERE { ?a ?b ?c } GROUP BY ?a',
         ["a", "n", "cs"]),
        ("PREFIX x: <urn:x#> SELECT DISTINCT $x ?y\nFROM <urn:g> WHERE { ?x x:p ?y }", ["x", "y"]),
        ("SELECT ?s { ?s ?p ?o }", ["s"]),
        ("SELECT (STR(?s) AS ?t) ?u WHERE { { SELECT ?s ?u WHERE { ?s ?p ?u } } }", ["t", "u"]),
        ("# SELECT ?commented\nSELECT ?good WHERE { ?good ?p 'SELECT ?quoted' }", ["good"]),
        ("SELECT * WHERE { ?s ?p ?o }", None),
        ("ASK { ?s ?p ?o }", None),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", None),
        ("SELECT (?a WHERE { ?a ?b ?c }", None),
    ],
)  # fmt: skip
def test_the_projection_is_read_off_the_text(query: str, expected: list[str] | None) -> None:
    from twingraph.sparql.text import projected_variables

    assert projected_variables(query) == expected


def test_the_projection_agrees_with_rdflibs_parser_on_every_stored_query() -> None:
    from rdflib.plugins.sparql import prepareQuery

    from twingraph.sparql.text import projected_variables

    queries = sorted((REPO / "queries").glob("*.rq"))
    assert len(queries) >= 10
    for path in queries:
        text = path.read_text(encoding="utf-8")
        parsed = prepareQuery(text)
        if parsed.algebra.name == "SelectQuery":
            assert projected_variables(text) == [str(v) for v in parsed.algebra["PV"]], path.name
