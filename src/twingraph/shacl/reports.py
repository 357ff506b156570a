"""Validation reports as text for people, JSON for programs, Turtle for SHACL tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby

from twingraph.shacl.validate import Finding, ValidationReport


def render_report(report: ValidationReport, fmt: str) -> str:
    """The report as text (by resource), Turtle (the SHACL report graph) or JSON."""
    if fmt == "turtle":
        return str(report.report_graph.serialize(format="turtle"))
    if fmt == "json":
        return json.dumps(report_as_dict(report), indent=2, ensure_ascii=False) + "\n"
    return report_as_text(report)


def report_as_dict(report: ValidationReport) -> dict[str, object]:
    """The report as plain data."""
    return {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "results": [
            {
                "focusNode": f.focus,
                "focusLabel": f.focus_label,
                "severity": f.severity,
                "path": f.path,
                "value": f.value,
                "message": f.message,
                "constraintComponent": f.component,
                "sourceShape": f.source_shape,
            }
            for f in report.findings
        ],
    }


def report_as_text(report: ValidationReport) -> str:
    """Findings grouped by focus node, shown by its label, then a verdict line."""
    lines: list[str] = []
    for (label, focus), group in groupby(report.findings, key=lambda f: (f.focus_label, f.focus)):
        lines.append(f"{label}  <{focus}>")
        for finding in group:
            lines.append(f"  {finding.severity:<9} {_where(finding)}")
            lines.append(f"            {finding.message}")
        lines.append("")
    lines.append(verdict(report))
    return "\n".join(lines) + "\n"


def verdict(report: ValidationReport) -> str:
    """One line: conforms or not, with counts."""
    counts = f"{_findings(report.violations, 'violation')}, {_findings(report.warnings, 'warning')}"
    size = ""
    if report.data is not None:
        size = f" ({report.data.triple_count()} triples in {_plural(len(report.data.files), 'file')})"
    if report.conforms:
        return f"Conforms{size}: {counts}."
    return f"Does not conform{size}: {counts}."


def _findings(findings: Sequence[Finding], word: str) -> str:
    """'3 violations on 2 resources': each kind counted with the resources it concerns."""
    if not findings:
        return f"0 {word}s"
    return f"{_plural(len(findings), word)} on {_plural(len({f.focus for f in findings}), 'resource')}"


def _where(finding: Finding) -> str:
    path = finding.path or "(node)"
    return f"{path} = {finding.value}" if finding.value else path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
