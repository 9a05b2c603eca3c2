"""The package as users get it, and every GitHub Actions workflow the project ships or writes.

The distributions are built from this checkout with ``python -m build`` (the sdist first, then
the wheel from the sdist, as a release does), so a file left out of either fails here. The
slow test installs the wheel into a fresh virtual environment outside the repository from a
package index made only of that wheel and its dependencies, and runs the generated workflow's
own install and build steps there.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import cmaltgen
from cmaltgen.new import SOURCE, create
from tests.conftest import TODAY

pytestmark = pytest.mark.slow("package")  # python -m build, pip and venv: seconds each

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PYPROJECT = (REPO / "pyproject.toml").read_text(encoding="utf-8")
VERSION = cmaltgen.__version__
# The current major versions of the official actions (checked against their releases).
ACTIONS = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    "pypa/gh-action-pypi-publish": "release/v1",
}


def _run(args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", **kw)
    assert proc.returncode == 0, f"{shlex.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel ``python -m build`` makes from this checkout."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)])
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("cmaltgen-*.whl")
    return found


@pytest.fixture(scope="session")
def sdist(dist: Path) -> Path:
    (found,) = dist.glob("cmaltgen-*.tar.gz")
    return found


@pytest.fixture(scope="session")
def index(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A folder package index: the fresh wheel and wheels of everything it depends on."""
    folder = tmp_path_factory.mktemp("index")
    shutil.copy2(wheel, folder)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", str(folder), str(wheel)])
    return folder


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    created = create(tmp_path / "portfolio", "cmalt", today=TODAY)
    return created.root / ".github" / "workflows" / "pages.yml"


def _steps(workflow: Path) -> Iterator[dict[str, Any]]:
    for job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values():
        yield from job["steps"]


def _step(workflow: Path, name: str) -> str:
    (run,) = [s["run"] for s in _steps(workflow) if s.get("name") == name]
    assert isinstance(run, str)
    return run


# ------------------------------------------------------------------------------ the package


def test_the_wheel_holds_every_file_of_the_package_and_the_themes(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "cmaltgen").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    } | {
        "cmaltgen/" + p.relative_to(REPO).as_posix()
        for p in (REPO / "themes").rglob("*")
        if p.is_file()
    }
    assert "cmaltgen/read/frameworks/2019.yml" in wanted and "cmaltgen/scaffold/pages.yml" in wanted
    assert "cmaltgen/themes/default/theme.yml" in wanted
    assert sorted(wanted - names) == []
    assert f"cmaltgen-{VERSION}.dist-info/licenses/LICENSE" in names
    assert not [n for n in names if n.endswith(".pyc") or "/_site/" in n]


def test_the_wheel_metadata_is_complete(wheel: Path) -> None:
    text = zipfile.ZipFile(wheel).read(f"cmaltgen-{VERSION}.dist-info/METADATA").decode()
    head, _, body = text.partition("\n\n")
    fields = [tuple(line.split(": ", 1)) for line in head.splitlines() if ": " in line]
    found: dict[str, list[str]] = {}
    for key, value in fields:
        found.setdefault(key, []).append(value)
    assert found["Version"] == [VERSION]
    assert found["License-Expression"] == ["MIT"] and found["License-File"] == ["LICENSE"]
    assert found["Requires-Python"] == [">=3.10"]
    urls = dict(u.split(", ", 1) for u in found["Project-URL"])
    assert set(urls) >= {"Homepage", "Source", "Issues", "Changelog", "Documentation"}
    assert urls["Source"] == SOURCE  # the git fallback the generated workflow names
    classifiers = found["Classifier"]
    supported = [c for c in classifiers if re.fullmatch(r".*Python :: 3\.\d+", c)]
    assert supported == [f"Programming Language :: Python :: 3.{n}" for n in range(10, 15)]
    assert found["Description-Content-Type"] == ["text/markdown"]
    assert body.startswith("# cmaltgen")


def test_the_ci_matrix_covers_every_supported_python() -> None:
    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]
    assert matrix["python"] == [f"3.{n}" for n in range(10, 15)]
    assert set(matrix["os"]) == {"ubuntu-latest", "macos-latest", "windows-latest"}


def test_the_sdist_holds_what_the_tests_and_docs_need(sdist: Path) -> None:
    top = f"cmaltgen-{VERSION}/"
    with tarfile.open(sdist) as archive:
        names = {n.removeprefix(top) for n in archive.getnames()}
    for wanted in (
        "pyproject.toml",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "package.json",
        "package-lock.json",
        "schemas/portfolio.schema.json",
        "cmaltgen/scaffold/pages.yml",
        "themes/default/theme.yml",
        "tests/conftest.py",
        "docs/publishing.md",
        "example_portfolio/portfolio.yml",
    ):
        assert wanted in names
    assert not [n for n in names if n.startswith((".venv", "node_modules")) or "/_site/" in n]


