"""`twingraph site`: what it writes, that it works without rewrites, and that it is written as
safely and as incrementally as promised."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import PROCESS_DEADLINE, REPO, SITE_URL, run_cli

PROJECT = ["twingraph.toml", "data"]


def copy_project(root: Path, edit: tuple[str, str] | None = None) -> Path:
    root.mkdir(parents=True)
    for name in PROJECT:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)
    if edit:
        data = root / "data" / "kassel.ttl"
        text = data.read_text(encoding="utf-8")
        assert edit[0] in text
        data.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return root


def site(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "--root", str(root), "site", "--out", str(out), "--base-url", SITE_URL, "--server-folder", "/srv/site", *extra
    )


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_site_holds_every_resource_in_every_format_and_the_rest(kassel_site: Path) -> None:
    public = kassel_site / "public"
    for suffix in (".html", ".ttl", ".jsonld", ".rdf", ".nt", ".var", ".linkset.json"):
        assert (public / f"id/city/kassel{suffix}").is_file(), suffix
        assert (public / f"id/partnership/kassel--mulhouse{suffix}").is_file(), suffix
        assert (public / f"ontology{suffix}").is_file(), suffix
    for name in ("index.html", "queries.html", "queries/partners.html", "queries/per-decade.csv",
                 "queries/per-decade.json", "dist/index.html", "dist/kassel.ttl", "dist/catalog.ttl",
                 ".well-known/void", "sitemap.xml", "robots.txt", "404.html", ".nojekyll", ".htaccess",
                 "catalog.html", "catalog.ttl", "id/dataset/kassel.html", "id/catalog/kassel.ttl"):  # fmt: skip
        assert (public / name).is_file(), name
    assert len(list((public / "dist").glob("kassel-????????????.ttl"))) == 1
    for name in ("nginx/main.conf", "nginx/http.conf", "nginx/server.conf", "nginx/twingraph.js",
                 "w3id/.htaccess", "w3id/README.md"):  # fmt: skip
        assert (kassel_site / name).is_file(), name
        assert not (public / name).exists()  # the server's configuration is never served
    # The partners query takes a city: its page says it needs a server, and has no answer files.
    assert not (public / "queries/partners.csv").exists()
    assert "needs a server" in (public / "queries/partners.html").read_text(encoding="utf-8")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.found.append(value)


def test_every_link_of_every_page_is_relative_and_leads_to_a_file(kassel_site: Path) -> None:
    """So the site works under any path prefix and on hosts without rewrite rules (object storage)."""
    public = kassel_site / "public"
    checked = 0
    for page in public.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            if urlsplit(link).scheme in ("http", "https", "mailto"):
                continue
            if page.name == "404.html":  # shown at any depth, so its links start at the root
                assert link.startswith("/"), link
                continue
            assert not link.startswith("/"), (page, link)
            path = link.split("#")[0].split("?")[0]
            if not path:
                continue
            target = (page.parent / path).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (page.relative_to(public), link)
            checked += 1
    assert checked > 2000


def test_pages_signpost_and_the_dataset_page_describes_the_dataset_for_search_engines(kassel_site: Path) -> None:
    page = (kassel_site / "public/id/dataset/kassel.html").read_text(encoding="utf-8")
    assert '<link rel="cite-as" href="https://w3id.org/twingraph/id/dataset/kassel">' in page
    assert '<link rel="item" href="http://site.test/dist/kassel.ttl" type="text/turtle">' in page
    assert '<link rel="alternate" type="text/turtle" href="../../id/dataset/kassel.ttl"' in page
    schema = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert schema["@type"] == "Dataset"
    assert 50 <= len(schema["description"]) <= 5000
    assert schema["temporalCoverage"] == "1952/.."
    assert schema["license"].endswith("CC_BY_4_0")
    assert schema["creator"]["name"] == "twingraph"
    assert schema["spatialCoverage"]["name"] == "Kassel"
    downloads = {d["contentUrl"]: d["encodingFormat"] for d in schema["distribution"]}
    assert downloads[SITE_URL + "dist/kassel.ttl"] == "text/turtle"
    linkset = json.loads((kassel_site / "public/id/city/kassel.linkset.json").read_bytes())
    assert linkset["linkset"][0]["license"] == [
        {"href": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"}
    ]


def test_two_sites_of_the_same_data_are_byte_identical(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert site(root, tmp_path / "one").returncode == 0
    assert site(root, tmp_path / "two").returncode == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_rebuild_writes_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    assert site(root, out).returncode == 0
    before = inodes(out)
    # One partnership gains a start date.
    data = root / "data" / "kassel.ttl"
    text = data.read_text(encoding="utf-8")
    old = "    tw:partner city:kassel , city:mulhouse ;\n"
    data.write_text(
        text.replace(old, old + '    tw:startDate "1999"^^xsd:gYear ; tw:startPrecision tw:YearPrecision ;\n')
    )
    again = site(root, out)
    assert again.returncode == 0, again.stderr
    after = inodes(out)
    changed = sorted(name for name, inode in after.items() if before.get(name) != inode)
    allowed = ("public/id/partnership/kassel--mulhouse.", "public/id/city/kassel.", "public/id/city/mulhouse.",
               "public/dist/", "public/catalog.", "public/id/catalog/", "public/id/dataset/",
               "public/.well-known/void", "public/queries/", ".twingraph-manifest")  # fmt: skip
    assert [name for name in changed if not name.startswith(allowed)] == []
    assert "public/id/partnership/kassel--mulhouse.ttl" in changed
    assert len([name for name in changed if re.match(r"public/dist/kassel-[0-9a-f]{12}", name)]) == 6
    assert f"({len(changed)} new or changed," in again.stdout
    assert len(changed) < len(after) / 5


def test_resources_that_are_gone_are_removed(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    assert site(root, out).returncode == 0
    gone = "public/id/activity/kassel-earthquake-aid-1999"
    assert (out / f"{gone}.html").is_file()
    data = root / "data" / "kassel.ttl"
    text = data.read_text(encoding="utf-8")
    start = text.index("activity:kassel-earthquake-aid-1999 a tw:Activity ;")
    data.write_text(text[:start] + text[text.index("\n\n", start) + 2 :], encoding="utf-8")
    again = site(root, out)
    assert again.returncode == 0, again.stderr
    assert not list((out / "public/id/activity").glob("kassel-earthquake-aid-1999.*"))
    # The activity's page, four documents, linkset and type map; and the old data's six versioned dumps.
    assert " 13 removed)" in again.stdout
    listed = json.loads((out / ".twingraph-manifest").read_bytes())["files"]
    assert f"{gone}.html" not in listed


def test_data_that_does_not_conform_is_not_published_and_the_old_site_stays(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    assert site(root, out).returncode == 0
    before = tree(out)
    data = root / "data" / "kassel.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"1989"^^xsd:gYear', '"2989"^^xsd:gYear', 1))
    refused = site(root, out)
    assert refused.returncode == 1
    assert "does not conform" in refused.stderr
    assert tree(out) == before


def test_a_folder_of_someone_elses_files_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run_cli("site", "--out", str(out))
    assert refused.returncode == 2
    assert "twingraph did not write (notes.txt)" in refused.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_killed_run_leaves_the_old_site_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    out = tmp_path / "site"
    assert site(root, out).returncode == 0
    before = tree(out)
    data = root / "data" / "kassel.ttl"
    data.write_text(data.read_text(encoding="utf-8").replace('"1990"^^xsd:gYear', '"1991"^^xsd:gYear', 1))
    # SIGKILL once every file of the new site is written, just before it would be swapped in.
    code = (
        "import os, signal\n"
        "from twingraph.static_site import generate\n"
        "generate._sync = lambda folder: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from twingraph.cli import cli\n"
        f"cli(['--root', {str(root)!r}, 'site', '--out', {str(out)!r}, '--base-url', {SITE_URL!r},"
        " '--server-folder', '/srv/site'])\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=PROCESS_DEADLINE)
    assert killed.returncode == -signal.SIGKILL
    assert tree(out) == before
    assert any(p.name.startswith(".site.build-") for p in tmp_path.iterdir())
    assert site(root, out).returncode == 0
    assert not any(p.name.startswith(".site.") for p in tmp_path.iterdir())
    assert tree(out) != before


def test_a_city_with_its_own_base_iri_gets_no_w3id_rules_and_cites_its_own_iris(tmp_path: Path) -> None:
    own = "https://data.example.org/twinnings/"
    root = copy_project(tmp_path / "project")
    data = root / "data" / "kassel.ttl"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("https://w3id.org/twingraph/id/", own + "id/"), encoding="utf-8")
    settings = root / "twingraph.toml"
    text = settings.read_text(encoding="utf-8").replace(
        'base_iri = "https://w3id.org/twingraph/"', f'base_iri = "{own}"'
    )
    settings.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    built = site(root, out)
    assert built.returncode == 0, built.stderr
    assert not (out / "w3id").exists()
    linkset = json.loads((out / "public/id/city/kassel.linkset.json").read_bytes())
    assert linkset["linkset"][0]["cite-as"] == [{"href": own + "id/city/kassel"}]
    assert f"<{own}%{{TW_RESOURCE}}e>" in (out / "public/.htaccess").read_text(encoding="utf-8")


def test_an_iri_whose_path_cannot_be_a_file_name_is_reported_not_written(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    extra = root / "data" / "odd.ttl"
    extra.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/twingraph/id/note/a.b> rdfs:comment "a note"@en .\n',
        encoding="utf-8",
    )
    out = tmp_path / "site"
    built = site(root, out)
    assert built.returncode == 0, built.stderr
    assert "<https://w3id.org/twingraph/id/note/a.b> has no page" in built.stderr
    assert not (out / "public/id/note").exists()


def test_the_site_command_says_what_it_did(tmp_path: Path) -> None:
    out = tmp_path / "site"
    built = run_cli("site", "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(f"Wrote {out}: 102 resources, ")
    assert "… loading and validating" in built.stderr
    # The nginx files name where they were written (--server-folder tells them otherwise).
    assert f'js_path "{out.absolute()}/nginx";' in (out / "nginx/http.conf").read_text(encoding="utf-8")
    assert os.access(out / "public/twingraph/index.html", os.R_OK)  # served at the base IRI's path, /twingraph/
