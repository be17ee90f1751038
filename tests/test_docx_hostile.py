"""Hostile Word files: malformed numbering and sizes are read like Word shows them or ignored,
never a crash, a hang or a whole document refused as "not Word"."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from lxml import etree

from typeset.sources.docx import read_docx
from typeset.sources.docx_numbering import read_numbering

sys.path.insert(0, str(Path(__file__).parent))
from docx_maker import NS, hand_paragraph  # noqa: E402


def _numbering(levels: str, override: str = ""):
    return read_numbering(etree.fromstring(
        f'<w:numbering {NS}><w:abstractNum w:abstractNumId="9">{levels}</w:abstractNum>'
        f'<w:num w:numId="7"><w:abstractNumId w:val="9"/>{override}</w:num></w:numbering>'))


def _lvl(ilvl, fmt: str = "chineseCounting", start: str = "1") -> str:
    return f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1、"/></w:lvl>'


@pytest.mark.parametrize("ilvl", ["9", "50", "9999", "-1", "x", "²"])
def test_a_level_outside_words_nine_is_not_shown(ilvl):
    numbering = _numbering(_lvl(ilvl))
    assert numbering.label("7", int(ilvl) if ilvl.lstrip("-").isascii() and ilvl.lstrip("-").isdigit() else 0) is None


def test_ten_thousand_levels_keep_the_nine_word_has():
    numbering = _numbering("".join(_lvl(k) for k in range(10_000)))
    assert numbering.label("7", 0) == "一、" and numbering.label("7", 9999) is None


@pytest.mark.parametrize(("fmt", "start", "shown"), [
    ("upperRoman", "999999999999", "I、"),  # not a number Word takes: its default
    ("upperRoman", "40000", "M" * 32 + "DCCLXVII、"),  # clamped to Word's 32767
    ("lowerLetter", "99999999", "g" * 1261 + "、"),
    ("ideographDigital", "-5", "一、"),  # clamped to 0, then counted from 1
    ("chineseCounting", "²", "一、"),
])
def test_start_values_are_clamped_to_what_word_accepts(fmt, start, shown):
    assert _numbering(_lvl(0, fmt, start)).label("7", 0) == shown


@pytest.mark.parametrize("override", [
    '<w:lvlOverride w:ilvl="20"><w:startOverride w:val="3"/></w:lvlOverride>',
    '<w:lvlOverride w:ilvl="x"><w:startOverride w:val="3"/></w:lvlOverride>',
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="999999999999"/></w:lvlOverride>',
])
def test_a_malformed_restart_is_ignored(override):
    assert _numbering(_lvl(0), override).label("7", 0) == "一、"


def _docx(ilvl: str = "0", size: str = "44") -> bytes:
    document = Document()
    title = hand_paragraph(document, "协会召开理事会", font="黑体", size=22, centred=True)
    title.runs[0]._r.get_or_add_rPr().append(parse_xml(f'<w:sz {NS} w:val="{size}"/>'))
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {NS} w:abstractNumId="90">{_lvl(0)}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {NS} w:numId="7"><w:abstractNumId w:val="90"/></w:num>'))
    heading = hand_paragraph(document, "会议听取了工作报告", font="黑体", size=16)
    heading._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="7"/></w:numPr>'))
    hand_paragraph(document, "会议认为，一年来协会工作扎实有效。" * 4)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("ilvl", "size"), [("²", "44"), ("0", "²"), ("0", "99999999999999999999"), ("0", "abc")])
def test_odd_digits_in_a_level_or_size_do_not_refuse_the_document(ilvl, size):
    lines, text, _, _ = read_docx(_docx(ilvl, size), "会刊.docx")
    assert "协会召开理事会" in text and "会议听取了工作报告" in text
    assert [line.text for line in lines if line.role == "title"] == ["协会召开理事会"]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_hanging_conversion_is_stopped_with_everything_it_started(tmp_path, monkeypatch):
    """LibreOffice that never finishes (and has started a child of its own): after the time
    limit the whole process group is gone, the message is one line, and the file's odd name
    never reaches the command line (LibreOffice sees ``source.rtf``)."""
    from typeset.errors import SourceError
    from typeset.sources import docx_convert

    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho $$ >> {tmp_path}/pids\nsleep 1000 &\necho $! >> {tmp_path}/pids\n'
                    f'printf "%s\\n" "$@" > {tmp_path}/args\nwait\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setattr(docx_convert, "TIME_LIMIT_S", 1)
    with pytest.raises(SourceError, match="超过 1 秒") as caught:
        docx_convert.to_docx(b"{\\rtf1 hi}", ".rtf", "--outdir 'x\".rtf")
    assert "\n" not in str(caught.value)
    pids = [int(pid) for pid in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 2 and not any(_alive(pid) for pid in pids)
    args = (tmp_path / "args").read_text().splitlines()
    assert args[-1].endswith("/source.rtf") and not any("x\"" in arg for arg in args)


def test_a_note_reference_without_its_note_is_dropped_with_a_warning(tmp_path):
    """Word shows nothing for a reference to a note the file does not hold; mammoth refused the
    whole document ("不是有效的 Word 文件")."""
    from docx_maker import XIAOBIAOSONG, add_notes, note_reference
    from typeset.check import check_bulletin
    from typeset.sources import load

    document = Document()
    hand_paragraph(document, "协会召开年会", XIAOBIAOSONG, 22, centred=True)
    paragraph = hand_paragraph(document, "年会在杭州举行")
    note_reference(paragraph, 1)
    note_reference(paragraph, 99)
    note_reference(paragraph, 5, "endnote")
    paragraph.add_run("。")
    add_notes(document, {1: "2026年1月10日。"})
    document.save(tmp_path / "会刊.docx")
    bulletin = load(tmp_path / "会刊.docx").bulletin
    article = next(iter(bulletin.articles()))
    assert [note.text for note in article.notes] == ["2026年1月10日。"]
    word = [str(f) for f in check_bulletin(bulletin, fonts=False).findings if f.rule == "word"]
    assert len(word) == 1 and "2 处脚注或尾注标记找不到注释内容" in word[0] and "\n" not in word[0]