def test_twine_check_passes(dist: Path) -> None:
    files = [str(p) for p in sorted(dist.iterdir())]
    assert len(files) == 2
    out = _run([sys.executable, "-m", "twine", "check", "--strict", *files]).stdout
    assert out.count("PASSED") == 2


def test_the_version_has_one_source() -> None:
    assert 'dynamic = ["version"]' in PYPROJECT and "\nversion =" not in PYPROJECT
    assert '[tool.hatch.version]\npath = "cmaltgen/__init__.py"' in PYPROJECT
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    written = [
        p.relative_to(REPO).as_posix()
        for p in (REPO / "cmaltgen").rglob("*.py")
        if VERSION in p.read_text(encoding="utf-8")
    ]
    assert written == ["cmaltgen/__init__.py"]
    # Released: a section of its own. Not yet: the Unreleased section says it becomes VERSION.
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d\d-\d\d$", changelog, re.M)
    upcoming = re.search(r"^## \[Unreleased\]\n\n(.+?)\n\n", changelog, re.M | re.S)
    assert released or (upcoming and f"released as {VERSION}" in upcoming[1].replace("\n", " "))


# ------------------------------------------------------------------------------ workflows


def _schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_each_shipped_workflow_is_valid(workflow: Path) -> None:
    proc = _schema_check(workflow)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_project_ships_ci_and_release_workflows() -> None:
    assert {"ci.yml", "release.yml"} <= {p.name for p in WORKFLOWS}


def test_the_generated_workflow_is_valid(generated: Path) -> None:
    proc = _schema_check(generated)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_catches_a_broken_workflow(generated: Path) -> None:
    text = generated.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs-on: 5")
    broken = generated.with_name("broken.yml")
    broken.write_text(text.replace("  push:\n", "  pushed:\n"), encoding="utf-8")
    proc = _schema_check(broken)
    assert proc.returncode == 1 and "broken.yml" in proc.stdout + proc.stderr


@pytest.mark.parametrize("workflow", [*WORKFLOWS, None], ids=lambda p: p.name if p else "pages")
def test_workflows_use_the_current_major_versions(workflow: Path | None, generated: Path) -> None:
    uses = [s["uses"] for s in _steps(workflow or generated) if "uses" in s]
    assert uses
    for use in uses:
        action, _, ref = use.partition("@")
        assert ACTIONS.get(action) == ref, f"{use}: expected {action}@{ACTIONS.get(action)}"


