"""DCAT-AP 3 catalogue and VoID description of a dataset, as graph-to-graph functions.

Everything has a stable IRI (no blank nodes), every text is language-tagged, and every
code-list value is described as the official shapes' range checks expect: typed with its
class, a `skos:Concept` with `skos:inScheme` and a `skos:prefLabel`. The `dcat-ap-de`
profile adds what GovData expects: DCAT-AP.de licence IRIs, the attribution text and the
political geocoding level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twingraph.errors import TwingraphError
from twingraph.formats import Format
from twingraph.iris import DCT, TW, TWINGRAPH_IRI, WD, XSD, dataset_iri, resource_iri, slugify
from twingraph.licences import LICENCES
from twingraph.publish.data_facts import Coverage, with_data_licence

if TYPE_CHECKING:
    import rdflib

    from twingraph.project import Settings

PROFILES = ("dcat-ap", "dcat-ap-de")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
DCATDE = "http://dcat-ap.de/def/dcatde/"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
ADMS = "http://www.w3.org/ns/adms#"
VOID = "http://rdfs.org/ns/void#"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"
PROV = "http://www.w3.org/ns/prov#"
# Wikidata, the dataset, as Wikidata names itself: a related resource of data whose places link it.
WIKIDATA_ITEM = WD + "Q2013"

# The DCAT-AP 3.0.1 code-list shapes accept only SPDX algorithm IRIs under https://spdx.org/rdf/terms
# (SPDX 2 itself uses http://); the official shapes are the referee, so the https form is written.
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
_SCHEME_TITLES = {
    EU + "file-type": "File type",
    EU + "language": "Language",
    EU + "access-right": "Access right",
    EU + "frequency": "Frequency",
    EU + "planned-availability": "Planned availability",
    EU + "data-theme": "Data theme",
    EU + "licence": "Licence",
    EU + "place": "Place",
    "http://purl.org/adms/publishertype/1.0": "Publisher Type",
    "http://purl.org/adms/licencetype/1.0": "Licence Type",
    "http://dcat-ap.de/def/licenses": "Lizenzen",
    "http://dcat-ap.de/def/politicalGeocoding/Level": "Ebene der geopolitischen Abdeckung",
}

# Labels of the code-list values twingraph uses, as the EU vocabularies give them.
_CONCEPT_LABELS = {
    EU + "file-type/RDF_TURTLE": "RDF Turtle",
    EU + "file-type/JSON_LD": "JSON-LD",
    EU + "file-type/RDF_N_TRIPLES": "RDF N-Triples",
    EU + "file-type/RDF_XML": "RDF/XML",
    EU + "file-type/CSV": "CSV",
    EU + "file-type/GEOJSON": "GeoJSON",
    EU + "file-type/XML": "XML",
    EU + "language/ENG": "English",
    EU + "language/DEU": "German",
    EU + "access-right/PUBLIC": "public",
    EU + "frequency/IRREG": "irregular",
    EU + "planned-availability/STABLE": "stable",
    EU + "distribution-status/COMPLETED": "completed",
    EU + "data-theme/SOCI": "Population and society",
    EU + "data-theme/REGI": "Regions and cities",
    EU + "data-theme/GOVE": "Government and public sector",
    EU + "data-theme/EDUC": "Education, culture and sport",
    EU + "data-theme/INTR": "International issues",
    "http://purl.org/adms/publishertype/NonProfitOrganisation": "Non-Profit Organisation",
    "http://purl.org/adms/publishertype/LocalAuthority": "Local Authority",
    "http://purl.org/adms/licencetype/Attribution": "Attribution",
    "http://purl.org/adms/licencetype/PublicDomain": "Public domain",
    "http://dcat-ap.de/def/politicalGeocoding/Level/municipality": "Gemeinde",
    # The licences' labels: the EU vocabulary's in English, DCAT-AP.de's in German (licences.py).
    **{iri: licence.title_en for iri, licence in LICENCES.items()},
    **{licence.dcat_ap_de_iri: licence.title_de for licence in LICENCES.values() if licence.dcat_ap_de != "other-open"},
    "http://dcat-ap.de/def/licenses/other-open": "Andere offene Lizenz",
}


class CatalogError(TwingraphError):
    """The catalogue cannot be made from these settings."""


@dataclass(frozen=True)
class DistributionFile:
    """A published file: its name in dist/, format, size and SHA-256."""

    name: str
    format: Format
    byte_size: int
    sha256: str


def catalog_graph(
    settings: Settings,
    distributions: Sequence[DistributionFile],
    *,
    covers: Coverage,
    profile: str = "dcat-ap",
) -> rdflib.Graph:
    """A DCAT-AP 3.0.1 catalogue with one dataset and one distribution per file."""
    if profile not in PROFILES:
        raise CatalogError(f"unknown profile {profile!r}; use one of {', '.join(PROFILES)}.")
    writer = _CatalogWriter(with_data_licence(settings, covers.licence), profile)
    writer.catalogue()
    writer.dataset(covers)
    writer.provenance(covers)
    writer.agents()
    for file in distributions:
        writer.distribution(file)
    return writer.g


class _CatalogWriter:
    """The catalogue's graph, written part by part: the catalogue, the dataset, its publisher and
    contact, and each distribution. The nodes they share are named once, here."""

    def __init__(self, settings: Settings, profile: str) -> None:
        from rdflib import XSD, Graph, Literal, Namespace, URIRef

        self.settings, self.profile, self.pub = settings, profile, settings.publishing
        self.g = Graph(bind_namespaces="none")
        for prefix, namespace in CATALOG_PREFIXES.items():
            self.g.bind(prefix, namespace)
        self.dcat, self.dcatap, self.foaf, self.vcard, self.spdx = (
            Namespace(ns) for ns in (DCAT, DCATAP, FOAF, VCARD, SPDX)
        )
        pub, u = self.pub, URIRef
        self.catalog = u(resource_iri("catalog", slugify(settings.name), base_iri=settings.base_iri))
        self.dataset_node = u(dataset_iri(settings.name, base_iri=settings.base_iri))
        self.publisher = u(resource_iri("org", slugify(pub.publisher_name), base_iri=settings.base_iri))
        self.contact = u(resource_iri("contact", slugify(pub.contact_name), base_iri=settings.base_iri))
        self.landing = u(pub.landing_page or settings.base_url)
        self.licence = u(pub.licence_de if profile == "dcat-ap-de" else pub.licence)
        self.rights = u(f"{self.dataset_node}/rights")
        self.title_de = pub.title_de  # no German title unless the project gives one: never English text tagged @de
        self.issued = Literal(pub.issued, datatype=XSD.date)
        self.modified = Literal(pub.modified, datatype=XSD.date)

    def text(self, node: Any, prop: Any, en: str, de: str | None) -> None:
        from rdflib import Literal

        self.g.add((node, prop, Literal(en, lang="en")))
        if de is not None:
            self.g.add((node, prop, Literal(de, lang="de")))

    def concept(self, iri: str, cls: Any = None) -> Any:
        """A code-list value, with its label and scheme; `cls` adds a type."""
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS, SKOS

        g, node, scheme = self.g, URIRef(iri), _scheme_of(iri)
        g.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        title = _SCHEME_TITLES.get(scheme, scheme.rsplit("/", 2)[-1])
        g.add((URIRef(scheme), DCTERMS.title, Literal(title, lang="en")))
        label = _CONCEPT_LABELS.get(iri)
        if label is None:
            raise CatalogError(f"no label known for the code-list value <{iri}>; use one twingraph knows.")
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, URIRef(scheme)))
        g.add((node, SKOS.prefLabel, Literal(label, lang="de" if "dcat-ap.de" in iri else "en")))
        if cls is not None:
            g.add((node, RDF.type, cls))
        return node

    def catalogue(self) -> None:
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS, SKOS

        g, pub, catalog, title_de = self.g, self.pub, self.catalog, self.title_de
        g.add((catalog, RDF.type, self.dcat["Catalog"]))
        self.text(
            catalog, DCTERMS.title, f"{self.settings.title}: catalogue", f"{title_de}: Katalog" if title_de else None
        )
        self.text(catalog, DCTERMS.description, pub.description_en, pub.description_de)
        g.add((catalog, DCTERMS.publisher, self.publisher))
        g.add((catalog, self.dcat["dataset"], self.dataset_node))
        g.add((catalog, self.foaf["homepage"], self.landing))
        g.add((catalog, DCTERMS.issued, self.issued))
        g.add((catalog, DCTERMS.modified, self.modified))
        g.add((catalog, DCTERMS.license, self.concept(str(self.licence), DCTERMS.LicenseDocument)))
        known = LICENCES.get(self.pub.licence)
        licence_type = known.licence_type_iri if known else "http://purl.org/adms/licencetype/Attribution"
        g.add((self.licence, DCTERMS.type, self.concept(licence_type)))
        g.add((catalog, self.dcat["themeTaxonomy"], URIRef(EU + "data-theme")))
        g.add((URIRef(EU + "data-theme"), RDF.type, SKOS.ConceptScheme))
        g.add((URIRef(EU + "data-theme"), DCTERMS.title, Literal("Data theme", lang="en")))
        for code in ("ENG", "DEU"):
            g.add((catalog, DCTERMS.language, self.concept(EU + f"language/{code}", DCTERMS.LinguisticSystem)))
        if pub.spatial:
            g.add((catalog, DCTERMS.spatial, URIRef(pub.spatial)))
        if self.profile == "dcat-ap-de":
            g.add((catalog, self.dcatap["availability"], URIRef(EU + "planned-availability/STABLE")))

    def dataset(self, covers: Coverage) -> None:
        from rdflib import RDF, RDFS, Literal, URIRef
        from rdflib.namespace import DCTERMS

        g, pub, dataset, dcat = self.g, self.pub, self.dataset_node, self.dcat
        g.add((dataset, RDF.type, dcat["Dataset"]))
        self.text(dataset, DCTERMS.title, self.settings.title, self.title_de)
        self.text(dataset, DCTERMS.description, pub.description_en, pub.description_de)
        for keyword in pub.keywords_en:
            g.add((dataset, dcat["keyword"], Literal(keyword, lang="en")))
        for keyword in pub.keywords_de:
            g.add((dataset, dcat["keyword"], Literal(keyword, lang="de")))
        for code in pub.themes:
            g.add((dataset, dcat["theme"], self.concept(EU + f"data-theme/{code}")))
        self.spatial()
        self.temporal(covers)
        g.add((dataset, DCTERMS.publisher, self.publisher))
        g.add((dataset, DCTERMS.creator, self.publisher))
        # On the dataset too, not only on its distributions: assessors (F-UJI) read it here.
        g.add((dataset, DCTERMS.license, self.licence))
        g.add((dataset, dcat["contactPoint"], self.contact))
        g.add((dataset, DCTERMS.accessRights, self.concept(EU + "access-right/PUBLIC", DCTERMS.RightsStatement)))
        g.add((dataset, DCTERMS.accrualPeriodicity, self.concept(EU + "frequency/IRREG", DCTERMS.Frequency)))
        for code in ("ENG", "DEU"):
            g.add((dataset, DCTERMS.language, URIRef(EU + f"language/{code}")))
        g.add((dataset, dcat["landingPage"], self.landing))
        g.add((self.landing, RDF.type, self.foaf["Document"]))
        g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        g.add((dataset, DCTERMS.issued, self.issued))
        g.add((dataset, DCTERMS.modified, self.modified))
        g.add((dataset, DCTERMS.conformsTo, URIRef(TW.rstrip("#"))))
        g.add((URIRef(TW.rstrip("#")), RDF.type, DCTERMS.Standard))
        g.add((URIRef(TW.rstrip("#")), RDFS.label, Literal("twingraph ontology", lang="en")))
        g.add((dataset, self.dcatap["availability"], self.concept(EU + "planned-availability/STABLE")))
        if self.profile == "dcat-ap-de":
            g.add((dataset, URIRef(DCATDE + "politicalGeocodingLevelURI"), self.concept(pub.geocoding_level)))

    def provenance(self, covers: Coverage) -> None:
        """Where the data comes from (PROV-O): derived from the sources its partnerships cite,
        generated by a twingraph build that used them; and its related resources (dct:relation):
        those sources, and Wikidata where the places link it. Not dct:source, whose range in
        DCAT-AP is a dcat:Dataset."""
        from rdflib import RDF, RDFS, Literal, Namespace, URIRef
        from rdflib.namespace import DCTERMS

        from twingraph import __version__

        g, dataset, prov = self.g, self.dataset_node, Namespace(PROV)
        build, agent = URIRef(f"{dataset}/build"), URIRef(TWINGRAPH_IRI)
        g.add((dataset, prov["wasGeneratedBy"], build))
        g.add((build, RDF.type, prov["Activity"]))
        g.add((build, RDFS.label, Literal(f"twingraph {__version__} build of {self.settings.title}", lang="en")))
        g.add((build, prov["wasAssociatedWith"], agent))
        g.add((agent, RDF.type, prov["SoftwareAgent"]))
        g.add((agent, RDFS.label, Literal(f"twingraph {__version__}", lang="en")))
        for source in map(URIRef, covers.sources):
            g.add((dataset, prov["wasDerivedFrom"], source))
            g.add((dataset, DCTERMS.relation, source))
            g.add((build, prov["used"], source))
        if covers.links_wikidata:
            g.add((dataset, DCTERMS.relation, URIRef(WIKIDATA_ITEM)))

    def spatial(self) -> None:
        from rdflib import RDF, Literal, URIRef
        from rdflib.namespace import DCTERMS, SKOS

        g, pub = self.g, self.pub
        if not pub.spatial:
            return
        spatial = URIRef(pub.spatial)
        g.add((self.dataset_node, DCTERMS.spatial, spatial))
        g.add((spatial, RDF.type, DCTERMS.Location))
        if pub.spatial.startswith(EU):  # a concept of the EU's place vocabulary; a Wikidata item is none
            scheme = URIRef(_scheme_of(pub.spatial))
            g.add((spatial, RDF.type, SKOS.Concept))
            g.add((spatial, SKOS.inScheme, scheme))
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, DCTERMS.title, Literal("Place", lang="en")))
        if pub.spatial_centroid:
            g.add(
                (
                    spatial,
                    self.dcat["centroid"],
                    Literal(pub.spatial_centroid, datatype=URIRef(GEOSPARQL + "wktLiteral")),
                )
            )
        if pub.spatial_bbox:
            g.add((spatial, self.dcat["bbox"], Literal(pub.spatial_bbox, datatype=URIRef(GEOSPARQL + "wktLiteral"))))
        g.add((spatial, SKOS.prefLabel, Literal(pub.spatial_label or self.settings.title, lang="en")))

    def temporal(self, covers: Coverage) -> None:
        from rdflib import RDF, URIRef
        from rdflib.namespace import DCTERMS

        if covers.start is None:
            return
        period = URIRef(f"{self.dataset_node}/period")
        self.g.add((self.dataset_node, DCTERMS.temporal, period))
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        self.g.add((period, self.dcat["startDate"], _as_date(covers.start, first=True)))
        if covers.end is not None:  # else open-ended: the partnerships go on
            self.g.add((period, self.dcat["endDate"], _as_date(covers.end, first=False)))

    def agents(self) -> None:
        """The publisher, the contact point, and the rights statement the distributions share."""
        from rdflib import RDF, RDFS, Literal, URIRef
        from rdflib.namespace import DCTERMS

        g, pub, foaf, vcard = self.g, self.pub, self.foaf, self.vcard
        g.add((self.publisher, RDF.type, foaf["Agent"]))
        g.add((self.publisher, RDF.type, foaf["Organization"]))
        g.add((self.publisher, foaf["name"], Literal(pub.publisher_name, lang="en")))
        g.add((self.publisher, foaf["homepage"], URIRef(pub.publisher_url)))
        g.add((self.publisher, DCTERMS.type, self.concept(pub.publisher_type)))
        g.add((self.contact, RDF.type, vcard["Organization"]))
        g.add((self.contact, RDF.type, vcard["Kind"]))
        g.add((self.contact, vcard["fn"], Literal(pub.contact_name, lang="en")))
        g.add((self.contact, vcard["hasURL"], URIRef(pub.contact_url)))
        if pub.contact_email:
            g.add((self.contact, vcard["hasEmail"], URIRef(f"mailto:{pub.contact_email}")))
        g.add((self.rights, RDF.type, DCTERMS.RightsStatement))
        self.text(self.rights, RDFS.label, pub.rights, f"Frei nachnutzbar unter der Lizenz; Quelle: {pub.attribution}.")

    def distribution(self, file: DistributionFile) -> None:
        from rdflib import RDF, XSD, Literal, URIRef
        from rdflib.namespace import DCTERMS

        g, dcat, base_url, label = self.g, self.dcat, self.settings.base_url, file.format.label
        distribution = URIRef(f"{self.dataset_node}/distribution/{file.format.name}")
        g.add((self.dataset_node, dcat["distribution"], distribution))
        g.add((distribution, RDF.type, dcat["Distribution"]))
        title_de = f"{self.title_de} ({label})" if self.title_de else None
        self.text(distribution, DCTERMS.title, f"{self.settings.title} ({label})", title_de)
        self.text(
            distribution, DCTERMS.description, f"The whole dataset as {label}.", f"Der gesamte Datensatz als {label}."
        )
        g.add((distribution, dcat["accessURL"], URIRef(base_url)))
        g.add((distribution, dcat["downloadURL"], URIRef(base_url + file.name)))
        media_type = URIRef(IANA + file.format.media_type)
        g.add((distribution, dcat["mediaType"], media_type))
        g.add((media_type, RDF.type, DCTERMS.MediaType))
        file_type = self.concept(EU + f"file-type/{file.format.eu_file_type}", DCTERMS.MediaTypeOrExtent)
        g.add((distribution, DCTERMS.format, file_type))
        g.add((distribution, dcat["byteSize"], Literal(str(file.byte_size), datatype=XSD.nonNegativeInteger)))
        self.checksum(distribution, file.sha256)
        g.add((distribution, DCTERMS.license, self.licence))
        g.add((distribution, DCTERMS.rights, self.rights))
        g.add((distribution, self.dcatap["availability"], URIRef(EU + "planned-availability/STABLE")))
        g.add((distribution, DCTERMS.issued, self.issued))
        g.add((distribution, DCTERMS.modified, self.modified))
        if self.profile == "dcat-ap-de":
            attribution = Literal(self.pub.attribution, lang="de")
            g.add((distribution, URIRef(DCATDE + "licenseAttributionByText"), attribution))

    def checksum(self, distribution: Any, sha256: str) -> None:
        from rdflib import RDF, XSD, Literal, URIRef

        spdx, checksum = self.spdx, URIRef(f"{distribution}/checksum")
        self.g.add((distribution, spdx["checksum"], checksum))
        self.g.add((checksum, RDF.type, spdx["Checksum"]))
        self.g.add((checksum, spdx["algorithm"], URIRef(SHA256)))
        self.g.add((URIRef(SHA256), RDF.type, spdx["ChecksumAlgorithm"]))
        self.g.add((checksum, spdx["checksumValue"], Literal(sha256, datatype=XSD.hexBinary)))


def _scheme_of(iri: str) -> str:
    """The concept scheme of a code-list value (ADMS schemes carry a version; DCAT-AP.de licences nest)."""
    known = [scheme for scheme in _SCHEME_TITLES if iri.startswith(scheme.removesuffix("/1.0") + "/")]
    if known:
        return max(known, key=len)
    return iri.rsplit("/", 1)[0]


def _as_date(value: rdflib.Literal, *, first: bool) -> rdflib.Literal:
    """A start date as xsd:date, as the DCAT-AP shapes want: a year or month at its first or last day."""
    import calendar

    from rdflib import XSD, Literal

    text = str(value)
    if len(text) == 4:
        return Literal(f"{text}-01-01" if first else f"{text}-12-31", datatype=XSD.date)
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:7])
        day = 1 if first else calendar.monthrange(year, month)[1]
        return Literal(f"{text}-{day:02d}", datatype=XSD.date)
    return Literal(text[:10], datatype=XSD.date)


CATALOG_PREFIXES = {
    "dcat": DCAT,
    "dcatap": DCATAP,
    "dcatde": DCATDE,
    "dct": DCT,
    "foaf": FOAF,
    "vcard": VCARD,
    "spdx": SPDX,
    "adms": ADMS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "void": VOID,
    "geo": GEOSPARQL,
    "prov": PROV,
    "tw": TW,
    "wd": WD,
}
