"""The benchmark workloads in twingraph's model: World (the real 2016 Wikidata P190 crawl) and World×N.

World is built from vendor/datasets/wikidata-p190-2016/: the 10,055 items with their names
and Wikidata IRIs, and every P190 pair as one partnership, are real. Synthetic, because the
crawl does not have them, and derived deterministically from the QIDs: the language tag of
the names (written as @en; most are German names), each place's country (one of 40), each
partnership's start year (1950-2015, year precision) and theme. World×N repeats World's shape
with N times the places and partnerships, from a seeded generator.

With `errors=0.01`, about 1 % of the partnerships and places carry one planted error each,
of a kind the shapes must catch: a missing kind, a start in the future, a decade that is not
a decade, a theme from the wrong scheme, a third partner, a missing shortcut triple, a
Wikidata page URL instead of the entity. The engine agreement test compares twingraph's
engine with pyshacl on such data.

Usage: python benchmarks/world.py OUT.ttl [--scale N] [--errors 0.01] [--pairs N]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from twingraph.iris import partnership_iri, resource_iri, slugify  # noqa: E402

# The crawl is vendored with the repository (vendor/SOURCES.md).
CRAWL = HERE.parent / "vendor" / "datasets" / "wikidata-p190-2016"
COUNTRIES = [f"Q{n}" for n in (183, 38, 33, 142, 34, 43, 801, 159, 36, 29, 55, 45, 40, 39, 213, 28, 218, 41, 212, 30,
                               145, 17, 148, 16, 96, 155, 414, 298, 419, 1033, 884, 668, 252, 928, 20, 35, 189, 27, 211, 37)]  # fmt: skip
THEMES = ["YouthExchange", "SchoolExchange", "CitizensExchange", "Culture", "JointProjects", "Aid", "Reconciliation"]
TW = "https://w3id.org/twingraph/ontology#"
SOURCE = resource_iri("source", "wikidata-p190-2016")


def crawl_folder() -> Path:
    if (CRAWL / "names.tsv").is_file():
        return CRAWL
    raise SystemExit(f"the 2016 crawl is missing: expected {CRAWL}/ (vendored with the repository)")


def _pick(key: str, options: list[str]) -> str:
    return options[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(options)]


def _slug(name: str) -> str:
    try:
        return slugify(name)
    except ValueError:  # a name with no Latin letters at all, such as 马桥镇
        return "place"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")


def world_places_and_pairs() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The real crawl: QID -> name, and the unordered P190 pairs."""
    folder = crawl_folder()
    names = {}
    for line in (folder / "names.tsv").read_text(encoding="utf-8").splitlines():
        qid, _, name = line.partition("\t")
        names[qid] = name or qid
    pairs = set()
    for line in (folder / "relations.tsv").read_text(encoding="utf-8").splitlines():
        a, _, b = line.partition("\t")
        if a != b and a in names and b in names:
            pairs.add(tuple(sorted((a, b))))
    return names, sorted(pairs)  # type: ignore[arg-type]


def scaled(scale: int, seed: int = 2016) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """World's shape N times over: places with the same name pool, partnerships with the same degree distribution."""
    names, pairs = world_places_and_pairs()
    if scale == 1:
        return names, pairs
    rng = random.Random(seed)
    pool = list(names.values())
    qids = list(names)
    all_names: dict[str, str] = {}
    for copy in range(scale):
        for qid in qids:
            all_names[f"{qid}x{copy}" if copy else qid] = pool[rng.randrange(len(pool))] if copy else names[qid]
    keys = list(all_names)
    out = set(pairs)
    for copy in range(1, scale):
        for a, _b in pairs:
            # Keep one end in the copy and draw the other anywhere: one connected world.
            out.add(tuple(sorted((f"{a}x{copy}", keys[rng.randrange(len(keys))]))))  # type: ignore[arg-type]
    return all_names, sorted(p for p in out if p[0] != p[1])


ERROR_KINDS = ("no-kind", "future", "bad-decade", "wrong-theme", "third-partner", "no-shortcut", "wikidata-page")


