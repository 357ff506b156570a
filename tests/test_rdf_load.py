"""Loading files safely: clear errors naming file and line, no network, size caps."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from twingraph.errors import InputError
from twingraph.rdf import load
from twingraph.rdf.load import load_file, load_graph

BAD = FIXTURES / "bad"
MAX = 10 * 1024 * 1024


def test_bundled_data_loads_with_every_triple() -> None:
    loaded = load_graph([REPO / "data" / "kassel.ttl"], max_bytes=MAX)
    assert len(loaded.graph) == loaded.files[0].triples == loaded.triple_count() > 500
    assert loaded.paths == (REPO / "data" / "kassel.ttl",)


def test_a_triple_in_several_files_is_counted_once(tmp_path: Path) -> None:
    ex = "<http://example.org/{}>"
    shared = f"{ex.format('s')} {ex.format('p')} {ex.format('o')} .\n"
    (tmp_path / "a.nt").write_text(
        shared + "".join(f"{ex.format(n)} {ex.format('p')} {ex.format('o')} .\n" for n in range(5))
    )
    (tmp_path / "b.nt").write_text(shared + f"{ex.format('b')} {ex.format('p')} {ex.format('o')} .\n")
    (tmp_path / "c.nt").write_text(shared + f"{ex.format('b')} {ex.format('p')} {ex.format('o')} .\n")
    loaded = load_graph([tmp_path], max_bytes=MAX)
    distinct = loaded.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert loaded.triple_count() == int(distinct[0][0].value) == 7
    assert loaded.triple_count([tmp_path / "b.nt", tmp_path / "c.nt"]) == 2
    assert loaded.triple_count([tmp_path / "b.nt"]) == 2


def test_inline_json_ld_context_is_fine() -> None:
    loaded = load_graph([FIXTURES / "inline-context.jsonld"], max_bytes=MAX)
    assert loaded.files[0].triples == 1
    [(_, _, label)] = list(loaded.graph)
    assert str(label) == "Kassel"
    assert label.language == "en"


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text(f'_:x <http://example.org/p> "{name}" .\n', encoding="utf-8")
    graph = load_graph([tmp_path], max_bytes=MAX).graph
    assert len(set(graph.subjects())) == 2


@pytest.mark.parametrize(
    ("name", "line", "column", "words"),
    [
        ("unterminated-string.ttl", 4, 16, "string that starts here is never closed"),
        ("missing-final-dot.ttl", 4, None, "missing closing quote, '>' or final '.'"),
        ("bad-language-tag.ttl", 3, 62, "bad language tag"),
        ("bad-language-tag-dash.ttl", 3, 62, "bad language tag"),
        ("undeclared-prefix.ttl", 3, 42, "prefix tw: has not been declared"),
        ("truncated.ttl", 4, 50, "Unexpected end"),
        ("latin1.ttl", 3, None, "not valid UTF-8 (byte 0xf6)"),
        ("billion-laughs.rdf", 2, None, "DOCTYPE declaration is refused"),
        ("xxe.rdf", 2, None, "DOCTYPE declaration is refused"),
    ],
)
def test_bad_input_names_file_and_line(name: str, line: int, column: int | None, words: str) -> None:
    with pytest.raises(InputError) as caught:
        load_graph([BAD / name], max_bytes=MAX)
    assert caught.value.path == BAD / name
    assert caught.value.line == line
    assert caught.value.column == column
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("remote-context.jsonld", "https://schema.org/"),
        ("file-context.jsonld", "file:///etc/passwd"),
        ("relative-context.jsonld", "context.jsonld"),
        ("import-context.jsonld", "https://example.org/ctx.jsonld"),
        ("scoped-remote-context.jsonld", "http://example.org/scoped"),
    ],
)
def test_json_ld_contexts_that_are_not_inline_are_refused(name: str, context: str) -> None:
    with pytest.raises(InputError) as caught:
        load_graph([BAD / name], max_bytes=MAX)
    assert repr(context) in str(caught.value)
    assert "never fetches or opens contexts" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "words"),
    [("empty.ttl", "the file is empty"), ("no-triples.ttl", "holds no triples")],
)
def test_files_without_triples_are_refused(name: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_graph([BAD / name], max_bytes=MAX)


def test_missing_file_and_empty_folder() -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_graph([BAD / "missing.ttl"], max_bytes=MAX)
    with pytest.raises(InputError, match="this folder holds no data files"):
        load_graph([BAD / "empty-folder"], max_bytes=MAX)


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown file type '\.csv'"):
        load_graph([path], max_bytes=MAX)


def test_billion_laughs_is_refused_fast() -> None:
    # CPU time, not wall time: a busy machine slows the clock on the wall, not the work done.
    # Expanding the entities would take minutes of CPU and gigabytes; refusing takes milliseconds.
    start = time.process_time()
    with pytest.raises(InputError):
        load_graph([BAD / "billion-laughs.rdf"], max_bytes=MAX)
    assert time.process_time() - start < 5.0


def test_size_cap_refuses_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.ttl"
    with huge.open("wb") as handle:  # sparse: 2 GiB on paper, nothing on disk
        handle.truncate(2 * 1024**3)

    def no_reading(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(load, "_load_with_oxigraph", no_reading)
    start = time.process_time()
    with pytest.raises(InputError, match=r"2,147,483,648 bytes, more than the limit of 1,048,576"):
        load_graph([huge], max_bytes=1024 * 1024)
    assert time.process_time() - start < 5.0  # CPU time: reading 2 GiB would take more


def test_rdf_xml_without_doctype_parses(tmp_path: Path) -> None:
    path = tmp_path / "ok.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description '
        'rdf:about="http://example.org/a"><rdfs:label xml:lang="en">A</rdfs:label>'
        "</rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    assert load_graph([path], max_bytes=MAX).files[0].triples == 1


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    # A folder named like a data file cannot be read as one, whoever runs the test.
    path = tmp_path / "folder.ttl"
    path.mkdir()
    import pyoxigraph

    with pytest.raises(InputError, match=r"folder\.ttl: cannot be read \(Is a directory\)"):
        load_file(pyoxigraph.Store(), path, graph_name="urn:test", max_bytes=MAX)


def test_a_city_named_long_beach_is_no_xsd_long_and_keeps_the_fast_engine(tmp_path: Path) -> None:
    """`city:long-beach` matched the old byte test for xsd:long: the world's build then went to
    pyshacl (over 90 minutes). Only a literal of a datatype the store rewrites counts."""
    from twingraph.rdf.load import load_graph

    names = tmp_path / "names.ttl"
    names.write_text(
        "@prefix city: <https://example.org/id/city/> . @prefix int: <https://example.org/int/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'city:long-beach rdfs:label "Long Beach"@en ; rdfs:seeAlso int:long , city:int .\n'
        '<urn:x> rdfs:comment "it says XMLSchema#long in a string, and ^^xsd:int too"@en .\n',
        encoding="utf-8",
    )
    assert load_graph([names], max_bytes=1 << 20).exact
    typed = tmp_path / "typed.ttl"
    typed.write_text(
        '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<urn:a> <urn:n> "5"^^xsd:long .\n', encoding="utf-8"
    )
    assert not load_graph([names, typed], max_bytes=1 << 20).exact
