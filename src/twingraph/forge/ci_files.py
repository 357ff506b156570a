"""The files `twingraph init` writes for the city's repository: its CI for GitHub and GitLab, and a README.

The CI installs the twingraph version that wrote it (`pip install twingraph==X.Y.Z`), so a
city's pipeline changes only when the city changes that line. The templates lie beside this
module; `@VERSION@`, `@NAME@`, `@TITLE@` and `@CITY@` are filled in (YAML's and GitHub's own
`${{ … }}` stay as they are).
"""

from __future__ import annotations

from pathlib import Path

from twingraph import __version__

TEMPLATES = Path(__file__).parent / "templates"
# Where each file goes in the repository, and the template it is made from.
CI_FILES = {
    ".github/workflows/twingraph.yml": "github-workflow.yml",
    ".gitlab-ci.yml": "gitlab-ci.yml",
    "README.md": "README.md",
    ".gitignore": "gitignore",
}


def repository_files(name: str, title: str, city: str) -> dict[str, str]:
    """The CI files and README for a project called `name` (its slug), `title`, for `city`."""
    values = {"@VERSION@": __version__, "@NAME@": name, "@TITLE@": title, "@CITY@": city}
    files = {}
    for target, template in CI_FILES.items():
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        files[target] = text
    return files
