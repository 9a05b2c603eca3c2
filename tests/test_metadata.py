"""Linking from a blog: canonical URLs, Open Graph, JSON-LD, Atom feed and sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import PortfolioFactory, run_build

BASE = "https://example.github.io/cmalt-portfolio/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(example_site: Path) -> Path:
    """The example's public site, built once for the whole run (tests/conftest.py)."""
    return example_site


def meta(html: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert found, key
    return found.group(1)


def test_section_pages_have_canonical_and_share_metadata(site: Path) -> None:
    html = (site / "1a" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}1a/">' in html
    assert meta(html, "og:url") == f"{BASE}1a/" and meta(html, "og:type") == "article"
    assert meta(html, "og:title").endswith("| Rowan Ellery: CMALT portfolio")
    assert meta(html, "og:description").startswith("I appraised three ways of adding questions")
    assert meta(html, "description") == meta(html, "og:description")  # the section's summary
    assert meta(html, "og:image") == f"{BASE}assets/share.png"
    assert (site / "assets" / "share.png").read_bytes().startswith(b"\x89PNG")
    assert meta(html, "twitter:card") == "summary_large_image"


def test_every_page_but_404_has_a_canonical_url(site: Path) -> None:
    for page in site.rglob("*.html"):
        has = 'rel="canonical"' in page.read_text(encoding="utf-8")
        assert has is (page.name != "404.html"), page


def test_home_has_a_profile_page_json_ld_about_the_credential(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert raw
    data = json.loads(raw.group(1))
    assert data["@context"] == "https://schema.org" and data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == "Rowan Ellery"
    assert person["sameAs"].count("https://orcid.org/0000-0002-1825-0097") == 1
    # the example is not awarded: the page works towards the credential, the Person holds none
    assert "hasCredential" not in person
    credential = data["about"]
    assert credential["@type"] == "EducationalOccupationalCredential"
    assert credential["recognizedBy"]["name"] == "Association for Learning Technology"
    assert "CMALT" in credential["name"] and data["url"] == BASE


@pytest.mark.parametrize("name", ["</script><b>x", "<!--<script> Sam"])
def test_json_ld_cannot_break_out_of_its_script(tmp_portfolio: PortfolioFactory, name: str) -> None:
    """ "</script" would end the script early; "<!--<script" kept it open past its own end,
    so the whole home page was script and Chromium showed a blank page."""
    root = tmp_portfolio(
        {
            "portfolio.yml": f"pathway: cmalt\ncandidate: {{name: '{name}'}}\n"
            "confirmation: {name: S, date: 2026-10-01}\n"
        }
    )
    run_build(root)
    html = (root / "_site" / "index.html").read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert raw and "<" not in raw.group(1)
    assert json.loads(raw.group(1))["mainEntity"]["name"] == name
    assert "</script><b>" not in html


def test_atom_feed_has_an_entry_per_section(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 11
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert f"{BASE}1a/" in ids and all(i and i.startswith(BASE) for i in ids)
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in html and 'href="feed.xml"' in html


def test_sitemap_lists_every_page_but_404(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in root]
    assert len(locs) == 15 and BASE in locs and f"{BASE}evidence/" in locs
    assert not any(loc and "404" in loc for loc in locs)


def test_without_base_url_feed_and_sitemap_are_skipped_with_a_note(
    tmp_portfolio: PortfolioFactory,
) -> None:
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncandidate: {name: S}\n"
            "confirmation: {name: S, date: 2026-10-01}\n"
        }
    )
    result = run_build(root)
    assert result.ok and result.written and not result.diagnostics.warnings
    assert (
        not (root / "_site" / "feed.xml").exists() and not (root / "_site" / "sitemap.xml").exists()
    )
    assert any("base_url" in note for note in result.notes)
    html = (root / "_site" / "1a" / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and "og:title" in html


def test_heading_anchors_allow_deep_links(site: Path) -> None:
    html = (site / "1a" / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="description">Description</h2>' in html
    assert '<h2 id="reflection">Reflection</h2>' in html


def test_feed_and_sitemap_stay_well_formed_xml_with_markup_characters(
    tmp_portfolio: PortfolioFactory,
) -> None:
    """Names, titles and addresses holding &, <, > and quotes are escaped by the XML writer."""
    odd = "Sam <Tester> & \"Co\" 'x'"
    root = tmp_portfolio(
        {
            "portfolio.yml": "pathway: cmalt\ncandidate: {name: '"
            + odd.replace("'", "''")
            + "'}\nsite:\n  title: 'A & B <i>portfolio</i>'\n"
            "  base_url: https://sam.example.org/a&b/\n"
            "confirmation: {name: S, date: 2026-10-01}\n"
        }
    )
    result = run_build(root)
    assert result.written, [d.message for d in result.diagnostics]
    feed = ET.parse(root / "_site" / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == odd
    assert feed.findtext(f"{ATOM}title") == "A & B <i>portfolio</i>"
    assert feed.findtext(f"{ATOM}id") == "https://sam.example.org/a&b/"
    assert feed.find(f"{ATOM}link").get("href") == "https://sam.example.org/a&b/"  # type: ignore[union-attr]
    urlset = ET.parse(root / "_site" / "sitemap.xml").getroot()
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in urlset]
    assert "https://sam.example.org/a&b/1a/" in locs
