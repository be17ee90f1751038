"""What the members' library pages hold: pictures as files (1x/2x, their size, lazy), a meta
description on every page, section titles as headings, no print-layout HTML published."""

from __future__ import annotations

import re

import pytest
from lxml import html

from tests.library_archive import issue_toml, sample_articles, write_issue
from tests.picture_issue import make_issue
from tests.test_library import built_library
from typeset.library.archive import Settings
from typeset.library.catalog import IssueView
from typeset.library.pages import COLUMN_PX, render_issue
from typeset.sources import load


@pytest.fixture(scope="module")
def picture_page(tmp_path_factory):
    """The picture issue's page and its picture files, rendered without building the editions."""
    folder = make_issue(tmp_path_factory.mktemp("pictures") / "issue")
    pictures: dict[str, bytes] = {}
    page = render_issue(Settings(), IssueView(load(folder).bulletin, (), None), pictures)
    return html.fromstring(page), pictures


def test_pictures_are_files_with_their_size_and_a_2x_version(picture_page):
    page, pictures = picture_page
    images = page.xpath("//img[contains(@class, 'picture')]")
    assert len(images) == 11  # the picture issue's eleven pictures (three QR codes among them)
    for img in images:
        src = img.get("src")
        assert not src.startswith("data:") and f"2026-03/{src}" in pictures
        one, two = (entry.split() for entry in img.get("srcset").split(", "))
        assert one == [src, "1x"] and two[1] == "2x" and f"2026-03/{two[0]}" in pictures
        width, height = int(img.get("width")), int(img.get("height"))
        assert 0 < width <= COLUMN_PX and height > 0 and img.get("loading") == "lazy"
    assert all(name.startswith("2026-03/2026-03-") for name in pictures)


def test_the_picture_page_is_light(picture_page):
    """989 KB of HTML with the pictures inlined as base64 before; the text alone now."""
    page, _ = picture_page
    assert len(html.tostring(page)) < 40_000


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    articles = sample_articles()
    write_issue(root / "archive" / "2014-06", issue_toml(2014, 6, 6, 11),
                {"01-工作交流.txt": articles[0], "02-协会动态.txt": articles[3]})
    built_library(root / "archive", root / "site", workers=1)
    return root / "site"


@pytest.mark.slow
def test_every_page_has_a_meta_description(site):
    for path in site.rglob("*.html"):
        description = html.parse(str(path)).xpath("//meta[@name='description']/@content")
        assert len(description) == 1 and len(description[0]) >= 10, path


@pytest.mark.slow
def test_section_titles_are_headings(site):
    page = html.parse(str(site / "2014-06" / "index.html"))
    titles = [h.text_content() for h in page.xpath("//h2[contains(@class, 'section-title')]")]
    assert titles == ["工作交流", "协会动态"] and not page.xpath("//p[contains(@class, 'section-title')]")
    levels = [int(h.tag[1]) for h in page.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))  # no skipped level


@pytest.mark.slow
def test_the_print_layout_html_is_not_published(site):
    assert [p.name for p in (site / "2014-06").iterdir() if p.suffix == ".html"] == ["index.html"]
    assert not re.search(r"2014-06\.html", (site / "2014-06" / "index.html").read_text(encoding="utf-8"))
