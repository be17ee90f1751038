"""The library's feeds against the rules of OPDS 1.2 and Atom (tests/fixtures/opds/opds-1.2.rnc,
checked with Debian's jing), and what readers show of them: a date on every entry, the library
as the catalogue's author."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from tests.search_archive import make_search_archive
from tests.test_library import NS, built_library

pytestmark = pytest.mark.slow

SCHEMA = Path(__file__).resolve().parent / "fixtures" / "opds" / "opds-1.2.rnc"


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    site = root / "site"
    built_library(make_search_archive(root / "archive"), site, workers=2)
    return {path.relative_to(site).as_posix(): path for path in [site / "opds.xml", site / "feed.xml",
                                                                 *sorted((site / "opds").glob("*.xml"))]}


def jing(*paths: Path) -> subprocess.CompletedProcess:
    if not shutil.which("jing"):
        pytest.skip("jing is not installed (make system)")
    return subprocess.run(["jing", "-c", str(SCHEMA), *map(str, paths)], capture_output=True, text=True, timeout=120)


def test_every_feed_is_valid_opds(feeds):
    done = jing(*feeds.values())
    assert (done.returncode, done.stdout) == (0, "")


def test_the_schema_rejects_what_opds_forbids(feeds, tmp_path):
    """A check that cannot fail proves nothing: an HTML summary and an IRI with a space fail."""
    year = next(path for name, path in feeds.items() if name.startswith("opds/"))
    text = year.read_text(encoding="utf-8")
    (tmp_path / "summary.xml").write_text(text.replace('<summary type="text">', '<summary type="html">'), encoding="utf-8")
    (tmp_path / "iri.xml").write_text(text.replace('href="', 'href="a b', 1), encoding="utf-8")
    done = jing(tmp_path / "summary.xml", tmp_path / "iri.xml")
    assert done.returncode == 1
    assert "summary.xml" in done.stdout and 'must be equal to "text"' in done.stdout and "iri.xml" in done.stdout


def test_every_entry_has_published_and_issued(feeds):
    for name, path in feeds.items():
        for entry in etree.parse(str(path)).getroot().iterfind("a:entry", NS):
            if entry.find("a:link[@rel='subsection']", NS) is not None:
                continue  # a year of the navigation feed, not an issue
            published, issued = entry.findtext("a:published", namespaces=NS), entry.findtext("dc:issued", namespaces=NS)
            assert published and issued and published.startswith(issued), (name, published, issued)


def test_the_catalogue_author_is_the_library(feeds):
    """library.toml's title, not the newest issue's publisher; entries keep their publisher."""
    for name, path in feeds.items():
        feed = etree.parse(str(path)).getroot()
        assert feed.findtext("a:author/a:name", namespaces=NS) == "检索测试文库", name
        authors = {e.findtext("a:author/a:name", namespaces=NS) for e in feed.iterfind("a:entry", NS)}
        assert authors <= {"杭州市两新党务工作者协会秘书处", None}, name
