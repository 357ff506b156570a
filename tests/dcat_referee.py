"""The official DCAT-AP shapes from vendor/dcat-ap/, combined as the EU and GovData validators do."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyshacl
from rdflib import Graph, URIRef

from tests.conftest import VENDOR

DCAT_AP = VENDOR / "dcat-ap"
SH = "http://www.w3.org/ns/shacl#"

# Without imports.ttl and mdr_imports.ttl: they only owl:import the vocabularies from the web.
# Without shacl/ranges.ttl, which pyshacl cannot load (see vendor/dcat-ap/README.md).
PROFILES: dict[str, list[str]] = {
    "dcat-ap 3.0.1 shapes": ["dcat-ap-3.0.1/html-shacl/shapes.ttl"],
    "dcat-ap 3.0.1 range": ["dcat-ap-3.0.1/html-shacl/range.ttl"],
    "dcat-ap 3.0.1 recommended": ["dcat-ap-3.0.1/html-shacl/shapes_recommended.ttl"],
    "dcat-ap 3.0.1 code lists": ["dcat-ap-3.0.1/html-shacl/mdr-vocabularies.shape.ttl"],
    "dcat-ap 3.0.1 deprecated": ["dcat-ap-3.0.1/html-shacl/deprecateduris.ttl"],
    "dcat-ap 3.0.1 single file": ["dcat-ap-3.0.1/shacl/dcat-ap-SHACL.ttl"],
}
DE_PROFILE = [
    "dcat-ap-3.0.0/shacl/dcat-ap-SHACL.ttl",
    "dcat-ap-de-3.0/dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de-3.0/dcat-ap-de-controlledvocabularies.ttl",
    "dcat-ap-de-3.0/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de-3.0/dcat-ap-spec-german-additions.ttl",
]


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    path: str
    message: str


def validate(data: Graph, files: list[str]) -> list[Finding]:
    """The top-level results of validating `data` with these shape files."""
    shapes = Graph()
    for name in files:
        shapes.parse(DCAT_AP / name, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
    findings = []
    for result in report.objects(None, URIRef(SH + "result")):
        severity, focus, path, message = (
            str(report.value(result, URIRef(SH + p)) or "")
            for p in ("resultSeverity", "focusNode", "resultPath", "resultMessage")
        )
        findings.append(Finding(severity.split("#")[-1], focus, path, message))
    return findings


def severities(findings: list[Finding]) -> Counter[str]:
    return Counter(f.severity for f in findings)
