"""Namespaces, and the only code that mints twingraph IRIs."""

from __future__ import annotations

import re
import unicodedata

DEFAULT_BASE_IRI = "https://w3id.org/twingraph/"
# twingraph itself: the software agent of every build, and the address its User-Agent names.
TWINGRAPH_IRI = "https://w3id.org/twingraph/"
# What `twingraph init` writes as a city's base IRI until the city sets its own (never ours).
PLACEHOLDER_BASE_IRI = "https://example.org/"

TW = "https://w3id.org/twingraph/ontology#"
SHAPES = "https://w3id.org/twingraph/shapes#"
WD = "http://www.wikidata.org/entity/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# The vocabulary terms code reads by IRI (in Oxigraph, which has no namespace objects).
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
SKOS_NOTE = "http://www.w3.org/2004/02/skos/core#note"
DCT = "http://purl.org/dc/terms/"
DCT_SOURCE = DCT + "source"
SCHEMA = "https://schema.org/"
SCHEMA_URL = SCHEMA + "url"
# Wikidata's structured data is CC0; its EU licence IRI, which a catalogue of data from Wikidata states.
WIKIDATA_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC0"

# Prefixes used when showing IRIs to people and when writing RDF.
PREFIXES: dict[str, str] = {
    "tw": TW,
    "tws": SHAPES,
    "wd": WD,
    "wdt": "http://www.wikidata.org/prop/direct/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": SCHEMA,
    "sh": "http://www.w3.org/ns/shacl#",
}

# Where no label is in a language asked for: English, then German, then any (the least text,
# then tag, for determinism). Pages (Accept-Language) and exports (--lang) choose names in this order.
FALLBACK_LANGUAGES = ("en", "de")
# The concepts of tw:DatePrecisions, vaguest first (Wikidata's precisions 8 to 11).
DATE_PRECISIONS = ("DecadePrecision", "YearPrecision", "MonthPrecision", "DayPrecision")


def status_change_order(when: str | None, iri: str) -> tuple[bool, str, str]:
    """The order of a partnership's status changes, the latest last: by date (their lexical forms,
    whatever the precision); a change without a date, as a list gives the status as it stands,
    after every dated one; then by IRI. The current status is the latest change's."""
    return (when is None, when or "", iri)


_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")


def is_language_tag(tag: str) -> bool:
    """Whether `tag` is a lower-case language tag such as de, en, ko, mul, zh-hant: safe to write
    into a query as a literal."""
    return _LANGUAGE_TAG.fullmatch(tag) is not None


# Kinds of resource the data mints, each under {base}id/{kind}/{slug}.
RESOURCE_KINDS = (
    "city",
    "country",
    "region",
    "feature",
    "org",
    "partnership",
    "claim",
    "status",
    "figure",
    "event",
    "activity",
    "source",
    "dataset",
    "catalog",
    "contact",
)


def id_prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The prefix for each kind of resource under a base IRI (city: …/id/city/, …)."""
    return {kind: f"{base_iri}id/{kind}/" for kind in RESOURCE_KINDS}


# German writes its umlauts out in ASCII (Rumänien: Rumaenien, Straße: Strasse); other languages drop the marks.
_GERMAN_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})


def in_german_ascii(name: str, language: str | None) -> str:
    """A German name with its umlauts written out, as German transliterates them; any other as it is."""
    return name.translate(_GERMAN_ASCII) if (language or "").lower().split("-")[0] == "de" else name


def slugify(name: str, *, language: str | None = None) -> str:
    """A stable ASCII slug for a name: 'İzmit' -> 'izmit', 'Västerås' -> 'vasteras', and a German
    name the German way: 'Rumänien' (de) -> 'rumaenien'."""
    name = in_german_ascii(name, language)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise ValueError(f"cannot make an IRI slug from {name!r}")
    return slug


def resource_iri(kind: str, slug: str, *, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of one resource, such as https://w3id.org/twingraph/id/city/kassel."""
    if kind not in RESOURCE_KINDS:
        raise ValueError(f"unknown resource kind {kind!r}")
    # "--" joins the partners' slugs in a partnership's slug; each part must be a slug.
    if not all(part and part == slugify(part) for part in slug.split("--")):
        raise ValueError(f"not a slug: {slug!r}")
    return f"{base_iri}id/{kind}/{slug}"


def dataset_iri(name: str, *, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The IRI of a project's dataset; also the named graph it is pushed to."""
    return resource_iri("dataset", slugify(name), base_iri=base_iri)


def partnership_iri(slug_a: str, slug_b: str, *, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """A partnership's IRI: the partners' slugs in sorted order, so direction never matters."""
    first, second = sorted((slug_a, slug_b))
    return resource_iri("partnership", f"{first}--{second}", base_iri=base_iri)


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """An IRI in prefix form where a known prefix fits (tw:Place), else in angle brackets."""
    table = dict(PREFIXES)
    table.update(prefixes or {})
    best = ""
    for prefix, namespace in table.items():
        if iri.startswith(namespace) and len(namespace) > len(table.get(best, "")):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local) and not local.endswith("."):
                best = prefix
    if best:
        return f"{best}:{iri[len(table[best]) :]}"
    return f"<{iri}>"
