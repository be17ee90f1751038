"""Word files for the tests, made with python-docx: one document holding every feature the .docx
reader understands (styles, conventions written in 正文, bold, pictures inline and floating,
captions, a table, tracked changes, a comment, a text box stored twice, a hyperlink, a header)."""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.shared import Cm

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
# Everything the body says, in reading order, that must reach every output (deletions excluded).
BODY_TEXT = [
    "协会召开第三次理事会", "本次会议审议通过了年度工作报告。", "一、会议议程", "二、下一步工作",
    "一是加强学习。会后各会员单位认真传达会议精神。", "会员单位名单见附件。", "会议由秘书长主持，新增修订内容。",
    "会议现场", "图1 理事会会议现场（摄影：张三）", "图2 颁奖仪式", "文本框里的通知", "详见协会网站。",
    "单位", "人数", "杭州某公司", "12", "宁波某公司", "8",
    "会员单位", "会费（元）", *[cell for n in range(1, 61) for cell in (f"第{n}家会员单位", f"{n * 100}")], "协会动态", "1、南都电源获评优秀会员",
    "该公司积极参与协会活动。", "2、秘书处完成年检工作",
]
DELETED = "删去的旧提法"
HEADER = "页眉文字不进正文"


def png(width: int = 8, height: int = 6, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A tiny solid-colour PNG."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _tracked(paragraph) -> None:
    paragraph.add_run("会议由秘书长主持，")
    paragraph._p.append(parse_xml(
        f'<w:ins {NS} w:id="91" w:author="编辑" w:date="2026-01-01T00:00:00Z"><w:r><w:t>新增修订内容</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(
        f'<w:del {NS} w:id="92" w:author="编辑" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>{DELETED}</w:delText></w:r></w:del>'))
    paragraph.add_run("。")


def _text_box(paragraph) -> None:
    inner = '<w:txbxContent><w:p><w:r><w:t>文本框里的通知</w:t></w:r></w:p></w:txbxContent>'
    paragraph._p.append(parse_xml(
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:txbx>{inner}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
        f'</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{inner}</v:textbox></v:shape></w:pict>'
        f'</mc:Fallback></mc:AlternateContent></w:r>'))


def _hyperlink(document, paragraph) -> None:
    rid = document.part.relate_to("https://www.example.org/", RT.HYPERLINK, is_external=True)
    paragraph.add_run("详见")
    paragraph._p.append(parse_xml(f'<w:hyperlink {NS} r:id="{rid}"><w:r><w:t>协会网站</w:t></w:r></w:hyperlink>'))
    paragraph.add_run("。")


def _float(paragraph) -> None:
    """Turn the paragraph's inline picture into a floating (anchored) one."""
    inline = paragraph._p.xpath(".//wp:inline")[0]
    anchor = parse_xml(
        f'<wp:anchor {NS} behindDoc="0" distT="0" distB="0" distL="0" distR="0" simplePos="0" locked="0" '
        'layoutInCell="1" allowOverlap="1" relativeHeight="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV></wp:anchor>')
    for child in list(inline):
        if child.tag.endswith("}docPr"):
            anchor.append(parse_xml(f'<wp:wrapSquare {NS} wrapText="bothSides"/>'))
        anchor.append(child)
    inline.getparent().replace(inline, anchor)


def _table(document) -> None:
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("单位", "人数"), ("杭州某公司", "12"), ("宁波某公司", "8")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text


def _long_table(document) -> None:
    """A table longer than a page: its header row must repeat on the next page."""
    table = document.add_table(rows=61, cols=2)
    rows = [("会员单位", "会费（元）")] + [(f"第{n}家会员单位", f"{n * 100}") for n in range(1, 61)]
    for row, cells in zip(table.rows, rows):
        for cell, text in zip(row.cells, cells):
            cell.text = text


def make_docx(path: Path) -> Path:
    """The feature document (see BODY_TEXT)."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = HEADER
    document.add_heading("协会召开第三次理事会", level=1)
    body = document.add_paragraph("\u3000\u3000本次会议")
    body.add_run("审议通过").bold = True
    body.add_run("了年度工作报告。").font.size = Cm(0.5)
    document.add_heading("一、会议议程", level=2)
    document.add_paragraph().add_run("  二、下一步工作").bold = True
    commented = document.add_paragraph("一是加强学习。会后各会员单位认真传达会议精神。")
    document.add_comment(commented.runs, text="请核实", author="审稿")
    document.add_paragraph("* 会员单位名单见附件。")
    _tracked(document.add_paragraph())
    document.add_paragraph("会议现场")
    document.add_paragraph().add_run().add_picture(io.BytesIO(png()), width=Cm(4))
    document.add_paragraph("图1 理事会会议现场（摄影：张三）", style="Caption")
    floating = document.add_paragraph()
    floating.add_run().add_picture(io.BytesIO(png(rgb=(30, 30, 200))), width=Cm(4))
    _float(document.paragraphs[-1])
    document.add_paragraph("图2 颁奖仪式")
    _text_box(document.add_paragraph())
    _hyperlink(document, document.add_paragraph())
    _table(document)
    _long_table(document)
    document.add_heading("协会动态", level=1)
    document.add_paragraph("1、南都电源获评优秀会员")
    document.add_paragraph("该公司积极参与协会活动。")
    document.add_paragraph("2、秘书处完成年检工作")
    document.save(path)
    return path


# --- Documents formatted by hand, the way secretariats do (GB/T 9704 habits, no Heading styles) ---

FANGSONG, HEITI, KAITI, XIAOBIAOSONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"


def _look(run, font: str, size: float, bold: bool = False) -> None:
    """Direct run formatting: East Asian font, size in points, bold."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.name = font
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def hand_paragraph(document, text: str, font: str = FANGSONG, size: float = 16, centred: bool = False,
                   bold: bool = False, indent: bool = True, numbered: tuple[int, int] | None = None):
    """A paragraph set by hand: 仿宋 16 pt with a 2-character first-line indent unless told."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if numbered:
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {NS}><w:ilvl w:val="{numbered[1]}"/><w:numId w:val="{numbered[0]}"/></w:numPr>'))
    _look(paragraph.add_run(text), font, size, bold)
    return paragraph


def add_list(document, levels: list[tuple[str, str]], num_id: int, restart: int | None = None) -> int:
    """An automatic numbering list in numbering.xml: ``levels`` = [(numFmt, lvlText)]."""
    numbering = document.part.numbering_part.element
    abstract_id = 900 + num_id
    lvls = "".join(f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
                   f'<w:suff w:val="nothing"/></w:lvl>' for k, (fmt, text) in enumerate(levels))
    numbering.insert(0, parse_xml(f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'))
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart}"/></w:lvlOverride>' if restart else "")
    numbering.append(parse_xml(f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'))
    return num_id


def make_hand_formatted(path: Path) -> tuple[Path, dict]:
    """A held-out-like issue: six articles and a 协会动态 news article, titles centred in 小标宋
    or 黑体 at 22 pt, 一、 in 黑体 (three of them by automatic numbering), （一） in 楷体, body in
    仿宋 16 pt. Returns the file and what a reader must find in it."""
    document = docx.Document()
    chinese = add_list(document, [("chineseCounting", "%1、"), ("chineseCounting", "（%1）")], 51)
    decimal = add_list(document, [("decimal", "%1、")], 52)
    circled = add_list(document, [("decimalEnclosedCircle", "%1")], 53)
    titles = ["关于开展2026年度会员走访工作的通知", "协会召开三届五次理事会", "秘书处2026年上半年工作总结",
              "关于做好会费收缴工作的函", "会员单位创新成果展示", "致全体会员的一封信"]
    faces = [XIAOBIAOSONG, HEITI, XIAOBIAOSONG, HEITI, XIAOBIAOSONG, "华文中宋"]
    headings = []
    for n, (title, face) in enumerate(zip(titles, faces)):
        hand_paragraph(document, title, face, 22, centred=True)
        hand_paragraph(document, f"这是第{n + 1}篇文章的正文，按仿宋三号字排，首行缩进两个字。")
        if n == 0:
            for text in ("走访范围", "走访方式"):
                hand_paragraph(document, text, HEITI, 16, indent=True, numbered=(chinese, 0))
                headings.append(("一、走访范围" if text == "走访范围" else "二、走访方式", 1))
                hand_paragraph(document, f"{text}的具体安排如下。")
            hand_paragraph(document, "（一）电话走访", KAITI, 16)
            headings.append(("（一）电话走访", 2))
            hand_paragraph(document, "各单位可先电话联系。")
            hand_paragraph(document, "工作要求", HEITI, 16, numbered=(chinese, 0))
            headings.append(("三、工作要求", 1))
            hand_paragraph(document, "请各单位认真做好走访工作。")
        if n == 2:
            hand_paragraph(document, "一、主要工作", HEITI, 16)
            headings.append(("一、主要工作", 1))
            for text in ("完成年检", "召开理事会"):
                hand_paragraph(document, text, numbered=(circled, 0))
        if n == 3:
            for text in ("请于6月底前缴纳会费。", "会费标准按章程执行。"):
                hand_paragraph(document, text, numbered=(decimal, 0))
    hand_paragraph(document, "协会动态", XIAOBIAOSONG, 22, centred=True)
    news = ["南都电源获评优秀会员", "秘书处完成年检工作", "协会网站改版上线"]
    for k, title in enumerate(news, 1):
        hand_paragraph(document, f"{k}、{title}", FANGSONG, 16, bold=True)
        hand_paragraph(document, f"第{k}条动态的内容。")
    document.save(path)
    expected = {
        "titles": titles + ["协会动态"],
        "headings": headings,
        "numbered_text": ["①完成年检", "②召开理事会", "1、请于6月底前缴纳会费。", "2、会费标准按章程执行。"],
        "news": [f"{k}、{title}" for k, title in enumerate(news, 1)],
    }
    return path, expected


def add_notes(document, notes: dict[int, str], kind: str = "footnote") -> None:
    """A footnotes (or endnotes) part holding ``notes`` (id → text), as Word writes it."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    separators = "".join(f'<w:{kind} w:type="{t}" w:id="{k}"><w:p><w:r><w:{t}/></w:r></w:p></w:{kind}>'
                         for k, t in ((-1, "separator"), (0, "continuationSeparator")))
    own = "".join(f'<w:{kind} w:id="{k}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
                  f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>' for k, text in notes.items())
    xml = f'<w:{kind}s {NS}>{separators}{own}</w:{kind}s>'.encode()
    part = Part(PackURI(f"/word/{kind}s.xml"),
                f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml", xml, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


def note_reference(paragraph, number: int, kind: str = "footnote") -> None:
    paragraph._p.append(parse_xml(f'<w:r {NS}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  f'<w:{kind}Reference w:id="{number}"/></w:r>'))


def make_with_notes(path: Path) -> Path:
    """Three hand-formatted articles; the first cites a footnote, the second an endnote."""
    document = docx.Document()
    for n, title in enumerate(["协会召开年会", "会员风采", "秘书处通知"]):
        hand_paragraph(document, title, XIAOBIAOSONG, 22, centred=True)
        paragraph = hand_paragraph(document, f"{title}的正文")
        if n < 2:
            note_reference(paragraph, n + 1, "footnote" if n == 0 else "endnote")
        paragraph.add_run("。")
        hand_paragraph(document, f"{title}的第二段。")
    add_notes(document, {1: "年会于2026年1月10日在杭州举行。"})
    add_notes(document, {2: "详见协会网站会员专栏。"}, kind="endnote")
    document.save(path)
    return path


def _box(document, paragraph, text: str, font: str, size: float) -> None:
    """A text box anchored in ``paragraph`` holding one centred line (DrawingML + VML copy)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    holder = docx.Document()  # a throw-away paragraph formatted like hand_paragraph, moved into the box
    inner_paragraph = hand_paragraph(holder, text, font, size, centred=True)
    assert inner_paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    inner = f'<w:txbxContent {NS}>{etree_string(inner_paragraph._p)}</w:txbxContent>'
    paragraph._p.append(parse_xml(
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:txbx>{inner}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
        f'</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{inner}</v:textbox></v:shape></w:pict>'
        f'</mc:Fallback></mc:AlternateContent></w:r>'))


def etree_string(element) -> str:
    from lxml import etree

    text = etree.tostring(element, encoding="unicode")
    return re.sub(r'\s+xmlns:\w+="[^"]*"', "", text)


def _bordered(document, text: str):
    """A one-cell table with borders (the 印发 line of a 公文's 版记)."""
    table = document.add_table(rows=1, cols=1)
    table.style = document.styles["Table Grid"]
    cell = table.rows[0].cells[0]
    cell.paragraphs[0].text = ""
    _look(cell.paragraphs[0].add_run(text), FANGSONG, 14)
    return table


MINUTES_TITLE, DOC_NUMBER = "杭州市某某行业协会会议纪要", "〔2026〕12号"
ISSUED = "杭州市某某行业协会秘书处\u3000\u3000\u3000\u30002026年3月2日印发"


def make_minutes(path: Path) -> tuple[Path, list[str]]:
    """A 会议纪要 as a 公文 template lays it out: the 版头 in a text box (小标宋, red, 26 pt), the
    发文字号 under it, 一、 headings in 黑体, and the 印发 line in a bordered one-cell table.
    Returns the file and every text it holds, in reading order."""
    document = docx.Document()
    _box(document, document.add_paragraph(), MINUTES_TITLE, XIAOBIAOSONG, 26)
    hand_paragraph(document, DOC_NUMBER, FANGSONG, 16, centred=True)
    body = ["2026年3月1日，协会在杭州召开三届五次理事会，会长主持会议。", "一、审议通过年度工作报告",
            "会议认为，过去一年协会围绕服务会员开展了大量工作。", "二、研究部署下一步工作",
            "会议要求各会员单位按时报送统计数据。", "参加人员：全体理事。"]
    for text in body:
        heading = text.startswith(("一、", "二、"))
        hand_paragraph(document, text, HEITI if heading else FANGSONG, 16)
    _bordered(document, ISSUED)
    document.save(path)
    return path, [MINUTES_TITLE, DOC_NUMBER, *body, ISSUED]
