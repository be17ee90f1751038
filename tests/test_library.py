"""The members' library (``huikan library``): a made-up archive of a dozen issues becomes a static
site; its pages run in Debian's chromium (headless, driven by Selenium), its feeds are parsed and
every acquisition link is followed."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest
from lxml import etree

from tests.library_archive import GRID_WORD, issue_toml, make_archive, sample_articles, write_issue
from typeset.library import build_library
from typeset.library.archive import read_settings
from typeset.library.state import STATE_FILE
from typeset.library.workers import draw_cover
from conftest import chromium_session

pytestmark = pytest.mark.slow

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM, "dc": "http://purl.org/dc/terms/"}
ACQUISITION = "http://opds-spec.org/acquisition"
GOOD = 12


def built_library(archive: Path, site: Path, **kwargs):
    """Build and assert that nothing unexpected was logged."""
    result = build_library(archive, site, **kwargs)
    assert result.warnings == [], result.warnings
    return result


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """The archive and its site, built once for the module, two issues at a time."""
    root = tmp_path_factory.mktemp("library")
    archive = make_archive(root / "archive")
    site = root / "www" / "huikan"  # served from a subfolder, as on a shared web host
    result = built_library(archive, site, workers=2)
    return archive, site, result


# --- building -----------------------------------------------------------------------------------

def test_every_good_issue_is_built_and_the_flawed_one_listed(library):
    archive, site, result = library
    assert len(result.built) == GOOD and result.reused == []
    assert [f.where for f in result.failures] == ["2015/02"]
    assert "huikan check" in str(result.failures[0]) and str(result.failures[0]).startswith("失败：2015/02：")
    for issue_id in result.built:
        names = {p.name for p in (site / issue_id).iterdir()}
        assert {f"{issue_id}.pdf", f"{issue_id}.epub", f"{issue_id}-存档.pdf", "cover.png", "index.html"} <= names
    assert not (site / "2015-02").exists()


def test_second_run_rewrites_nothing(library):
    archive, site, _ = library
    editions = sorted(site.glob("*/*.pdf")) + sorted(site.glob("*/*.epub")) + sorted(site.glob("*.html"))
    before = {path: path.stat().st_mtime_ns for path in editions}
    again = built_library(archive, site)
    assert again.built == [] and len(again.reused) == GOOD
    assert again.changed == [] and not again.indexed
    assert {path: path.stat().st_mtime_ns for path in editions} == before
    assert [f.where for f in again.failures] == ["2015/02"]  # still listed, still failing


def test_a_changed_issue_is_rebuilt_alone_and_a_removed_one_leaves(tmp_path):
    articles = sample_articles()
    archive = tmp_path / "archive"
    first = write_issue(archive / "a", issue_toml(2016, 1, 1, 1), {"01-工作交流.txt": articles[1]})
    second = write_issue(archive / "b", issue_toml(2016, 2, 2, 2), {"01-工作交流.txt": articles[3]})
    site = tmp_path / "site"
    assert sorted(built_library(archive, site, workers=1).built) == ["2016-01", "2016-02"]
    leave_unread_files(second)  # the build never reads them: no rebuild
    (first / "01-工作交流.txt").write_text(articles[2], encoding="utf-8")
    again = built_library(archive, site, workers=1)
    assert again.built == ["2016-01"] and again.reused == ["2016-02"]
    assert "詹氏" in (site / "2016-01" / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(second)
    last = built_library(archive, site, workers=1)
    assert last.built == [] and not (site / "2016-02").exists()
    assert "2016-02" not in (site / STATE_FILE).read_text(encoding="utf-8")
    assert "2016-02" not in (site / "index.html").read_text(encoding="utf-8")


def leave_unread_files(folder: Path) -> None:
    """What editors leave in an issue folder: notes, a build's output/, backups, hidden files."""
    (folder / "notes.md").write_text("校对意见", encoding="utf-8")
    (folder / "output" / "2016-02").mkdir(parents=True)
    (folder / "output" / "2016-02" / "2016-02.pdf").write_bytes(b"%PDF-1.7")
    (folder / "output" / "cover.png").write_bytes(b"\x89PNG")
    for name in ("01-工作交流.txt.bak", "~$稿件.docx", ".DS_Store", "01-工作交流.txt~"):
        (folder / name).write_bytes(b"x")


