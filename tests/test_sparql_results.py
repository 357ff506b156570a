"""Result formats: each parses back with a standard reader to the same rows."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from twingraph.sparql.results import ResultFormatError, render_table, serialize, tsv_term


def select(rows: list[dict[str, object]], names: tuple[str, ...] = ("place", "name", "n")) -> Result:
    result = Result("SELECT")
    result.vars = [Variable(n) for n in names]
    result.bindings = [{Variable(k): v for k, v in row.items() if v is not None} for row in rows]
    return result


SAMPLE = select(
    [
        {
            "place": URIRef("https://w3id.org/twingraph/id/city/kassel"),
            "name": Literal("Kassel", lang="de"),
            "n": Literal(9),
        },
        {
            "place": URIRef("https://w3id.org/twingraph/id/city/izmit"),
            "name": Literal('İzmit, "Kocaeli"\n\tTR'),
            "n": None,
        },
        {"place": BNode("b0"), "name": Literal("3.5", datatype=XSD.decimal), "n": Literal("1e3", datatype=XSD.double)},
        {"place": None, "name": Literal("2000", datatype=XSD.gYear), "n": Literal(True)},
    ]
)


def rows_of(result: Result) -> list[tuple[object, ...]]:
    return [tuple(row.get(v) for v in result.vars) for row in result.bindings]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_lossless_formats_parse_back_to_the_same_rows(fmt: str) -> None:
    back = Result.parse(io.BytesIO(serialize(SAMPLE, fmt)), format=fmt)
    assert [str(v) for v in back.vars] == ["place", "name", "n"]
    original, parsed = rows_of(SAMPLE), rows_of(back)
    assert len(parsed) == 4
    for row, back_row in zip(original, parsed, strict=True):
        for term, back_term in zip(row, back_row, strict=True):
            if isinstance(term, BNode):
                assert isinstance(back_term, BNode)
            else:
                assert term == back_term


def test_csv_is_rfc4180_with_plain_values() -> None:
    data = serialize(SAMPLE, "csv")
    assert data.startswith(b"place,name,n\r\n")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert parsed[1] == ["https://w3id.org/twingraph/id/city/kassel", "Kassel", "9"]
    assert parsed[2] == ["https://w3id.org/twingraph/id/city/izmit", 'İzmit, "Kocaeli"\n\tTR', ""]
    assert parsed[3][0].startswith("_:")
    back = Result.parse(io.BytesIO(data), format="csv")
    assert [str(row[1]) for row in back] == ["Kassel", 'İzmit, "Kocaeli"\n\tTR', "3.5", "2000"]  # type: ignore[index]


def test_json_is_the_w3c_shape() -> None:
    document = json.loads(serialize(SAMPLE, "json"))
    assert document["head"]["vars"] == ["place", "name", "n"]
    first = document["results"]["bindings"][0]
    assert first["place"] == {"type": "uri", "value": "https://w3id.org/twingraph/id/city/kassel"}
    assert first["name"] == {"type": "literal", "value": "Kassel", "xml:lang": "de"}
    assert first["n"] == {"type": "literal", "value": "9", "datatype": str(XSD.integer)}
    assert "n" not in document["results"]["bindings"][1]


def test_xml_is_the_w3c_shape() -> None:
    root = ET.fromstring(serialize(SAMPLE, "xml"))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert root.tag == f"{ns}sparql"
    assert [v.get("name") for v in root.iter(f"{ns}variable")] == ["place", "name", "n"]
    assert len(list(root.iter(f"{ns}result"))) == 4


def test_tsv_terms_follow_the_spec() -> None:
    text = serialize(SAMPLE, "tsv").decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "?place\t?name\t?n"
    assert lines[1] == '<https://w3id.org/twingraph/id/city/kassel>\t"Kassel"@de\t9'
    assert lines[2] == '<https://w3id.org/twingraph/id/city/izmit>\t"İzmit, \\"Kocaeli\\"\\n\\tTR"\t'
    # A double's lexical form without an exponent is not Turtle's bare DOUBLE: it stays quoted.
    assert lines[3].endswith(f'\t3.5\t"1000.0"^^<{XSD.double}>')
    assert lines[4] == f'\t"2000"^^<{XSD.gYear}>\ttrue'
    assert text.endswith("\n")
    assert "\r" not in text


# rdflib's TSV reader knows no \\u escapes, and splits lines on \\x1c-\\x1f, \\x85 and \\u2028 even when
# escaped; those we write as Turtle's \\uXXXX, which the spec allows. Every other character is tested.
_RDFLIB_TSV_CANNOT_READ = [
    chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029] if chr(c) not in "\t\n\r\b\f"
]


@settings(max_examples=200)
@given(
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters=_RDFLIB_TSV_CANNOT_READ), max_size=30)
)
def test_any_string_survives_tsv(value: str) -> None:
    one = select([{"place": None, "name": Literal(value), "n": None}])
    assert "\t" not in tsv_term(Literal(value))
    assert "\n" not in tsv_term(Literal(value))
    back = Result.parse(io.BytesIO(serialize(one, "tsv")), format="tsv")
    assert [str(row[1]) for row in back] == [value]  # type: ignore[index]


def test_ask_in_csv_and_tsv_is_a_one_column_table() -> None:
    ask = Result("ASK")
    ask.askAnswer = False
    assert json.loads(serialize(ask, "json")) == {"head": {}, "boolean": False}
    assert b"<boolean>false</boolean>" in serialize(ask, "xml")
    assert serialize(ask, "table") == b"false\n"
    assert serialize(ask, "csv") == b"_askResult\r\nfalse\r\n"
    assert serialize(ask, "tsv") == b"?_askResult\nfalse\n"


def test_graph_results_take_rdf_formats_only() -> None:
    graph = Graph()
    graph.add((URIRef("http://e/a"), URIRef("http://e/p"), Literal("x")))
    result = Result("CONSTRUCT")
    result.graph = graph
    assert serialize(result, "nt") == b'<http://e/a> <http://e/p> "x" .\n'
    assert json.loads(serialize(result, "jsonld"))
    assert Graph().parse(data=serialize(result, "turtle"), format="turtle").isomorphic(graph)
    with pytest.raises(ResultFormatError, match="turtle, nt, jsonld"):
        serialize(result, "csv")


def test_table_is_aligned_and_compact() -> None:
    table = render_table(SAMPLE)
    lines = table.splitlines()
    assert lines[0].split() == ["place", "name", "n"]
    assert lines[2].startswith("city:kassel  Kassel")
    assert 'İzmit, "Kocaeli"  TR' in lines[3]
    assert lines[-1] == "(4 rows)"
    long = select([{"place": None, "name": Literal("x" * 200), "n": None}])
    cut = render_table(long)
    assert "x" * 59 + "…" in cut
    assert "x" * 60 not in cut
