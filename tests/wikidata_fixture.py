"""Wikidata-shaped RDF for the tests, written from the real 2016 P190 crawl in vendor/datasets/.

It follows Wikidata's own RDF model: `wdt:` truthy triples, `p:`/`ps:`/`pq:`/`pqv:` statements
with `wikibase:rank`, `prov:wasDerivedFrom` references with `pr:P854`, `rdfs:label`,
`skos:altLabel`, `wdt:P17`, `wdt:P31`, `wdt:P625` and `p:P1082` with `pq:P585`.

What is real: the 10,055 items and their labels (the crawl's German label where there was one,
written here as @de), the 34,182 P190 statements, and Weimar's statements with their P580
qualifiers, references and ranks (weimar.json).

What is added for the tests, and so not real: every item is a human settlement (Q486972),
since the crawl has no P31; Kassel and its partners get English labels, countries,
coordinates and populations; and Kassel's statements get start dates and references, with
planted differences from our data: Rovaniemi starts in 1971 (we say 1972), Yaroslavl has an
end date (2022), and Arnstadt's statement back to Kassel is removed (one-directional).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

# The repository's vendored data, found without pytest (benchmarks/local_wikidata.py imports this module too).
VENDOR = Path(__file__).resolve().parents[1] / "vendor"

CRAWL = VENDOR / "datasets" / "wikidata-p190-2016"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
PQ = "http://www.wikidata.org/prop/qualifier/"
PQV = "http://www.wikidata.org/prop/qualifier/value/"
PR = "http://www.wikidata.org/prop/reference/"
WDS = "http://www.wikidata.org/entity/statement/"
WDV = "http://www.wikidata.org/value/"
WDREF = "http://www.wikidata.org/reference/"
WIKIBASE = "http://wikiba.se/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
HUMAN_SETTLEMENT = "Q486972"

# Planted facts for Kassel and its partners (see the module docstring).
KASSEL = "Q2865"
PLACES = {
    # qid: (English label, German label, country, (lon, lat), population, population date)
    "Q2865": ("Kassel", "Kassel", "Q183", (9.4975, 51.3158), 201048, "2022-12-31"),
    "Q2044": ("Florence", "Florenz", "Q38", (11.2542, 43.7714), 360930, "2022-01-01"),
    "Q103717": ("Rovaniemi", "Rovaniemi", "Q33", (25.7333, 66.5), 64535, "2022-12-31"),
    "Q163966": ("Mitte", "Mitte", "Q183", (13.3852, 52.5302), 397134, "2022-12-31"),
    "Q490665": ("Arnstadt", "Arnstadt", "Q183", (10.9464, 50.8342), 28129, "2022-12-31"),
    "Q129649": ("İzmit", "İzmit", "Q43", (29.9507, 40.8217), 376056, "2022-12-31"),
    "Q79815": ("Mulhouse", "Mülhausen", "Q142", (7.34, 47.75), 105735, "2020-01-01"),
    "Q192807": ("Ramat Gan", "Ramat Gan", "Q801", (34.8236, 32.07), 171200, "2022-12-31"),
    "Q34550": ("Västerås", "Västerås", "Q34", (16.5528, 59.6161), 128660, "2022-12-31"),
    "Q2423": ("Yaroslavl", "Jaroslawl", "Q159", (39.8933, 57.6264), 577279, "2021-01-01"),
    "Q220121": ("Montana", "Montana", "Q219", (23.2333, 43.4167), 39019, "2021-09-07"),
    "Q2013767": ("Mitte", "Mitte", "Q183", (9.99, 53.55), None, None),
}
ALIASES = {"Q163966": [("Berlin-Mitte", "de"), ("Berlin-Mitte", "en")], "Q129649": [("Izmit", "en")]}
COUNTRIES = {
    "Q183": "Germany",
    "Q38": "Italy",
    "Q33": "Finland",
    "Q43": "Turkey",
    "Q142": "France",
    "Q801": "Israel",
    "Q34": "Sweden",
    "Q159": "Russia",
    "Q219": "Bulgaria",
}
STARTS = {  # Kassel's statements: (time, precision)
    "Q2044": ("1952-01-01", 9),
    "Q103717": ("1971-01-01", 9),
    "Q163966": ("1961-01-01", 9),
    "Q490665": ("1989-01-01", 9),
    "Q129649": ("2000-01-01", 9),
    "Q192807": ("1990-01-01", 9),
    "Q34550": ("1972-01-01", 9),
    "Q2423": ("1988-01-25", 11),
}
ENDS = {"Q2423": ("2022-01-01", 9)}
REFERENCE = "https://www.kassel.de/buerger/stadtgeschichte/staedtepartnerschaften.php"
REMOVED = {("Q490665", KASSEL)}
# Voiron and Herford each state their twinning, with a different year: two claims for `import --all`.
BOTH_SIDES_STARTS = {("Q238205", "Q3971"): ("1966-01-01", 9), ("Q3971", "Q238205"): ("1967-01-01", 9)}
# A statement Wikidata deprecates (Voiron twinned with a person): a deprecated claim, no partnership.
DEPRECATED = ("Q238205", "Q42")


def _literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def _hash(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()


def wikidata_ntriples(*, remove: frozenset[tuple[str, str]] = frozenset()) -> bytes:
    """The whole fixture as N-Triples; `remove` drops more (item, partner) statements."""
    lines: list[str] = []

    def triple(s: str, p: str, o: str) -> None:
        lines.append(f"<{s}> <{p}> {o} .")

    def time_value(node: str, timestamp: str, precision: int) -> None:
        triple(node, WIKIBASE + "timeValue", _literal(f"{timestamp}T00:00:00Z", datatype=XSD + "dateTime"))
        triple(node, WIKIBASE + "timePrecision", _literal(str(precision), datatype=XSD + "integer"))

    def statement(item: str, prop: str, value: str, rank: str = "NormalRank") -> str:
        node = f"{WDS}{item}-{_hash(item, prop, value)}"
        triple(WD + item, P + prop, f"<{node}>")
        triple(node, PS + prop, value)
        triple(node, WIKIBASE + "rank", f"<{WIKIBASE}{rank}>")
        triple(node, RDF_TYPE, f"<{WIKIBASE}Statement>")
        if rank != "DeprecatedRank":
            triple(WD + item, WDT + prop, value)
        return node

    names = {}
    for line in (CRAWL / "names.tsv").read_text(encoding="utf-8").splitlines():
        qid, _, label = line.partition("\t")
        names[qid] = label
        if label and label != qid:
            triple(WD + qid, RDFS_LABEL, _literal(label, "de"))
        triple(WD + qid, WDT + "P31", f"<{WD}{HUMAN_SETTLEMENT}>")
    for line in (CRAWL / "relations.tsv").read_text(encoding="utf-8").splitlines():
        item, _, partner = line.partition("\t")
        if (item, partner) in REMOVED | remove or item == "Q3955":
            continue
        node = statement(item, "P190", f"<{WD}{partner}>")
        if item == KASSEL and partner in STARTS:
            value = f"{WDV}{_hash('start', partner)}"
            triple(node, PQV + "P580", f"<{value}>")
            time_value(value, *STARTS[partner])
            triple(node, PQ + "P580", _literal(STARTS[partner][0] + "T00:00:00Z", datatype=XSD + "dateTime"))
            reference = f"{WDREF}{_hash('ref', partner)}"
            triple(node, PROV_DERIVED, f"<{reference}>")
            triple(reference, PR + "P854", f"<{REFERENCE}>")
        if (item, partner) in BOTH_SIDES_STARTS:
            value = f"{WDV}{_hash('start', item, partner)}"
            triple(node, PQV + "P580", f"<{value}>")
            time_value(value, *BOTH_SIDES_STARTS[(item, partner)])
        if item == KASSEL and partner in ENDS:
            value = f"{WDV}{_hash('end', partner)}"
            triple(node, PQV + "P582", f"<{value}>")
            time_value(value, *ENDS[partner])
    statement(DEPRECATED[0], "P190", f"<{WD}{DEPRECATED[1]}>", "DeprecatedRank")
    _weimar(statement, triple, time_value)
    for qid, (en, de, country, (lon, lat), population, when) in PLACES.items():
        triple(WD + qid, RDFS_LABEL, _literal(en, "en"))
        triple(WD + qid, RDFS_LABEL, _literal(de, "de"))
        triple(WD + qid, WDT + "P17", f"<{WD}{country}>")
        triple(WD + qid, WDT + "P31", f"<{WD}Q515>")
        triple(
            WD + qid,
            WDT + "P625",
            _literal(f"Point({lon} {lat})", datatype="http://www.opengis.net/ont/geosparql#wktLiteral"),
        )
        if population is not None and when is not None:
            node = statement(qid, "P1082", _literal(str(population), datatype=XSD + "decimal"), "PreferredRank")
            value = f"{WDV}{_hash('pop', qid)}"
            triple(node, PQV + "P585", f"<{value}>")
            time_value(value, when, 11)
    # A label in a language no command asks for by default: `import --all` reads it only with --lang ja.
    triple(WD + KASSEL, RDFS_LABEL, _literal("カッセル", "ja"))
    for qid, aliases in ALIASES.items():
        for alias, lang in aliases:
            triple(WD + qid, ALT, _literal(alias, lang))
    for qid, name in COUNTRIES.items():
        triple(WD + qid, RDFS_LABEL, _literal(name, "en"))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _weimar(statement, triple, time_value) -> None:  # type: ignore[no-untyped-def]
    """Weimar's real P190 statements, with their qualifiers, references and ranks."""
    entity = json.loads((CRAWL / "weimar.json").read_text(encoding="utf-8"))["entities"]["Q3955"]
    for claim in entity["claims"]["P190"]:
        partner = claim["mainsnak"]["datavalue"]["value"]["id"]
        rank = {"normal": "NormalRank", "preferred": "PreferredRank", "deprecated": "DeprecatedRank"}[claim["rank"]]
        node = statement("Q3955", "P190", f"<{WD}{partner}>", rank)
        for prop in ("P580", "P582"):
            for snak in claim.get("qualifiers", {}).get(prop, []):
                if snak.get("snaktype") != "value":
                    continue
                time = snak["datavalue"]["value"]
                value = f"{WDV}{snak['hash']}"
                triple(node, PQV + prop, f"<{value}>")
                time_value(value, time["time"].lstrip("+")[:10].replace("-00", "-01"), time["precision"])
        for reference in claim.get("references", []):
            for snak in reference["snaks"].get("P854", []):
                ref = f"{WDREF}{reference['hash']}"
                triple(node, PROV_DERIVED, f"<{ref}>")
                triple(ref, PR + "P854", f"<{snak['datavalue']['value']}>")


def write_fixture(path: Path) -> Path:
    path.write_bytes(wikidata_ntriples())
    return path