def turtle(names: dict[str, str], pairs: list[tuple[str, str]], *, errors: float = 0.0, seed: int = 7) -> Iterator[str]:
    """The workload as N-Triples-like Turtle lines (no prefixes: fast to write, exact to read)."""
    rng = random.Random(seed)

    def planted() -> str | None:
        return ERROR_KINDS[rng.randrange(len(ERROR_KINDS))] if errors and rng.random() < errors else None

    slugs = {qid: f"{_slug(name)}-{qid.lower()}" for qid, name in names.items()}
    yield f'<{SOURCE}> a <{TW}Source> ; <http://purl.org/dc/terms/title> "Wikidata P190 crawl, September 2016"@en ; <https://schema.org/url> <https://github.com/L3viathan/sister-cities> .'
    for country in COUNTRIES:
        iri = resource_iri("country", country.lower())
        yield f'<{iri}> a <{TW}Country> ; <http://www.w3.org/2000/01/rdf-schema#label> "Country {country}"@en ; <{TW}wikidataEntity> <http://www.wikidata.org/entity/{country}> ; <http://purl.org/dc/terms/source> <{SOURCE}> .'
    for qid, name in names.items():
        iri = resource_iri("city", slugs[qid])
        country = resource_iri("country", _pick(qid.split("x")[0], COUNTRIES).lower())
        # A copy gets a made-up QID of its own (beyond today's range), as every place of World has one.
        base, _, copy = qid.partition("x")
        wikidata = base if not copy else f"Q{int(base[1:]) + int(copy) * 1_000_000_000}"
        scheme = "https://www.wikidata.org/wiki/" if planted() == "wikidata-page" else "http://www.wikidata.org/entity/"
        link = f" ; <{TW}wikidataEntity> <{scheme}{wikidata}>" if wikidata else ""
        yield f'<{iri}> a <{TW}Municipality> ; <http://www.w3.org/2000/01/rdf-schema#label> "{_esc(name)}"@en ; <{TW}country> <{country}>{link} ; <http://purl.org/dc/terms/source> <{SOURCE}> .'
    for a, b in pairs:
        iri = partnership_iri(slugs[a], slugs[b])
        year = 1950 + int(hashlib.sha256(f"{a}{b}".encode()).hexdigest(), 16) % 66
        ia, ib = resource_iri("city", slugs[a]), resource_iri("city", slugs[b])
        error = planted()
        kind = "" if error == "no-kind" else f"<{TW}kind> <{TW}TownTwinning> ; "
        start = "2999" if error == "future" else str(year + 1 if error == "bad-decade" and year % 10 == 0 else year)
        precision = "DecadePrecision" if error == "bad-decade" else "YearPrecision"
        theme = "TownTwinning" if error == "wrong-theme" else _pick(a + b, THEMES)
        third = f" , <{resource_iri('city', slugs[pairs[0][0]])}>" if error == "third-partner" else ""
        yield (
            f"<{iri}> a <{TW}Partnership> ; <{TW}partner> <{ia}> , <{ib}>{third} ; {kind}"
            f'<{TW}startDate> "{start}"^^<http://www.w3.org/2001/XMLSchema#gYear> ; <{TW}startPrecision> <{TW}{precision}> ; '
            f'<{TW}theme> <{TW}{theme}> ; <http://www.w3.org/2000/01/rdf-schema#label> "{_esc(names[a])} – {_esc(names[b])}"@en ; '
            f"<http://purl.org/dc/terms/source> <{SOURCE}> ."
        )
        if error != "no-shortcut":
            yield f"<{ia}> <{TW}twinnedWith> <{ib}> . <{ib}> <{TW}twinnedWith> <{ia}> ."


def write(path: Path, *, scale: int = 1, errors: float = 0.0, pairs: int | None = None) -> Path:
    """Write World×scale (optionally only its first `pairs` partnerships and their places) to a file."""
    names, all_pairs = scaled(scale)
    if pairs is not None:
        all_pairs = all_pairs[:pairs]
        used = {qid for pair in all_pairs for qid in pair}
        names = {qid: name for qid, name in names.items() if qid in used}
    with open(path, "w", encoding="utf-8") as out:
        for line in turtle(names, all_pairs, errors=errors):
            out.write(line + "\n")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--errors", type=float, default=0.0, help="share of planted errors, such as 0.01")
    parser.add_argument("--pairs", type=int, help="only the first N partnerships")
    args = parser.parse_args()
    write(args.out, scale=args.scale, errors=args.errors, pairs=args.pairs)
