"""The import rules of docs/explanation/architecture.md: nothing imports upward."""

from __future__ import annotations

import ast

from tests.conftest import REPO

PACKAGE = REPO / "src" / "twingraph"
CORE = "core"
ALLOWED = {
    CORE: {CORE},
    "outputs": {CORE},
    "rdf": {CORE},
    "sparql": {CORE, "rdf"},
    "shacl": {CORE, "rdf", "sparql"},
    "publish": {CORE, "outputs", "rdf", "sparql", "shacl", "network"},
    "plots": {CORE, "rdf", "network"},
    "wikidata": {CORE, "outputs", "rdf", "sparql"},
    "web": {CORE, "rdf", "sparql", "shacl", "publish", "plots"},
    "server": {CORE, "rdf", "sparql", "shacl", "publish", "plots", "web"},
    "static_site": {CORE, "outputs", "rdf", "sparql", "shacl", "publish", "plots", "web"},
    "partner_lists": {CORE, "outputs", "rdf", "sparql", "shacl", "wikidata"},
    "network": {CORE, "rdf"},
    "forge": {CORE, "rdf", "shacl", "partner_lists"},
    "cli": {
        CORE,
        "outputs",
        "rdf",
        "sparql",
        "shacl",
        "publish",
        "plots",
        "wikidata",
        "web",
        "server",
        "static_site",
        "partner_lists",
        "network",
        "forge",
    },
    "api": {CORE, "rdf", "sparql", "shacl", "publish"},
}
# The one documented exception: rdflib's API over Oxigraph asks the guard for a query's form.
EXCEPTIONS = {("twingraph.rdf.merged_graph", "twingraph.sparql.guard")}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "api"
    return parts[1] if (PACKAGE / parts[1]).is_dir() else CORE


def imports() -> list[tuple[str, str]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("twingraph"):
                targets = (
                    [f"{node.module}.{a.name}" for a in node.names] if node.module == "twingraph" else [node.module]
                )
                found += [(module, target) for target in targets if target != "twingraph.__version__"]
            elif isinstance(node, ast.Import):
                found += [(module, a.name) for a in node.names if a.name.startswith("twingraph")]
    return found


def test_nothing_imports_upward() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in imports()
        if layer(target) != layer(module)
        and layer(target) not in ALLOWED[layer(module)]
        and (module, target) not in EXCEPTIONS
        and not module.endswith("__main__")
    ]
    assert wrong == []


def test_at_most_a_dozen_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_the_architecture_document_names_every_package() -> None:
    text = (REPO / "docs" / "explanation" / "architecture.md").read_text(encoding="utf-8")
    for package in sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        assert f"`{package}/`" in text, package
