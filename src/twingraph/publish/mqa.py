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

from twingraph.publish.catalog import DCAT, EU, IANA

if TYPE_CHECKING:
    import rdflib

MAXIMUM = 405
# File types the MQA counts as non-proprietary and as machine-readable (EU file-type codes).
NON_PROPRIETARY = frozenset({"RDF_TURTLE", "JSON_LD", "RDF_N_TRIPLES", "RDF_XML", "CSV", "JSON", "XML", "TSV"})
MACHINE_READABLE = frozenset({"RDF_TURTLE", "JSON_LD", "RDF_N_TRIPLES", "RDF_XML", "CSV", "JSON", "XML", "TSV"})
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
    from rdflib import RDF, URIRef
    from rdflib.namespace import DCTERMS

    def dcat(local: str) -> URIRef:
        return URIRef(DCAT + local)

    datasets = list(catalog.subjects(RDF.type, dcat("Dataset")))
    if len(datasets) != 1:
        raise ValueError(f"the catalogue should describe one dataset, not {len(datasets)}")
    dataset = datasets[0]
    distributions = list(catalog.objects(dataset, dcat("distribution")))

    def has(node: rdflib.term.Node, prop: URIRef) -> bool:
        return catalog.value(node, prop) is not None

    def every(prop: URIRef, test: Callable[[str], bool] = lambda value: True) -> bool:
        return bool(distributions) and all(any(test(str(v)) for v in catalog.objects(d, prop)) for d in distributions)

    def file_type_in(codes: frozenset[str]) -> Callable[[str], bool]:
        return lambda value: value.startswith(EU + "file-type/") and value.rsplit("/", 1)[1] in codes

    downloads = [str(u) for d in distributions for u in catalog.objects(d, dcat("downloadURL"))]
    reach, reach_why = _reachability(downloads, reachable)
    compliant, compliant_why = _compliance(dcat_ap_compliant)
    access_rights = [str(v) for v in catalog.objects(dataset, DCTERMS.accessRights)]
    indicators = (
        Indicator("Findability", "keyword", 30, has(dataset, dcat("keyword"))),
        Indicator("Findability", "theme", 30, has(dataset, dcat("theme"))),
        Indicator("Findability", "spatial", 20, has(dataset, DCTERMS.spatial)),
        Indicator("Findability", "temporal", 20, has(dataset, DCTERMS.temporal)),
        Indicator("Accessibility", "accessURL", 50, every(dcat("accessURL"))),
        Indicator("Accessibility", "downloadURL", 20, every(dcat("downloadURL"))),
        Indicator("Accessibility", "downloadURL reachable", 30, reach, reach_why),
        Indicator("Interoperability", "format", 20, every(DCTERMS.format)),
        Indicator("Interoperability", "mediaType", 10, every(dcat("mediaType"))),
        Indicator(
            "Interoperability",
            "format and mediaType from vocabularies",
            10,
            every(DCTERMS.format, lambda v: v.startswith(EU + "file-type/"))
            and every(dcat("mediaType"), lambda v: v.startswith(IANA)),
        ),
        Indicator("Interoperability", "non-proprietary", 20, every(DCTERMS.format, file_type_in(NON_PROPRIETARY))),
        Indicator("Interoperability", "machine-readable", 20, every(DCTERMS.format, file_type_in(MACHINE_READABLE))),
        Indicator("Interoperability", "DCAT-AP compliance", 30, compliant, compliant_why),
        Indicator("Reusability", "licence", 20, every(DCTERMS.license)),
        Indicator(
            "Reusability",
            "licence from vocabulary",
            10,
            every(DCTERMS.license, lambda v: v.startswith(LICENCE_VOCABULARIES)),
        ),
        Indicator("Reusability", "accessRights", 10, bool(access_rights)),
        Indicator(
            "Reusability",
            "accessRights from vocabulary",
            5,
            bool(access_rights) and all(v.startswith(EU + "access-right/") for v in access_rights),
        ),
        Indicator("Reusability", "contactPoint", 20, has(dataset, dcat("contactPoint"))),
        Indicator("Reusability", "publisher", 10, has(dataset, DCTERMS.publisher)),
        Indicator("Contextuality", "rights", 5, every(DCTERMS.rights)),
        Indicator("Contextuality", "byteSize", 5, every(dcat("byteSize"))),
        Indicator("Contextuality", "issued", 5, has(dataset, DCTERMS.issued) and every(DCTERMS.issued)),
        Indicator("Contextuality", "modified", 5, has(dataset, DCTERMS.modified) and every(DCTERMS.modified)),
    )
    assert sum(i.points for i in indicators) == MAXIMUM
    return Score(indicators)


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