def test_the_digest_covers_what_the_build_reads_and_nothing_else(tmp_path):
    from typeset.library.state import read_files
    from typeset.sources import load

    folder = write_issue(tmp_path / "a", issue_toml(2016, 2, 2, 2) + 'cover = "封面.jpg"\n',
                         {"01-工作交流.txt": sample_articles()[1]})
    leave_unread_files(folder)
    for name in ("封面.jpg", "图片/合影.png", "style/print.css.j2", "templates/master.html.j2", "style/.x.swp"):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(b"x")
    names = [name for name, _ in read_files(folder, load(folder).bulletin)]
    assert names == ["01-工作交流.txt", "issue.toml", "style/print.css.j2", "templates/master.html.j2",
                     "图片/合影.png", "封面.jpg"]


def test_two_folders_with_the_same_issue_number_fail_the_second(tmp_path):
    archive = tmp_path / "archive"
    for name in ("x", "y"):
        write_issue(archive / name, issue_toml(2017, 1, 1, 1), {"01-工作交流.txt": sample_articles()[1]})
    result = build_library(archive, tmp_path / "site", workers=1)
    assert result.built == ["2017-01"]
    assert [f.where for f in result.failures] == ["y"] and "x" in result.failures[0].message


def test_a_tampered_state_file_leads_nowhere_outside_the_site(tmp_path):
    from typeset.library.state import load_state

    (tmp_path / STATE_FILE).write_text('{"format": 1, "issues": {"..": {"files": {}}, '
                                       '"2014-01": {"files": {"pdf": "2014-01/../../x.pdf"}}, '
                                       '"2014-02": {"digest": "d", "files": {"pdf": "2014-02/2014-02.pdf"}}}}')
    assert list(load_state(tmp_path).issues) == ["2014-02"]


@pytest.mark.parametrize("inside", [".", "网站", ".."])
def test_the_site_may_not_nest_with_the_archive(tmp_path, inside):
    from typeset.errors import OutputError

    archive = tmp_path / "a" / "archive"
    archive.mkdir(parents=True)
    with pytest.raises(OutputError, match="不能放在会刊文库文件夹里面"):
        build_library(archive, archive / inside)


def test_cover_thumbnail_is_reproducible(library, tmp_path):
    _, site, _ = library
    pdf = site / "2013-01" / "2013-01.pdf"
    assert draw_cover(pdf, tmp_path / "cover.png").read_bytes() == (site / "2013-01" / "cover.png").read_bytes()


def test_library_settings(tmp_path, caplog):
    (tmp_path / "library.toml").write_text('title = "文库"\nbase_url = "https://example.org/k"\ncolor = 1\n',
                                           encoding="utf-8")
    settings = read_settings(tmp_path / "library.toml")
    assert settings.title == "文库" and settings.base_url == "https://example.org/k/"
    assert "未知的设置项“color”" in caplog.text


def test_cli_lists_failures_and_exits_non_zero(library):
    from typer.testing import CliRunner

    from typeset.cli import app

    archive, site, _ = library
    run = CliRunner().invoke(app, ["library", str(archive), "--out", str(site)])
    assert run.exit_code == 1
    assert "已排版 0 期，未改动 12 期" in run.output
    assert "失败：2015/02：" in run.output and "Traceback" not in run.output


# --- the feeds ----------------------------------------------------------------------------------

