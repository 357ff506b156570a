"""Validation findings where reviewers look: on the pull request's lines, and in the job's summary.

- `github`: GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), which
  GitHub shows on the changed lines of a pull request, as ruff's `--output-format github` does;
- `gitlab`: GitLab's code-quality report (a JSON array), which GitLab shows in the merge
  request when a job names it under `artifacts: reports: codequality`;
- `markdown`: a summary for GitHub's job summary (`$GITHUB_STEP_SUMMARY`) or a comment.

Each finding points at its file and line (`locations.py`): a row of a city's list, or the line
of a data file that states the resource. Paths are relative to the current folder, which in a
forge's job is the repository's root.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from twingraph.errors import display_path
from twingraph.forge.locations import Location
from twingraph.shacl.reports import verdict
from twingraph.shacl.validate import Finding, ValidationReport

_GITHUB_LEVEL = {"Violation": "error", "Warning": "warning", "Info": "notice"}
# GitLab's code-quality severities: info, minor, major, critical, blocker.
_GITLAB_SEVERITY = {"Violation": "major", "Warning": "minor", "Info": "info"}


def render_annotations(report: ValidationReport, fmt: str, locations: Sequence[Location | None]) -> str:
    """The report as `github` workflow commands, a `gitlab` code-quality report or a `markdown` summary."""
    if fmt == "github":
        return github_commands(report, locations)
    if fmt == "gitlab":
        return gitlab_code_quality(report, locations)
    if fmt == "markdown":
        return markdown_summary(report, locations)
    raise ValueError(f"not an annotation format: {fmt}")


def github_commands(report: ValidationReport, locations: Sequence[Location | None]) -> str:
    """One workflow command per finding; GitHub turns each into an annotation on its line."""
    lines = []
    for finding, where in zip(report.findings, locations, strict=True):
        properties = []
        if where is not None:
            properties.append(f"file={_github_property(display_path(where.path))}")
            if where.line is not None:
                properties.append(f"line={where.line}")
        properties.append(f"title={_github_property(_title(finding))}")
        level = _GITHUB_LEVEL.get(finding.severity, "error")
        lines.append(f"::{level} {','.join(properties)}::{_github_data(_message(finding))}")
    return "".join(line + "\n" for line in lines)


def gitlab_code_quality(report: ValidationReport, locations: Sequence[Location | None]) -> str:
    """GitLab's code-quality report: every finding with a location (GitLab requires one)."""
    fallback = next((loc.path for loc in locations if loc is not None), Path("twingraph.toml"))
    issues = []
    for finding, located in zip(report.findings, locations, strict=True):
        where = located or Location(fallback, None)
        issues.append(
            {
                "description": f"{_title(finding)}: {_message(finding)}",
                "check_name": _local_name(finding.component),
                "fingerprint": _fingerprint(finding),
                "severity": _GITLAB_SEVERITY.get(finding.severity, "major"),
                "location": {"path": display_path(where.path), "lines": {"begin": where.line or 1}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def markdown_summary(report: ValidationReport, locations: Sequence[Location | None]) -> str:
    """The verdict, and a table of the findings with where each is."""
    lines = [
        f"### twingraph validate: {'conforms' if report.conforms else 'does not conform'}",
        "",
        verdict(report),
        "",
    ]
    if report.findings:
        lines += ["| severity | resource | property = value | message | where |", "|---|---|---|---|---|"]
        for finding, where in zip(report.findings, locations, strict=True):
            place = ""
            if where is not None:
                place = f"`{display_path(where.path)}`" + (f" line {where.line}" if where.line is not None else "")
            value = f"{finding.path or '(node)'}" + (f" = {finding.value}" if finding.value else "")
            cells = [finding.severity, f"{finding.focus_label} <{finding.focus}>", value, finding.message, place]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _title(finding: Finding) -> str:
    return f"{finding.focus_label}: {finding.path}" if finding.path else finding.focus_label


def _message(finding: Finding) -> str:
    value = f" (value: {finding.value})" if finding.value else ""
    return f"{finding.message}{value} [{finding.focus}]"


def _fingerprint(finding: Finding) -> str:
    """The same finding gets the same fingerprint in every run, so GitLab can tell new from old."""
    parts = (finding.focus, finding.path or "", finding.value or "", finding.component, finding.source_shape or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _github_data(text: str) -> str:
    # The escapes GitHub's workflow-command parser undoes (toolkit's escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    # Property values also end at ':' and ',' (toolkit's escapeProperty).
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
