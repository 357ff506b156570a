"""`twingraph import csv`: a city's partner list, read, matched to Wikidata and written as our data.

Steps: read the list (`reading`), make entries of its rows (`entries`), match every place and
country without a QID to Wikidata (`wikidata/reconcile.py`), write the graph (`writing`),
validate it with the project's data, and write it whole (`outputs/files.py`). The file written
carries the hash of its content in its first line; a later import may overwrite a file whose
hash still matches (nobody edited it), and nothing else without `--force`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from twingraph.errors import display_path
from twingraph.iris import FALLBACK_LANGUAGES, SCHEMA, SKOS_ALT_LABEL
from twingraph.outputs.files import OutputError
from twingraph.partner_lists.entries import Entry, Problems, entries_of
from twingraph.partner_lists.reading import PartnerList, read_list
from twingraph.partner_lists.writing import Known, ListWriter, ascii_slug
from twingraph.wikidata.reconcile import (
    REVIEW_COLUMNS,
    Match,
    Name,
    Review,
    read_review,
    reconcile,
    review_table,
    suggest,
)

if TYPE_CHECKING:
    from twingraph.project import Project
    from twingraph.rdf.load import LoadedGraph
    from twingraph.rdf.precedence import Decision, Given
    from twingraph.rdf.triple_set import TripleSet
    from twingraph.shacl.validate import ValidationReport
    from twingraph.wikidata.client import WikidataClient

# The list is named by its path in the project (its name where it lies outside), so that a finding
# on an imported resource can point at the list's own line (forge/locations.py reads it back).
HEADER = (
    "# Written by `twingraph import csv` from {name}; content sha256 {digest}. "
    "Edit it, and the next import will not overwrite it.\n"
)
WRITTEN_HEADER = re.compile(
    r"^# Written by `twingraph import csv` from (?P<list>.*); content sha256 (?P<digest>[0-9a-f]{64})\."
)


@dataclass
class ListImport:
    """What an import did."""

    out: Path
    read: PartnerList
    partnerships: int
    matches: list[Match]
    problems: Problems
    report: ValidationReport
    review: Path | None = None
    places: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        problems = self.problems
        return any(m.needs_review for m in self.matches) or bool(
            problems.skipped or problems.cells or problems.conflicts
        )

    def count(self, state: str) -> int:
        return sum(1 for m in self.matches if m.state == state)


@dataclass(frozen=True)
class ImportOptions:
    """What the command line says about the list."""

    source_url: str
    mapping: dict[str, str]
    city: str | None = None  # a name or a QID: the place of every row
    date_format: str | None = None
    language: str = "en"
    review: Path | None = None
    force: bool = False


def import_list(
    project: Project, path: Path, out: Path, options: ImportOptions, client: WikidataClient | None, *, max_bytes: int
) -> ListImport:
    """Read, match, write and validate one list (the module's docstring)."""
    from twingraph.outputs.files import write_atomic
    from twingraph.rdf.export import serialize_triples, sorted_triples

    check_overwrite(out, force=options.force)
    read = read_list(path, mapping=options.mapping, max_bytes=max_bytes, city_given=options.city is not None)
    city_qid = options.city if options.city and re.fullmatch(r"Q[1-9]\d*", options.city) else None
    loaded = _project_graph(project, exclude=out, max_bytes=max_bytes)
    review = read_review(options.review) if options.review else Review()
    city_name, city_language = _city_name(options.city, city_qid, client, options.language, review)
    entries, problems = entries_of(
        read.rows, city=city_name, city_qid=city_qid, date_format=options.date_format, themes=_themes(loaded)
    )
    names = _names(entries)
    given = {
        **{e.place: e.place_qid for e in entries if e.place_qid},
        **{e.partner: e.partner_qid for e in entries if e.partner_qid},
    }
    matches = _matches(names, given, review, client, options.language)
    known = _known(loaded, project.settings.base_iri)
    suggest(list(matches.values()), known.spellings())
    writer = ListWriter(
        base_iri=project.settings.base_iri, language=options.language, source_url=options.source_url,
        source_title=path.name, known=known,
        city_list=is_city_list(entries, options.source_url),
    )  # fmt: skip
    if city_name:
        writer.languages[Name("place", city_name)] = city_language
    writer.item_names = _item_names(matches, known, client, options.language)
    partnerships, places = _write(writer, entries, matches)
    _keep_project_names(writer.g, loaded)
    body = serialize_triples(sorted_triples(writer.g), "turtle", base_iri=project.settings.base_iri)
    text = HEADER.format(name=_list_name(project, path), digest=hashlib.sha256(body).hexdigest()).encode() + body
    together = _project_graph(project, exclude=out, max_bytes=max_bytes, written=(out, text))
    problems.conflicts = _conflicts(together, writer.g)
    report = _validate(project, together)
    if options.review:
        write_atomic(options.review, review_table(list(matches.values()), review))
    write_atomic(out, text)
    done = ListImport(out, read, partnerships, list(matches.values()), problems, report, options.review, places)
    decisions = sorted(together.decisions, key=lambda d: (d.subject, d.prop))
    done.notes = [_preferred(d, together) for d in decisions[:SHOWN_PREFERENCES]]
    if len(decisions) > SHOWN_PREFERENCES:
        by_property = Counter(d.prop.rsplit("#", 1)[-1] for d in decisions)
        counts = ", ".join(f"{name} {n:,}" for name, n in sorted(by_property.items()))
        done.notes.append(f"… {len(decisions):,} values preferred in all ({counts}), each kept as a claim")
    return done


SHOWN_PREFERENCES = 10  # the values the precedence rule chose that an import names one by one


# Lists on these hosts are reference works that collect many cities' partners, not a city's own.
REFERENCE_WORK_HOSTS = ("wikipedia.org", "wikidata.org", "wikimedia.org")


def is_city_list(entries: Sequence[Entry], source_url: str) -> bool:
    """Whether the list is one city's own list of its partners: one place in every row, published
    elsewhere than on a reference work. Its values win over other sources' (rdf/precedence.py)."""
    from urllib.parse import urlsplit

    host = (urlsplit(source_url).hostname or "").lower()
    reference_work = any(host == h or host.endswith("." + h) for h in REFERENCE_WORK_HOSTS)
    return not reference_work and len({(e.place.text, e.place_qid) for e in entries}) == 1


def _list_name(project: Project, path: Path) -> str:
    """The list's path relative to the project's folder, or its name where it lies outside."""
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.name


def default_output(project: Project, city: str | None, path: Path) -> Path:
    """data/<city>-partners.ttl: the city named with --city, else the list's file name."""
    stem = city if city and not re.fullmatch(r"Q[1-9]\d*", city) else path.stem
    return project.root / "data" / f"{ascii_slug(stem)}-partners.ttl"


def check_overwrite(out: Path, *, force: bool) -> None:
    """Refuse to overwrite a file unless an import wrote it and nobody has edited it since."""
    if force or not out.exists():
        return
    try:
        text = out.read_bytes()
    except OSError as exc:
        raise OutputError(f"{display_path(out)} cannot be read ({exc.strerror or exc}).") from None
    first, _, rest = text.partition(b"\n")
    match = WRITTEN_HEADER.match(first.decode("utf-8", "replace"))
    if match and hashlib.sha256(rest).hexdigest() == match["digest"]:
        return
    why = "was edited since the import wrote it" if match else "was not written by `twingraph import csv`"
    raise OutputError(f"{display_path(out)} {why}; refusing to overwrite it. Give another -o, or --force.")


def _city_name(
    city: str | None, city_qid: str | None, client: WikidataClient | None, language: str, review: Review
) -> tuple[str | None, str]:
    """The name of the city of every row, and its language: `--city` as given, or for a QID its
    Wikidata label in the list's language, else in English, German or any; without Wikidata,
    the name an earlier run's review table gives it."""
    if city_qid and client is None:
        from twingraph.wikidata.reconcile import GIVEN

        state, qid = REVIEW_COLUMNS.index("state"), REVIEW_COLUMNS.index("qid")
        named = [n.text for n, row in review.rows.items() if row[state] == GIVEN and row[qid] == city_qid]
        return (named[0], language) if named else (city, language)
    if not city_qid or client is None:
        return (city, language)
    from twingraph.wikidata.importer import entity_name_and_language

    entity = client.entities([city_qid]).get(city_qid)
    name, named_in = entity_name_and_language(entity, city_qid, [language, *FALLBACK_LANGUAGES])
    return name, named_in or language


def _project_graph(
    project: Project, *, exclude: Path, max_bytes: int, written: tuple[Path, bytes] | None = None
) -> LoadedGraph:
    """The project's ontology and data without the file being replaced (with its new content, if given)."""
    from twingraph.rdf.load import load_graph

    ontology, data = project.graph_inputs()
    files = [p for folder in data for p in ([folder] if folder.is_file() else sorted(folder.glob("*.ttl")))]
    keep = [p for p in files if p.resolve() != exclude.resolve()]
    return load_graph([*ontology, *keep], max_bytes=max_bytes, written=[written] if written else [])


def _themes(loaded: LoadedGraph) -> dict[str, str]:
    from twingraph.iris import TW

    rows = loaded.graph.query(
        f"""SELECT ?theme ?label WHERE {{ ?theme <http://www.w3.org/2004/02/skos/core#inScheme> <{TW}Themes> .
        {{ ?theme <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
        UNION {{ ?theme <http://www.w3.org/2004/02/skos/core#altLabel> ?label }} }}"""
    )
    return {str(row.label).lower(): str(row.theme) for row in rows}  # type: ignore[union-attr]


def _known(loaded: LoadedGraph, base_iri: str) -> Known:
    """What the project already has, read straight from the store's merge of its files (through
    rdflib's view, each of the world's million terms was converted: 5.7 s, not 1)."""
    import pyoxigraph

    from twingraph.iris import RDF_TYPE, RDFS_LABEL, TW

    quads, objects = loaded.quads, loaded.objects
    by_qid = {q.object.value.rsplit("/", 1)[-1]: q.subject.value for q in quads(predicate=TW + "wikidataEntity")}
    subjects = {q.subject.value for q in quads() if q.subject.value.startswith(base_iri)}
    countries = {
        name.value.casefold(): q.subject.value
        for q in quads(predicate=RDF_TYPE, obj=pyoxigraph.NamedNode(TW + "Country"))
        for name in objects(q.subject, RDFS_LABEL)
    }
    places: dict[tuple[str, str], set[str]] = defaultdict(set)
    labels: dict[str, dict[str, str]] = {}
    also: dict[str, set[str]] = defaultdict(set)
    place_countries: dict[str, frozenset[str]] = {}
    twinned = {q.subject for q in quads(predicate=TW + "twinnedWith")} | {
        q.object for q in quads(predicate=TW + "partner")
    }
    for place in twinned:
        iri = place.value
        in_countries = frozenset(c.value for c in objects(place, TW + "country"))
        place_countries[iri] = in_countries
        country_names = [n.value.casefold() for c in in_countries for n in objects(c, RDFS_LABEL)] or [""]
        for name in objects(place, RDFS_LABEL):
            labels.setdefault(iri, {}).setdefault(getattr(name, "language", None) or "", name.value)
            for country_name in country_names:
                places[(name.value.casefold(), country_name)].add(iri)
        also[iri].update(n.value for n in objects(place, SKOS_ALT_LABEL))
    by_name = {key: frozenset(iris) for key, iris in places.items()}
    located = frozenset(q.subject.value for q in quads(predicate=SCHEMA + "latitude"))
    return Known(
        by_qid, frozenset(subjects), countries, by_name, located, labels,
        {iri: frozenset(names) for iri, names in also.items()}, place_countries,
    )  # fmt: skip


def _names(entries: Sequence[Entry]) -> list[Name]:
    """Every place, partner and country to match, once each."""
    found: dict[Name, None] = {}
    for entry in entries:
        for place, qid in ((entry.place, entry.place_qid), (entry.partner, entry.partner_qid)):
            if place.country:
                found[Name("country", place.country)] = None
            if not qid:
                found[place] = None
    return list(found)


def _matches(
    names: list[Name], given: dict[Name, str], review: Review, client: WikidataClient | None, language: str
) -> dict[Name, Match]:
    from twingraph.wikidata.reconcile import GIVEN, UNMATCHED

    matches = {name: Match(name, GIVEN, qid) for name, qid in given.items()}
    if client is None:
        answered = review.answered()
        matches.update({n: answered.get(n) or review.as_written(n) or Match(n, UNMATCHED) for n in names})
        return matches
    matches.update(reconcile(names, client, languages=[language], review=review))
    return matches


def _write(writer: ListWriter, entries: Sequence[Entry], matches: dict[Name, Match]) -> tuple[int, int]:
    """Countries, places and partnerships; returns the counts of partnerships and places."""
    places: dict[Name, str] = {}

    def place(name: Name, line: int, coordinates: tuple[str, str] | None) -> str:
        if name not in places:
            country = (
                writer.country(Name("country", name.country), matches.get(Name("country", name.country)))
                if name.country
                else None
            )
            match = matches.get(name)
            places[name] = writer.place(name, match.qid if match else None, country, line, coordinates)
        return places[name]

    pairs: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        a = place(entry.place, entry.line, entry.place_coordinates)
        b = place(entry.partner, entry.line, entry.partner_coordinates)
        if a == b:
            continue
        pairs[(a, b) if a < b else (b, a)].append(entry)
    for (a, b), rows in sorted(pairs.items()):
        writer.partnership(a, b, rows)
    return len(pairs), len(set(places.values()))


def _item_names(
    matches: dict[Name, Match], known: Known, client: WikidataClient | None, language: str
) -> dict[str, tuple[str, str]]:
    """Wikidata's name, and its language, of each place or country matched to an item the project
    does not have: in the list's language, else English, German, any. It is published under it."""
    qids = sorted({m.qid for m in matches.values() if m.qid and m.qid not in known.by_qid})
    if client is None or not qids:
        return {}
    from twingraph.wikidata.importer import entity_name_and_language

    languages = [language, *FALLBACK_LANGUAGES]
    found: dict[str, tuple[str, str]] = {}
    for qid, entity in client.entities(qids, languages).items():
        name, named_in = entity_name_and_language(entity, qid, languages)
        if named_in is not None:  # an item without any label keeps the list's spelling
            found[qid] = (name, named_in)
    return found


def _keep_project_names(triples: TripleSet, loaded: LoadedGraph) -> None:
    """A resource the project already names in a language keeps that name; the list's other
    spelling becomes an alternative name (skos:altLabel), since one label per language is allowed."""
    import pyoxigraph

    from twingraph.iris import RDFS_LABEL

    for subject in triples.subjects_with(RDFS_LABEL):
        for label in triples.objects(subject, RDFS_LABEL):
            if not isinstance(label, pyoxigraph.Literal):
                continue
            theirs = [
                o
                for o in loaded.objects(subject, RDFS_LABEL)
                if isinstance(o, pyoxigraph.Literal) and o.language == label.language
            ]
            if theirs and label not in theirs:
                triples.remove(subject, RDFS_LABEL, label)
                triples.add(subject, SKOS_ALT_LABEL, label)


def _conflicts(together: LoadedGraph, triples: TripleSet) -> list[str]:
    """Where the project's files give a partnership of the list different values that the
    precedence rule cannot choose between (rdf/precedence.py): named, for a person to settle."""
    import pyoxigraph

    from twingraph.iris import RDF_TYPE, TW

    partnership = pyoxigraph.NamedNode(TW + "Partnership")
    found = []
    for subject in triples.subjects_with(RDF_TYPE):
        if partnership not in triples.objects(subject, RDF_TYPE):
            continue
        for name in ("startDate", "endDate", "kind"):
            values = sorted(o.value for o in together.objects(subject, TW + name))
            if len(values) > 1:
                pair = subject.rsplit("/", 1)[-1]
                found.append(
                    f"{pair}: the project's files give {name} {' and '.join(values)}, and no source outranks the "
                    "other; remove one value (and its precision), or keep them as tw:Claim with one preferred"
                )
    return found


def _preferred(decision: Decision, together: LoadedGraph) -> str:
    """One line on a value the precedence rule chose, each value with the file that gives it."""
    import pyoxigraph

    from twingraph.iris import compact

    files = {f.graph_name: f.path.name for f in together.files}
    pair = decision.subject.rsplit("/", 1)[-1]
    name = decision.prop.rsplit("#", 1)[-1]

    def said(given: Given) -> str:
        value = given.value
        return (
            f"{compact(value.value) if isinstance(value, pyoxigraph.NamedNode) else value.value} ({files[given.graph]})"
        )

    return (
        f"{pair}: {name} {said(decision.preferred)} is preferred over "
        f"{', '.join(map(said, decision.others))}; each is kept as a claim with its source"
    )


def _validate(project: Project, together: LoadedGraph) -> ValidationReport:
    from twingraph.shacl.validate import load_shapes, validate_graph

    return validate_graph(together.graph, load_shapes(project))
