"""The documentation as a site: `mkdocs build --strict` with links and anchors validated (mkdocs.yml), so
a dead link or a missing heading in docs/ fails the suite; and the README's own links, which mkdocs never
reads, checked against the files and the built pages. mkdocs is in the test extra, so the README's test
command (what CI runs) always runs these."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.cli  # mkdocs runs as its own process, as a person runs it

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DISCLAIMER = "**Illustrative only — not for clinical use.**"


def build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=project,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = build(ROOT, out)
    assert done.returncode == 0, done.stderr
    return out


def test_every_page_of_docs_is_built(site):
    for page in (ROOT / "docs").glob("*.md"):
        built = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert built.is_file(), page.name


def test_a_dead_link_or_a_missing_anchor_fails_the_strict_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project)
    with (project / "docs" / "sources.md").open("a") as page:
        page.write("\n[gone](no-such-page.md) and [a heading that is not there](profile.md#no-such-heading)\n")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "no-such-page.md" in done.stderr and "#no-such-heading" in done.stderr, done.stderr


def test_the_readme_links_resolve_to_files_and_built_headings(site):
    targets = LINK.findall((ROOT / "README.md").read_text())
    assert any(t.startswith("docs/") for t in targets)
    for target in targets:
        if re.match(r"[a-z]+:", target):
            continue  # a web address: not checked offline
        path, _, anchor = target.partition("#")
        assert (ROOT / path).exists(), target
        if path.startswith("docs/") and path.endswith(".md"):
            stem = Path(path).stem
            built = site / ("index.html" if stem == "index" else f"{stem}/index.html")
            assert built.is_file(), f"{target}: not a page of the site (mkdocs.yml's nav)"
            assert not anchor or f'id="{anchor}"' in built.read_text(), f"{target}: no such heading"


def test_the_readme_and_the_docs_index_open_with_the_disclaimer():
    for page in (ROOT / "README.md", ROOT / "docs" / "index.md"):
        assert DISCLAIMER in "\n".join(page.read_text().splitlines()[:4]), page.name
