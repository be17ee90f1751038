"""Word files as secretaries write them: direct formatting only (GB/T 9704 habits), Word's
automatic numbering, generated at test time by tests/docx_maker.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pypdf
import pytest

from conftest import build_clean, is_subsequence, visible_chars
from test_pdf import outline_pages
from typeset.check import check_bulletin
from typeset.model import Heading, Paragraph
from typeset.sources import load
from typeset.sources.docx_numbering import chinese_counting, read_numbering

sys.path.insert(0, str(Path(__file__).parent))
from docx_maker import make_hand_formatted  # noqa: E402


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    return make_hand_formatted(tmp_path_factory.mktemp("hand") / "会刊.docx")


@pytest.fixture(scope="module")
def hand_build(hand, tmp_path_factory):
    return build_clean(hand[0], tmp_path_factory.mktemp("out"), ["pdf"])


def test_titles_headings_and_numbering_come_from_direct_formatting(hand):
    path, expected = hand
    bulletin = load(path).bulletin
    assert [a.title for a in bulletin.articles()] == expected["titles"]
    headings = [(b.text, b.level) for b in bulletin.blocks() if isinstance(b, Heading)]
    assert headings == expected["headings"]
    paragraphs = [b.text for b in bulletin.blocks() if isinstance(b, Paragraph)]
    assert all(text in paragraphs for text in expected["numbered_text"])
    news = list(bulletin.articles())[-1]
    assert [item.heading for item in news.items] == expected["news"]


def test_a_hand_formatted_issue_checks_clean(hand):
    findings = check_bulletin(load(hand[0]).bulletin, fonts=False).findings
    assert [(f.rule, f.message) for f in findings] == []


def test_a_hand_formatted_issue_builds_with_every_title_and_heading_in_the_outline(hand, hand_build):
    _, expected = hand
    reader = pypdf.PdfReader(hand_build.files["pdf"])
    outline = [title for title, _level, _page in outline_pages(reader)]
    assert outline == expected["titles"][:-1] + ["协会动态"] + expected["news"]  # sub-headings are not bookmarked
    text = visible_chars("".join(page.extract_text() for page in reader.pages), drop="")
    headings = [heading for heading, _ in expected["headings"]]
    printed = visible_chars("".join(expected["titles"][:1] + headings + ["①完成年检", "2、会费标准按章程执行。"]), drop="")
    assert is_subsequence(printed, text)


@pytest.mark.parametrize("number, shown", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (105, "一百零五")])
def test_chinese_counting_as_word_shows_it(number, shown):
    assert chinese_counting(number) == shown


def test_levels_restart_under_their_parent_and_a_start_override_restarts_a_list():
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(
        f'<w:numbering xmlns:w="{w}"><w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimalFullWidth"/><w:lvlText w:val="%1.%3"/></w:lvl>'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        '</w:numbering>')
    numbering = read_numbering(root)
    shown = [numbering.label(num, level) for num, level in [("1", 0), ("1", 1), ("1", 1), ("1", 0), ("1", 1), ("1", 2), ("2", 0)]]
    assert shown == ["一、", "（一）", "（二）", "二、", "（一）", "二.１ ", "一、"]


def test_a_title_set_over_two_lines_is_one_title_and_captions_are_not_titles(tmp_path):
    import docx

    from docx_maker import HEITI, XIAOBIAOSONG, hand_paragraph

    document = docx.Document()
    hand_paragraph(document, "关于开展会员走访工作的", XIAOBIAOSONG, 22, centred=True)
    hand_paragraph(document, "通知", XIAOBIAOSONG, 22, centred=True)
    hand_paragraph(document, "正文。")
    hand_paragraph(document, "表1 会员单位名单", HEITI, 16, centred=True)
    hand_paragraph(document, "附件：名单", HEITI, 16, centred=True)
    hand_paragraph(document, "工作交流", HEITI, 26, centred=True)  # a banner: another look, not part of the title
    hand_paragraph(document, "秘书处上半年工作总结", XIAOBIAOSONG, 22, centred=True)
    hand_paragraph(document, "正文。")
    document.save(tmp_path / "x.docx")
    source, = load(tmp_path / "x.docx").bulletin.sources
    article, banner, summary = load(tmp_path / "x.docx").bulletin.articles()
    assert article.title == "关于开展会员走访工作的通知"
    assert [b.text for b in article.blocks] == ["正文。", "表1 会员单位名单", "附件：名单"]
    assert source.text.splitlines()[:2] == ["关于开展会员走访工作的", "通知"], "paragraph numbers stay as in Word"
    assert (banner.title, summary.title) == ("工作交流", "秘书处上半年工作总结")


def test_a_linked_picture_is_reported_not_lost_silently(tmp_path):
    import io

    import docx

    from docx_maker import png

    document = docx.Document()
    document.add_heading("图片", level=1)
    document.add_paragraph().add_run().add_picture(io.BytesIO(png()))
    blip = document.paragraphs[-1]._p.xpath(".//a:blip")[0]
    rid = document.part.relate_to("file:///C:/照片/会场.jpg", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
                                  is_external=True)
    blip.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link", rid)
    del blip.attrib["{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"]
    document.save(tmp_path / "x.docx")
    said = [f.message for f in check_bulletin(load(tmp_path / "x.docx").bulletin, fonts=False).findings]
    assert [m for m in said if "链接到文件" in m] == [next(m for m in said if "1 张" in m)]


def test_a_mixed_issue_of_hand_formatted_word_files_builds_clean_with_everything_in_outline_and_text(tmp_path):
    import shutil
    import subprocess

    from docx_maker import make_minutes, make_with_notes
    from test_epub import Epub
    from typeset.resources import sample_issue_dir

    folder = tmp_path / "issue"
    shutil.copytree(sample_issue_dir(), folder)
    hand, expected = make_hand_formatted(folder / "02-工作.docx")
    minutes, minutes_text = make_minutes(folder / "03-纪要.docx")
    make_with_notes(folder / "04-注释.docx")
    result = build_clean(folder, tmp_path / "out", ["pdf", "epub"])
    outline = [title for title, _, _ in outline_pages(pypdf.PdfReader(result.files["pdf"]))]
    for title in expected["titles"] + expected["news"] + [minutes_text[0], "协会召开年会", "会员风采", "秘书处通知"]:
        assert title in outline, title
    text = visible_chars(subprocess.run(["pdftotext", str(result.files["pdf"]), "-"], capture_output=True, text=True,
                                        check=True).stdout.replace("\u2060", ""), drop="")
    written = [heading for heading, _ in expected["headings"]] + expected["numbered_text"] + minutes_text
    assert is_subsequence(visible_chars("".join(written), drop=""), text)
    book = Epub(result.files["epub"])
    assert all(title in visible_chars(book.text(), drop="") for title in expected["titles"])


def test_a_subtitle_style_under_a_styled_title_stays_a_paragraph(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("协会召开年会", style="Title")
    from docx.shared import Pt

    subtitle = document.add_paragraph(style="Subtitle")
    subtitle.alignment = 1  # centred and far larger than the body
    subtitle.add_run("——在年会上的讲话").font.size = Pt(20)
    document.add_paragraph().add_run("正文。" * 20).font.size = Pt(12)
    document.save(tmp_path / "x.docx")
    (article,) = load(tmp_path / "x.docx").bulletin.articles()
    assert (article.title, [b.text for b in article.blocks]) == ("协会召开年会", ["——在年会上的讲话", "正文。" * 20])


def test_a_short_document_title_outweighing_its_body_is_still_its_title(tmp_path):
    import docx

    from docx_maker import hand_paragraph

    document = docx.Document()
    hand_paragraph(document, "关于举办2026年度会员单位培训班的通知", "宋体", 22, centred=True)
    hand_paragraph(document, "详见附件。")
    document.save(tmp_path / "x.docx")
    assert [a.title for a in load(tmp_path / "x.docx").bulletin.articles()] == ["关于举办2026年度会员单位培训班的通知"]
