"""The assessor bundle: a zip that works from disk, its printable page, size limits, formats."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from cmaltgen.cli import main
from cmaltgen.diagnostics import CmaltgenError
from cmaltgen.output.bundle import BundleResult, bundle, default_path
from tests.conftest import EXAMPLE, TODAY, NuChecker, PortfolioFactory
from tests.site_checks import broken_links, parse_page
from tests.test_privacy import ASSESS, PRIVATE, secret_files

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def _shown(result: BundleResult) -> list[str]:
    return [d.format(base=result.build.root) for d in result.diagnostics.sorted()]


@pytest.fixture(scope="module")
def example_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bundle")
    result = bundle(EXAMPLE, folder / "rowan-cmalt.zip", strict=True)
    assert result.written and _shown(result) == []
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(folder / "unzipped")
    return folder / "unzipped" / "rowan-cmalt"


def test_example_bundle_is_one_folder_that_works_from_disk(example_bundle: Path) -> None:
    assert [p.name for p in example_bundle.parent.iterdir()] == ["rowan-cmalt"]
    for rel in ("index.html", "portfolio.html", "evidence/index.html", "2a/index.html"):
        assert (example_bundle / rel).is_file(), rel
    assert broken_links(example_bundle) == []
    assert not (example_bundle / ".cmaltgen-site").exists()
    assert not (example_bundle / "feed.xml").exists()  # it has no public address
    pdfs = list((example_bundle / "files").rglob("*.pdf"))
    assert pdfs and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


def test_example_bundle_includes_the_assessors_item(example_bundle: Path) -> None:
    evidence = (example_bundle / "evidence" / "index.html").read_text(encoding="utf-8")
    assert "Email exchange with the module leader" in evidence and ">A1</span>" in evidence
    assert (example_bundle / "files/2a-teaching-learning-assessment/files").is_dir()
    home = (example_bundle / "index.html").read_text(encoding="utf-8")
    assert "Assessor edition" in home and 'href="portfolio.html"' in home


def test_single_page_has_every_section_in_order_and_numbered_evidence(
    example_bundle: Path,
) -> None:
    html = (example_bundle / "portfolio.html").read_text(encoding="utf-8")
    order = re.findall(r'<section class="single-section" id="section-([^"]+)"', html)
    assert order[0] == "contextual-statement" and order[-1] == "future-plans"
    assert order.index("1a") < order.index("2a") < order.index("4a") and len(order) == 11
    labels = re.findall(r'<span class="evidence-label">([EA]\d+)</span>', html)
    assert labels.count("A1") == 1 and len([x for x in labels if x[0] == "E"]) == 25
    assert '<a href="#ev-redesign-email-exchange" class="evidence-ref">' in html
    assert "@media print" in html and "break-before: page" in html
    assert parse_page(example_bundle / "portfolio.html").h1 == 1
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids must be unique on the single page"


def test_bundle_passes_the_nu_html_checker(example_bundle: Path, nu_checker: NuChecker) -> None:
    messages = nu_checker(example_bundle)
    assert messages == [], json.dumps(messages, indent=1)[:3000]


def test_public_example_does_not_show_the_assessors_item(example_site: Path) -> None:
    # example_site (tests/conftest.py) is built strictly with no diagnostics at all
    for path in example_site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"redesign-email-exchange" not in data and b"Email exchange" not in data
            assert b"module.leader@" not in data
    html = (example_site / "2a/index.html").read_text(encoding="utf-8")
    assert "(evidence available to assessors)" in html
    assert not (example_site / "portfolio.html").exists()


def test_bundle_never_holds_private_content(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio(secret_files())
    result = bundle(root, tmp_path / "out.zip", today=TODAY)
    assert result.written, _shown(result)
    with zipfile.ZipFile(result.path) as archive:
        members = {info.filename.lower(): archive.read(info).lower() for info in archive.infolist()}
    assert not [n for n, data in members.items() if PRIVATE in data or "zqprivate" in n]
    assert [n for n, data in members.items() if ASSESS in data]


def test_default_location_is_beside_the_portfolio(tmp_portfolio: PortfolioFactory) -> None:
    root = tmp_portfolio()
    assert default_path(root) == root.parent / "portfolio-assessor-bundle.zip"
    result = bundle(root, today=TODAY)
    assert result.written and result.path == default_path(root)
    if os.name != "nt":  # Windows has no Unix permission bits
        assert oct(result.path.stat().st_mode & 0o777) in ("0o600", "0o644")


def _big(tmp_portfolio: PortfolioFactory, megabytes: float) -> Path:
    return tmp_portfolio(
        {
            "1a/evidence.yml": "- {id: ev-1a, title: Recording, type: video, date: 2025-06-01, "
            "file: recording.mp4, shows: It, captions: true}\n",
            "1a/recording.mp4": os.urandom(int(megabytes * 1024 * 1024)),  # incompressible
        }
    )


@pytest.mark.slow("large")
def test_a_bundle_over_10_mb_warns_with_the_largest_files(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = _big(tmp_portfolio, 10.5)
    result = bundle(root, tmp_path / "big.zip", today=TODAY)
    assert result.written
    (shown,) = _shown(result)
    assert shown.startswith(
        ".: warning bundle-size: the assessor bundle is 10.5 MB, over the 10.0 MB ALT asks for; "
        "largest files: files/1a/recording.mp4 (10.5 MB), "
    ), shown
    strict = bundle(root, tmp_path / "strict.zip", today=TODAY, strict=True)
    assert not strict.written and not (tmp_path / "strict.zip").exists()


def test_a_bundle_over_25_mb_is_an_error_and_is_not_written(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = _big(tmp_portfolio, 0.5)
    result = bundle(root, tmp_path / "huge.zip", today=TODAY, warn_bytes=1000, max_bytes=200_000)
    assert not result.written and not (tmp_path / "huge.zip").exists()
    (shown,) = _shown(result)
    assert re.match(
        r"\.: error bundle-too-large: the assessor bundle is 5\d\d KB, over ALT's 195 KB "
        r"attachment limit; largest files: files/1a/recording\.mp4 \(512 KB\), ",
        shown,
    ), shown


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("1a/bundle.zip", "the bundle would be inside the portfolio's content (1a/)"),
        ("_site/bundle.zip", "the bundle would be inside the public site (_site/)"),
        ("bundle.txt", "the bundle must be a .zip file"),
        ("1a/reflection.zip", None),
    ],
)
def test_bundle_location_is_checked(
    tmp_portfolio: PortfolioFactory, where: str, message: str | None
) -> None:
    root = tmp_portfolio({"1a/reflection.zip": "not a zip"})
    with pytest.raises(CmaltgenError) as info:
        bundle(root, root / where, today=TODAY)
    (diag,) = info.value.diagnostics
    assert diag.code == "bundle-location"
    assert message is None or diag.message == message


def test_existing_non_zip_file_is_not_replaced(
    tmp_portfolio: PortfolioFactory, tmp_path: Path
) -> None:
    root = tmp_portfolio()
    precious = tmp_path / "thesis.zip"
    precious.write_bytes(b"precious, not a zip")
    with pytest.raises(CmaltgenError) as info:
        bundle(root, precious, today=TODAY)
    assert "error bundle-location: a file that is not a zip" in info.value.diagnostics[0].format()
    assert precious.read_bytes() == b"precious, not a zip"


def test_cli_bundle_and_assessor_edition(tmp_path: Path) -> None:
    zipped = tmp_path / "example.zip"
    done = CliRunner().invoke(main, ["bundle", str(EXAMPLE), "-o", str(zipped), "--strict"])
    assert done.exit_code == 0, done.stderr
    assert "Bundled 11 sections, 26 evidence items" in done.stdout and zipped.is_file()
    site = tmp_path / "assessor"
    command = ["build", str(EXAMPLE), "--edition", "assessor", "-o", str(site)]
    done = CliRunner().invoke(main, command)
    assert done.exit_code == 0, done.stderr
    assert "assessor edition" in done.stderr and (site / "portfolio.html").is_file()


def test_single_page_prints_cleanly_from_disk(example_bundle: Path, browser: Browser) -> None:
    """Printed: no navigation, a page per section, link addresses shown."""
    page = browser.new_page()
    page.goto((example_bundle / "portfolio.html").as_uri())
    page.emulate_media(media="print")
    hidden = page.eval_on_selector(".site-nav", "e => getComputedStyle(e).display")
    after = page.eval_on_selector(
        ".single .evidence-open a[href^='http']", "e => getComputedStyle(e, '::after').content"
    )
    breaks = page.eval_on_selector(".single-section", "e => getComputedStyle(e).breakBefore")
    pdf = page.pdf(format="A4")
    page.close()
    assert hidden == "none" and after.startswith('" <https://') and breaks == "page"
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 13, pages  # 11 sections, the evidence and the confirmation each start a page
