"""VoID: what the dataset holds (its size, classes, properties, examples, dumps, vocabularies)
and its linkset to Wikidata, for the crawlers and registries that read VoID rather than DCAT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from twingraph.formats import GRAPH_FORMATS
from twingraph.iris import TW, WD, dataset_iri, slugify
from twingraph.publish.catalog import CATALOG_PREFIXES, VOID, DistributionFile
from twingraph.publish.data_facts import DataFacts

if TYPE_CHECKING:
    import rdflib

    from twingraph.project import Settings


def void_graph(settings: Settings, facts: DataFacts, distributions: Sequence[DistributionFile]) -> rdflib.Graph:
    """A VoID description: size, classes, properties, examples, dumps, vocabularies, and the Wikidata linkset."""
    from rdflib import RDF, XSD, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS

    g = Graph(bind_namespaces="none")
    for prefix, namespace in CATALOG_PREFIXES.items():
        g.bind(prefix, namespace)
    u = URIRef

    def void(local: str) -> URIRef:
        return u(VOID + local)

    dataset = u(dataset_iri(settings.name, base_iri=settings.base_iri))

    def count(n: int) -> Literal:
        return Literal(n, datatype=XSD.integer)

    g.add((dataset, RDF.type, void("Dataset")))
    g.add((dataset, DCTERMS.title, Literal(settings.title, lang="en")))
    g.add((dataset, void("triples"), count(facts.triples)))
    g.add((dataset, void("distinctSubjects"), count(facts.distinct_subjects)))
    g.add((dataset, void("distinctObjects"), count(facts.distinct_objects)))
    g.add((dataset, void("uriSpace"), Literal(f"{settings.base_iri}id/")))
    classes = {u(iri): n for iri, n in facts.entities_per_class.items()}
    triples_per_property = {u(iri): n for iri, n in facts.triples_per_property.items()}
    g.add((dataset, void("classes"), count(len(classes))))
    properties = sorted(triples_per_property)
    g.add((dataset, void("properties"), count(len(properties))))
    for cls, entities in sorted(classes.items()):
        partition = u(f"{dataset}/void/class/{_local(cls)}")
        g.add((dataset, void("classPartition"), partition))
        g.add((partition, void("class"), cls))
        g.add((partition, void("entities"), count(entities)))
    for prop in properties:
        partition = u(f"{dataset}/void/property/{_local(prop)}")
        g.add((dataset, void("propertyPartition"), partition))
        g.add((partition, void("property"), prop))
        g.add((partition, void("triples"), count(triples_per_property[prop])))
    for example in facts.examples:
        g.add((dataset, void("exampleResource"), u(example)))
    for file in distributions:
        if file.format in GRAPH_FORMATS:  # a dump is RDF
            g.add((dataset, void("dataDump"), u(settings.base_url + file.name)))
    namespaces = {_namespace(p) for p in properties} | {_namespace(c) for c in classes}
    for namespace in sorted(namespaces):
        g.add((dataset, void("vocabulary"), u(namespace)))
    links = triples_per_property.get(u(TW + "wikidataEntity"), 0)
    linkset = u(f"{dataset}/void/linkset/wikidata")
    g.add((dataset, void("subset"), linkset))
    g.add((linkset, RDF.type, void("Linkset")))
    g.add((linkset, void("subjectsTarget"), dataset))
    g.add((linkset, void("objectsTarget"), u("http://www.wikidata.org/")))
    g.add((linkset, void("linkPredicate"), u(TW + "wikidataEntity")))
    g.add((linkset, void("triples"), count(links)))
    g.add((u("http://www.wikidata.org/"), RDF.type, void("Dataset")))
    g.add((u("http://www.wikidata.org/"), void("uriSpace"), Literal(WD)))
    return g


def _local(iri: rdflib.term.Node) -> str:
    text = str(iri)
    return slugify(text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]) + "-" + format(abs(hash_stable(text)) % 10**6, "06d")


def hash_stable(text: str) -> int:
    """A hash that is the same in every process (Python's `hash` is salted per process)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _namespace(iri: rdflib.term.Node) -> str:
    text = str(iri)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[: cut + 1]
