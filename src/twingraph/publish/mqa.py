"""An offline self-score of a DCAT catalogue against data.europa.eu's Metadata Quality Assessment.

The indicators and points are the MQA's published table (405 points at most). A
distribution indicator is earned when every distribution meets it. Two indicators need
what this module cannot see by itself: whether the download URLs answer (pass a
`reachable` check) and whether the catalogue passes the official DCAT-AP shapes (pass
`dcat_ap_compliant`); without them they are reported as not earned, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twingraph.formats import UNREGISTERED_MEDIA_TYPES
from twingraph.publish.catalog import DCAT, EU, IANA

if TYPE_CHECKING:
    import rdflib

MAXIMUM = 405
# File types the MQA counts as non-proprietary and as machine-readable (EU file-type codes).
NON_PROPRIETARY = frozenset(
    {"RDF_TURTLE", "JSON_LD", "RDF_N_TRIPLES", "RDF_XML", "CSV", "JSON", "XML", "TSV", "GEOJSON"}
)
MACHINE_READABLE = NON_PROPRIETARY
LICENCE_VOCABULARIES = (EU + "licence/", "http://dcat-ap.de/def/licenses/")


@dataclass(frozen=True)
class Indicator:
    """One MQA indicator: its dimension, points, and whether the catalogue earns them."""

    dimension: str
    name: str
    points: int
    earned: bool
    why: str = ""


@dataclass(frozen=True)
class Score:
    """The self-score: every indicator, and the total."""

    indicators: tuple[Indicator, ...]

    @property
    def total(self) -> int:
        return sum(i.points for i in self.indicators if i.earned)

    @property
    def missed(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if not i.earned)


def score(
    catalog: rdflib.Graph,
    *,
    reachable: Callable[[str], bool] | None = None,
    dcat_ap_compliant: bool | None = None,
) -> Score:
    """Score a catalogue with one dataset."""
    checks = _Checks(catalog)
    downloads = [str(u) for d in checks.distributions for u in catalog.objects(d, _dcat("downloadURL"))]
    indicators = (
        *_findability(checks),
        *_accessibility(checks, _reachability(downloads, reachable)),
        *_interoperability(checks, _compliance(dcat_ap_compliant)),
        *_reusability(checks),
        *_contextuality(checks),
    )
    assert sum(i.points for i in indicators) == MAXIMUM
    return Score(indicators)


def _dcat(local: str) -> rdflib.URIRef:
    from rdflib import URIRef

    return URIRef(DCAT + local)


class _Checks:
    """What the indicators ask of a catalogue: its one dataset has a property; every distribution does."""

    def __init__(self, catalog: rdflib.Graph) -> None:
        from rdflib import RDF

        datasets = list(catalog.subjects(RDF.type, _dcat("Dataset")))
        if len(datasets) != 1:
            raise ValueError(f"the catalogue should describe one dataset, not {len(datasets)}")
        self.catalog, self.dataset = catalog, datasets[0]
        self.distributions = list(catalog.objects(self.dataset, _dcat("distribution")))

    def has(self, prop: rdflib.URIRef) -> bool:
        return self.catalog.value(self.dataset, prop) is not None

    def values(self, prop: rdflib.URIRef) -> list[str]:
        return [str(v) for v in self.catalog.objects(self.dataset, prop)]

    def every(self, prop: rdflib.URIRef, test: Callable[[str], bool] = lambda value: True) -> bool:
        return bool(self.distributions) and all(
            any(test(str(v)) for v in self.catalog.objects(d, prop)) for d in self.distributions
        )


def _file_type_in(codes: frozenset[str]) -> Callable[[str], bool]:
    return lambda value: value.startswith(EU + "file-type/") and value.rsplit("/", 1)[1] in codes


def _findability(c: _Checks) -> tuple[Indicator, ...]:
    from rdflib.namespace import DCTERMS

    return (
        Indicator("Findability", "keyword", 30, c.has(_dcat("keyword"))),
        Indicator("Findability", "theme", 30, c.has(_dcat("theme"))),
        Indicator("Findability", "spatial", 20, c.has(DCTERMS.spatial)),
        Indicator("Findability", "temporal", 20, c.has(DCTERMS.temporal)),
    )


def _accessibility(c: _Checks, reach: tuple[bool, str]) -> tuple[Indicator, ...]:
    return (
        Indicator("Accessibility", "accessURL", 50, c.every(_dcat("accessURL"))),
        Indicator("Accessibility", "downloadURL", 20, c.every(_dcat("downloadURL"))),
        Indicator("Accessibility", "downloadURL reachable", 30, *reach),
    )


def _interoperability(c: _Checks, compliance: tuple[bool, str]) -> tuple[Indicator, ...]:
    from rdflib.namespace import DCTERMS

    from_vocabularies = c.every(DCTERMS.format, lambda v: v.startswith(EU + "file-type/")) and c.every(
        _dcat("mediaType"), lambda v: v.startswith(IANA) and v[len(IANA) :] not in UNREGISTERED_MEDIA_TYPES
    )  # GraphML's and GEXF's media types are in common use but not registered with IANA
    return (
        Indicator("Interoperability", "format", 20, c.every(DCTERMS.format)),
        Indicator("Interoperability", "mediaType", 10, c.every(_dcat("mediaType"))),
        Indicator(
            "Interoperability",
            "format and mediaType from vocabularies",
            10,
            from_vocabularies,
            ""
            if from_vocabularies
            else "a format or media type is not from the EU or IANA vocabularies "
            "(GraphML's and GEXF's media types are in common use but not registered with IANA)",
        ),
        Indicator("Interoperability", "non-proprietary", 20, c.every(DCTERMS.format, _file_type_in(NON_PROPRIETARY))),
        Indicator("Interoperability", "machine-readable", 20, c.every(DCTERMS.format, _file_type_in(MACHINE_READABLE))),
        Indicator("Interoperability", "DCAT-AP compliance", 30, *compliance),
    )


def _reusability(c: _Checks) -> tuple[Indicator, ...]:
    from rdflib.namespace import DCTERMS

    rights = c.values(DCTERMS.accessRights)
    licence_known = c.every(DCTERMS.license, lambda v: v.startswith(LICENCE_VOCABULARIES))
    return (
        Indicator("Reusability", "licence", 20, c.every(DCTERMS.license)),
        Indicator("Reusability", "licence from vocabulary", 10, licence_known),
        Indicator("Reusability", "accessRights", 10, bool(rights)),
        Indicator(
            "Reusability",
            "accessRights from vocabulary",
            5,
            bool(rights) and all(v.startswith(EU + "access-right/") for v in rights),
        ),
        Indicator("Reusability", "contactPoint", 20, c.has(_dcat("contactPoint"))),
        Indicator("Reusability", "publisher", 10, c.has(DCTERMS.publisher)),
    )


def _contextuality(c: _Checks) -> tuple[Indicator, ...]:
    from rdflib.namespace import DCTERMS

    return (
        Indicator("Contextuality", "rights", 5, c.every(DCTERMS.rights)),
        Indicator("Contextuality", "byteSize", 5, c.every(_dcat("byteSize"))),
        Indicator("Contextuality", "issued", 5, c.has(DCTERMS.issued) and c.every(DCTERMS.issued)),
        Indicator("Contextuality", "modified", 5, c.has(DCTERMS.modified) and c.every(DCTERMS.modified)),
    )


def _reachability(downloads: list[str], reachable: Callable[[str], bool] | None) -> tuple[bool, str]:
    """Whether every download URL answers, and why not."""
    if reachable is None:
        return False, "cannot be checked offline: it needs the files served at their download URLs"
    failing = [url for url in downloads if not reachable(url)]
    return bool(downloads) and not failing, f"not reachable: {', '.join(failing)}" if failing else ""


def _compliance(dcat_ap_compliant: bool | None) -> tuple[bool, str]:
    """Whether the official DCAT-AP shapes find no violation (the tests check), and why not."""
    if dcat_ap_compliant is None:
        return False, "not checked here: the test suite validates with the official DCAT-AP shapes"
    return dcat_ap_compliant, "" if dcat_ap_compliant else "the official shapes report violations"


def describe(result: Score) -> list[str]:
    """The score as lines for people: the total, then each point not earned and why."""
    lines = [f"MQA self-score: {result.total}/{MAXIMUM}"]
    lines += [f"  not earned: {i.name} ({i.points}): {i.why or 'missing'}" for i in result.missed]
    return lines