def test_the_release_publishes_with_trusted_publishing_and_no_secrets() -> None:
    text = (REPO / ".github/workflows/release.yml").read_text(encoding="utf-8")
    release = yaml.safe_load(text)
    assert release[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as True
    pypi = release["jobs"]["pypi"]
    assert pypi["environment"]["name"] == "pypi"
    assert pypi["permissions"] == {"id-token": "write"}
    assert pypi["steps"][-1] == {"uses": "pypa/gh-action-pypi-publish@release/v1"}
    assert "secrets." not in text and "password" not in text
    assert release["jobs"]["github-release"]["needs"] == "pypi"


def _install_commands(workflow: Path) -> list[list[str]]:
    """The install step: PyPI first, then (``||``) the same version from its git tag."""
    run = _step(workflow, "Install cmaltgen")
    return [shlex.split(alternative) for alternative in run.split("||")]


def test_the_generated_workflow_installs_exactly_this_version(generated: Path) -> None:
    from packaging.requirements import Requirement

    pypi, git = _install_commands(generated)
    assert pypi[:4] == git[:4] == ["python", "-m", "pip", "install"]
    assert len(pypi) == len(git) == 5
    assert str(Requirement(pypi[4]).specifier) == f"=={VERSION}"
    assert Requirement(git[4]).url == f"git+{SOURCE}@v{VERSION}"
    text = generated.read_text(encoding="utf-8")
    assert f"Written by cmaltgen {VERSION}" in text and "To upgrade" in text


# ------------------------------------------------------------------------------ end to end


def _venv_program(venv: Path, name: str) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / f"{name}.exe"
    return venv / "bin" / name


def test_generated_workflow_steps_install_from_a_local_index_and_build(
    tmp_path: Path, index: Path, generated: Path
) -> None:
    """The wheel installs outside the repository, ``new`` works from it, and the workflow's
    own install and build steps succeed on the new portfolio and on the example."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = _venv_program(venv, "python")
    # Only the index folder: no configured index, no other find-links, no repository.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    work = tmp_path / "work"
    work.mkdir()

    install = _install_commands(generated)[0]  # PyPI's, here the index of the fresh wheel
    assert install[0] == "python"
    local = [str(python), *install[1:], "--no-index", "--find-links", str(index)]
    installed = _run(local, cwd=work, env=env).stdout
    assert f"{index}{os.sep}cmaltgen-{VERSION}-py3-none-any.whl" in installed
    where = _run(
        [str(python), "-c", "import cmaltgen; print(cmaltgen.__file__)"], cwd=work, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(venv)

    program = str(_venv_program(venv, "cmaltgen"))
    assert _run([program, "--version"], cwd=work, env=env).stdout.strip().endswith(VERSION)
    _run([program, "new", "mine", "--pathway", "senior"], cwd=work, env=env)
    mine = work / "mine"
    assert (mine / ".github/workflows/pages.yml").read_text(encoding="utf-8") == (
        generated.read_text(encoding="utf-8")
    )

    build = shlex.split(_step(generated, "Check and build the portfolio"))
    assert build[0] == "cmaltgen"
    done = _run([program, *build[1:]], cwd=mine, env=env)
    assert "draft" in done.stdout + done.stderr  # unwritten sections are listed, not published
    assert (mine / "_site" / "index.html").is_file()

    example = work / "example"
    shutil.copytree(REPO / "example_portfolio", example, ignore=shutil.ignore_patterns("_site"))
    _run([program, *build[1:], "--strict"], cwd=example, env=env)
    site = example / "_site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "index.html" in pages and "1a/index.html" in pages and len(pages) == 16

    for kind in ("portfolio", "evidence", "front-matter"):
        shown = _run([program, "schema", kind], cwd=work, env=env).stdout
        stored = (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        assert json.loads(shown) == json.loads(stored)


# ------------------------------------------------------------------------------ release steps


def _release(
    tmp_path: Path, step: str, tag: str, changelog: str
) -> subprocess.CompletedProcess[str]:
    """Run a step of release.yml as GitHub does (bash -e) in a tiny checkout."""
    (tmp_path / "cmaltgen").mkdir(exist_ok=True)
    (tmp_path / "cmaltgen" / "__init__.py").write_text('__version__ = "1.2.3"\n', "utf-8")
    (tmp_path / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    env = {**os.environ, "GITHUB_REF_NAME": tag, "GH_TOKEN": "unused"}
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env['PATH']}"
    script = _step(REPO / ".github/workflows/release.yml", step)
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )


CHANGELOG = """# Changelog

## [Unreleased]

## [1.2.3] - 2026-12-01

### Added
- The thing.

## [1.2.2] - 2026-11-01

### Fixed
- The other thing.
"""
CHECK = "The tag names the version in cmaltgen/__init__.py and CHANGELOG.md"


@pytest.mark.skipif(shutil.which("bash") is None, reason="release steps run in bash")
def test_the_release_refuses_a_tag_that_is_not_the_version(tmp_path: Path) -> None:
    assert _release(tmp_path, CHECK, "v1.2.3", CHANGELOG).returncode == 0
    wrong = _release(tmp_path, CHECK, "v1.2.4", CHANGELOG)
    assert wrong.returncode == 1
    assert "::error::tag v1.2.4 does not match cmaltgen/__init__.py (1.2.3)" in wrong.stdout
    undated = CHANGELOG.replace("## [1.2.3] - 2026-12-01", "## [1.2.3] - unreleased")
    missing = _release(tmp_path, CHECK, "v1.2.3", undated)
    assert missing.returncode == 1
    assert "CHANGELOG.md has no section '## [1.2.3] - YYYY-MM-DD'" in missing.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="release steps run in bash")
def test_the_github_release_notes_are_the_versions_changelog_section(tmp_path: Path) -> None:
    # gh talks to GitHub, which the tests cannot reach: a stand-in records what it was given.
    (tmp_path / "bin").mkdir()
    gh = tmp_path / "bin" / "gh"
    gh.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@" > gh-args.txt\n', "utf-8")
    gh.chmod(0o755)
    step = "Create the release with this version's CHANGELOG section"
    done = _release(tmp_path, step, "v1.2.3", CHANGELOG)
    assert done.returncode == 0, done.stderr
    notes = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert notes.strip() == "### Added\n- The thing."
    args = (tmp_path / "gh-args.txt").read_text(encoding="utf-8").splitlines()
    assert args[:3] == ["release", "create", "v1.2.3"]
    assert args[args.index("--title") + 1] == "cmaltgen 1.2.3"
    assert args[args.index("--notes-file") + 1] == "notes.md"