def parse(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def links(feed: etree._Element, rel: str) -> list[etree._Element]:
    return feed.findall(f"a:link[@rel='{rel}']", NS)


def resolve(feed_path: Path, href: str) -> Path:
    assert not urllib.parse.urlsplit(href).scheme and not href.startswith("/"), href
    return feed_path.parent / urllib.parse.unquote(href)


def test_opds_navigation_leads_to_a_feed_per_year(library):
    _, site, _ = library
    start = parse(site / "opds.xml")
    assert start.tag == f"{{{ATOM}}}feed" and start.findtext("a:title", namespaces=NS) == "两新党建文库"
    assert "kind=navigation" in links(start, "self")[0].get("type")
    entries = start.findall("a:entry", NS)
    assert [e.findtext("a:title", namespaces=NS) for e in entries] == ["2015年", "2014年", "2013年"]
    for entry in entries:
        (sub,) = links(entry, "subsection")
        assert sub.get("type") == "application/atom+xml;profile=opds-catalog;kind=acquisition"
        assert resolve(site / "opds.xml", sub.get("href")).is_file()


def test_every_acquisition_link_resolves_with_its_media_type(library):
    _, site, _ = library
    seen = 0
    for feed_path in sorted((site / "opds").glob("*.xml")):
        feed = parse(feed_path)
        assert resolve(feed_path, links(feed, "up")[0].get("href")) == site / "opds" / ".." / "opds.xml"
        for entry in feed.findall("a:entry", NS):
            assert entry.findtext("a:id", namespaces=NS).startswith("urn:uuid:")
            assert entry.findtext("dc:issued", namespaces=NS)[:4] == feed_path.stem
            assert entry.findtext("a:summary", namespaces=NS)
            types = {}
            for link in links(entry, ACQUISITION) + links(entry, "http://opds-spec.org/image"):
                target = resolve(feed_path, link.get("href"))
                assert target.is_file(), target
                types.setdefault(link.get("type"), []).append(target.suffix)
                seen += 1
            assert types == {"application/epub+zip": [".epub"], "application/pdf": [".pdf", ".pdf"],
                             "image/png": [".png"]}
    assert seen == GOOD * 4


def test_opds_entry_describes_the_issue(library):
    _, site, _ = library
    feed = parse(site / "opds" / "2014.xml")
    titles = [e.findtext("a:title", namespaces=NS) for e in feed.findall("a:entry", NS)]
    assert titles[0] == "两新党建 2014年第6期（总第11期）" and len(titles) == 6
    entry = feed.find("a:entry", NS)
    assert entry.findtext("dc:issued", namespaces=NS) == "2014-12-28"
    assert "育才中学把党建工作全面融入教学管理" in entry.findtext("a:summary", namespaces=NS)
    assert feed.findtext("a:updated", namespaces=NS) == "2014-12-28T00:00:00+00:00"  # from the issues


def test_atom_feed_lists_new_issues_first(library):
    _, site, _ = library
    feed = parse(site / "feed.xml")
    entries = feed.findall("a:entry", NS)
    assert len(entries) == GOOD
    assert entries[0].findtext("a:title", namespaces=NS).startswith("两新党建 2015年第1期")
    for entry in entries:
        (page,) = links(entry, "alternate")
        assert resolve(site / "feed.xml", page.get("href")).is_file()


def test_feeds_use_the_base_url_when_the_site_has_one(library):
    import json

    from typeset.library.archive import Settings, read_archive
    from typeset.library.catalog import issue_view
    from typeset.library.feeds import render_feeds

    archive, site, _ = library
    state = json.loads((site / STATE_FILE).read_text(encoding="utf-8"))["issues"]
    views = [issue_view(e.bulletin, state[e.issue_id]["files"], site) for e in read_archive(archive).entries
             if e.issue_id in state]
    feeds = render_feeds(Settings(base_url="https://example.org/huikan/"), views)
    year = etree.fromstring(feeds["opds/2014.xml"].encode("utf-8"))
    hrefs = [link.get("href") for link in year.iter(f"{{{ATOM}}}link")]
    assert hrefs and all(href.startswith("https://example.org/huikan/") for href in hrefs)
    assert "https://example.org/huikan/2014-01/2014-01-%E5%AD%98%E6%A1%A3.pdf" in hrefs  # 存档, percent-encoded
    assert render_feeds(Settings(base_url="https://example.org/huikan/"), views) == feeds  # no clock inside


# --- in a real browser --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(library):
    """The site's parent folder over loopback HTTP: the site lives at /huikan/."""
    _, site, _ = library
    handler = functools.partial(QuietHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    session = chromium_session(logs=True)
    yield session
    session.quit()


def wait_for(browser, script, timeout=15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(lambda b: b.execute_script(script))


def test_index_renders_issues_by_year_with_covers(browser, served):
    browser.get(served + "index.html")
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")  # the covers load lazily
    wait_for(browser, "return [...document.images].every(i => i.complete)")
    page = browser.execute_script("""return {
        lang: document.documentElement.lang, h1: document.querySelector('h1').textContent,
        years: [...document.querySelectorAll('h2')].map(h => h.textContent),
        cards: document.querySelectorAll('.card').length,
        covers: [...document.querySelectorAll('.card img')].map(i => [i.alt, i.complete && i.naturalWidth]),
        first: document.querySelector('.card-title').textContent}""")
    assert page["lang"] == "zh-CN" and page["h1"] == "两新党建文库"
    assert page["years"] == ["2015年", "2014年", "2013年"] and page["cards"] == GOOD
    assert page["first"] == "2015年第1期"
    assert all(alt.endswith("报头页") and width > 0 for alt, width in page["covers"])


@pytest.mark.parametrize("page", ["index.html", "2014-06/index.html", "search.html?q=詹氏"])
def test_pages_are_readable_360_px_wide(browser, served, page):
    browser.set_window_size(360, 800)
    try:
        browser.get(served + page)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        smallest = browser.execute_script(
            "return Math.min(...[...document.querySelectorAll('p, li, a')].map(e => parseFloat(getComputedStyle(e).fontSize)))")
        outline = browser.execute_script("""return {lang: document.documentElement.lang,
            h1: document.querySelectorAll('h1').length,
            levels: [...document.querySelectorAll('h1, h2, h3, h4')].map(h => +h.tagName[1]),
            unlabelled: [...document.querySelectorAll('img:not([alt]), input:not([id])')].length}""")
    finally:
        browser.set_window_size(1280, 900)
    assert width <= 360 and smallest >= 12
    assert outline["lang"] == "zh-CN" and outline["h1"] == 1 and outline["unlabelled"] == 0
    assert all(b - a <= 1 for a, b in zip(outline["levels"], outline["levels"][1:]))  # no skipped level


UNBROKEN = """return [...document.querySelectorAll('time, .label')].filter(e => {
    const range = document.createRange(); range.selectNodeContents(e);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
  }).map(e => e.textContent)"""


@pytest.mark.parametrize("page", ["index.html", "2014-06/index.html"])
def test_dates_and_issue_labels_never_break_on_a_phone(browser, served, page):
    """2014年12月28日, 2014年第6期 and （总第11期） stay on one line at any narrow width."""
    browser.get(served + page)
    broken, labels = {}, browser.execute_script("return document.querySelectorAll('time, .label').length")
    try:
        for width in range(320, 481, 8):
            browser.set_window_size(width, 800)
            broken[width] = browser.execute_script(UNBROKEN)
    finally:
        browser.set_window_size(1280, 900)
    assert labels >= 3 and {width: texts for width, texts in broken.items() if texts} == {}


def test_issue_page_has_downloads_contents_and_an_anchor_per_article(browser, served):
    browser.get(served + "2014-01/index.html")
    page = browser.execute_script("""return {
        h1: document.querySelector('h1').textContent,
        downloads: [...document.querySelectorAll('.downloads li')].map(li => li.textContent),
        contents: [...document.querySelectorAll('.contents a')].map(a => a.getAttribute('href')),
        anchors: [...document.querySelectorAll('.article-title')].map(h => '#' + h.id)}""")
    assert page["h1"].startswith("两新党建") and "2014年第1期" in page["h1"]
    assert len(page["downloads"]) == 3 and all("KB" in d or "MB" in d for d in page["downloads"])
    assert page["contents"] == page["anchors"] and len(page["anchors"]) == 2


def search_results(browser, url):
    """[(issue title, issue link, [article links])] as the search page lists them; the page
    logged no error (a script error, a missing file)."""
    browser.get_log("browser")  # start afresh
    browser.get(url)
    wait_for(browser, "return document.getElementById('search-status').textContent.includes('：')")
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    return browser.execute_script("""return [...document.querySelectorAll('.result')].map(r => [
        r.querySelector('h2 a').textContent, r.querySelector('h2 a').href,
        [...r.querySelectorAll('a.hit')].map(a => a.href)])""")


def test_search_in_the_url_finds_the_one_issue(browser, served):
    results = search_results(browser, served + "search.html?q=" + urllib.parse.quote(GRID_WORD))
    assert [(title, link) for title, link, _ in results] == [("两新党建 2015年第1期", served + "2015-01/index.html")]
    assert browser.find_element("id", "q").get_attribute("value") == GRID_WORD


def test_search_result_opens_the_article_in_the_screen_edition(browser, served):
    results = search_results(browser, served + "search.html?q=" + urllib.parse.quote("詹氏"))
    assert {title for title, _, _ in results} == {"两新党建 2013年第3期", "两新党建 2014年第2期",
                                                  "两新党建 2014年第3期", "两新党建 2014年第6期"}
    targets = [href for _, _, hits in results for href in hits]
    assert targets and all(href.startswith(served) and "#" in href for href in targets)  # under /huikan/
    browser.get(targets[0])
    anchor = urllib.parse.unquote(targets[0].split("#", 1)[1])
    text = browser.execute_script(f"return document.getElementById('{anchor}').closest('article').textContent")
    assert "詹氏" in text


def test_search_works_from_a_folder(browser, library):
    """From file:// (a USB stick) the page searches the plain text of search-data.js."""
    _, site, _ = library
    results = search_results(browser, (site / "search.html").as_uri() + "?q=" + urllib.parse.quote(GRID_WORD))
    assert [title for title, _, _ in results] == ["两新党建 2015年第1期"]
    (hit,) = results[0][2]
    assert hit == (site / "2015-01" / "index.html").as_uri() + "#a1"
