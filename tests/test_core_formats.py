"""One format registry: the CLI's choices, content negotiation and the build's files all come from it."""

from __future__ import annotations

from pathlib import Path

import click

from twingraph import formats
from twingraph.cli import cli
from twingraph.server.protocol import GRAPH_CHOICES, ROW_CHOICES
from twingraph.server.responses import ERROR_CHOICES
from twingraph.web.headers import RESOURCE_CHOICES
from twingraph.web.pages import ALTERNATES, EXTENSIONS


def _choices(*path: str, option: str = "fmt") -> list[str]:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    (parameter,) = [p for p in command.params if p.name == option]
    assert isinstance(parameter.type, click.Choice)
    return list(parameter.type.choices)


def test_the_cli_choices_come_from_the_registry() -> None:
    assert _choices("export") == formats.names(formats.EXPORT_FORMATS) + formats.names(formats.NETWORK_FORMATS)
    assert _choices("catalog") == formats.names(formats.CATALOG_FORMATS)
    assert _choices("plot") == formats.names(formats.PICTURE_FORMATS)
    expected = formats.names(formats.RESULT_FORMATS) + formats.names(formats.GRAPH_FORMATS)
    assert _choices("query", "run") == expected
    assert _choices("sparql") == expected


def test_the_servers_offers_are_registry_entries() -> None:
    registry = {*formats.RDF_FORMATS, *formats.RESULT_FORMATS, formats.HTML}
    for offer in (*RESOURCE_CHOICES, *ROW_CHOICES, *GRAPH_CHOICES):
        assert offer in registry, offer
    assert set(RESOURCE_CHOICES) == {*formats.GRAPH_FORMATS, formats.HTML}
    assert set(GRAPH_CHOICES) == set(formats.GRAPH_FORMATS)
    assert ERROR_CHOICES[-1] is formats.HTML
    assert {fmt.name: fmt.suffix for fmt in (*formats.GRAPH_FORMATS, formats.HTML)} == EXTENSIONS
    assert [media for _, media, _ in ALTERNATES] == [fmt.media_type for fmt in formats.GRAPH_FORMATS]


def test_the_builds_files_and_the_catalogues_media_types_come_from_the_registry(first_build: Path) -> None:
    from rdflib import Graph, URIRef

    written = {p.name for p in first_build.iterdir()}
    for fmt in formats.PUBLISHED_FORMATS:
        assert f"kassel{fmt.suffix}" in written
    catalogue = Graph().parse(first_build / "catalog.ttl")
    media = {
        str(o).rsplit("media-types/", 1)[1]
        for o in catalogue.objects(None, URIRef("http://www.w3.org/ns/dcat#mediaType"))
    }
    assert media == {fmt.media_type for fmt in formats.PUBLISHED_FORMATS}
    assert {"application/geo+json", "application/graphml+xml", "application/gexf+xml"} <= media


def test_suffix_tables_are_derived_per_command() -> None:
    assert formats.EXPORT_SUFFIXES[".xml"] == "rdfxml"
    assert formats.ROW_SUFFIXES[".xml"] == "xml"
    assert formats.EXPORT_SUFFIXES[".json"] == "jsonld"
    assert ".json" not in formats.known_suffixes().split(", ")  # written as JSON-LD, never read as it
    assert "-partners.csv" not in formats.EXPORT_SUFFIXES  # a file-name ending, only written


def test_a_format_name_or_media_type_in_a_parameter() -> None:
    assert formats.RDF_XML.is_named("xml")
    assert formats.RDF_XML.is_named("application/rdf+xml; charset=utf-8")
    assert not formats.RDF_XML.is_named("turtle")


def test_every_publishing_command_goes_through_the_one_pipeline() -> None:
    """Load, validate, refuse: build, push and serve call shacl.validate.load_conforming."""
    import inspect

    from twingraph.publish import build, push
    from twingraph.web import site

    for module in (build, push, site):
        source = inspect.getsource(module)
        assert "load_conforming(" in source, module.__name__
        assert "validate_graph(" not in source, module.__name__


def test_the_server_builds_its_paths_in_one_place() -> None:
    """No f-string of a route path outside web/urls.py; the pages use the same builder."""
    import inspect
    import re

    from twingraph.server import endpoint, resources, responses, stored
    from twingraph.web import pages
    from twingraph.web.urls import Urls

    for module in (endpoint, pages, resources, responses, stored):
        source = inspect.getsource(module)
        assert not re.search(r'f"\{self\.root\}|self\.root \+', source), module.__name__
    urls = Urls("https://example.org/twinnings/")
    assert urls.resource("id/city/kassel", ".ttl") == "/twinnings/id/city/kassel.ttl"
    assert urls.absolute(urls.downloads()) == "https://example.org/twinnings/dist/"
    assert urls.query("partners", ".csv") == "/twinnings/queries/partners.csv"
