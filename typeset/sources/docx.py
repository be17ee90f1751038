"""The Word reader: a .docx → the same paragraphs the text reader classifies (``text.read_lines``).

mammoth turns the document body into simple HTML (measured 2026-11-26 against python-docx 1.2
and docx2python 3.7 on a file with every feature below: only mammoth kept tracked insertions
and dropped deletions, read a text box once, left headers out and kept tables and captions
apart); this module reads that HTML:

- 标题 1/Heading 1/标题/Title → article title; 标题 2/Heading 2 → sub-heading, 标题 3 one below;
- 题注/Caption (or a paragraph opening 图/图1) right after a picture → its caption;
- pictures (inline or floating) → figures, their bytes named ``文件.docx#word/media/…``;
- tables → ``Table`` (header: the rows marked to repeat, else the first row);
- bold runs and hyperlinks → inline marks; font, size and colour are dropped;
- a bulleted list's entries → items (like ``*``); footnotes and endnotes → notes (``Note``),
  their references ``[1]`` marked (``note``) so the note closes the article that cites it;
- direct formatting and Word's automatic numbering: see ``docx_format``;
- everything else is text for the text conventions (☆, 一、, 一是, *, news numbering).

Paragraph N of the document (non-empty, table cells included) is line N of the ``SourceFile``
text, so checks and errors say ``文件.docx:第N段``.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from xml.parsers.expat import ExpatError

from typeset.errors import SourceError
from typeset.model import Cell, Figure, Mark, Note, Origin, Picture, Table
from typeset.sources.docx_format import CONTINUED_STYLE, DOC_NUMBER, HEADING_STYLES, TITLE_STYLE, annotate
from typeset.sources.text import BLANKS, Line, is_article_title

MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # every member, pictures included
MAX_XML_BYTES = 20 * 1024 * 1024  # one XML part: mammoth's minidom takes ~70× (1.4 GB); a 100-page issue ~3 MB
MAX_RATIO = 200  # unpacked ÷ packed of one member: Word's XML packs ~10×, a bomb ~1000×
STYLE_MAP = "\n".join([
    "p[style-name='标题 1'] => h1:fresh", "p[style-name='标题'] => h1:fresh", "p[style-name='Title'] => h1:fresh",
    "p[style-name='标题 2'] => h2:fresh", "p[style-name='标题 3'] => h3:fresh",
    "p[style-name='Caption'] => p.caption:fresh", "p[style-name='caption'] => p.caption:fresh",
    "p[style-name='题注'] => p.caption:fresh",
    f"p[style-name='{TITLE_STYLE}'] => h1:fresh", f"p[style-name='{CONTINUED_STYLE}'] => h1.continued:fresh",
    *(f"p[style-name='{name}'] => h{level + 1}:fresh" for level, name in HEADING_STYLES.items()),
])
_CAPTION_TEXT = re.compile(r"^图(?:[\s\u3000：:为]|[0-9０-９一二三四五六七八九十]+)")  # 图1 图 图为…, not 图书…
_REVISION = re.compile(rb"<w:(ins|del|moveFrom|moveTo)\b")
_LINKED_PICTURE = re.compile(rb"<a:blip\b(?![^>]*\br:embed=)[^>]*\br:link=")  # linked, not stored in the file
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_NOT_IN_URL = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')  # percent-encoded: EPUBCheck refuses them raw (RSC-020)
_BACK_LINKS = ("#footnote-ref-", "#endnote-ref-")  # mammoth's ↑ after a note: not the document's text
_NOTE_REFS = ("#footnote-", "#endnote-")
_ISSUED = re.compile(r"(?:印发|印制)[\s\u3000]*$")
OTHER_FORMATS = (".doc", ".wps", ".rtf", ".odt")
NO_STRUCTURE = (0, "没有找到标题：文中没有“标题 1”样式、没有居中放大的标题行，也没有“☆ 标题”行，全文会排成一篇没有标题的文章。"
                   "请在 Word 中把每篇文章的标题设为“标题 1”样式（或居中、加大字号），或在标题前加“☆”")
NOT_WORD = "不是有效的 Word 文件（.docx），可能已损坏或只是改了扩展名：请在 Word 或 WPS 中打开后另存为 .docx。"


@dataclass
class Read:
    """A .docx as paragraphs: ``lines`` for the text reader, ``texts[N-1]`` = 第N段's text."""

    name: str
    media: dict[str, str]
    lines: list[Line] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def number(self, text: str) -> int:
        self.texts.append(text)
        return len(self.texts)


def other_format_message(suffix: str) -> str:
    return (f"{suffix} 格式不能直接排版：请在 Word 或 WPS 中打开，选“文件 → 另存为”，"
            "保存类型选“Word 文档（*.docx）”，再用 .docx 文件排版。")


def read_docx(data: bytes, name: str) -> tuple[list[Line], str, tuple[tuple[int, str], ...], list[Note]]:
    """The paragraphs of a .docx, its text (one paragraph a line), what check should say and
    its notes (footnotes, endnotes)."""
    import mammoth
    from lxml import html

    media = _media_names(data, name)
    read = Read(name, media)
    try:
        annotated, structured, dangling = annotate(data)
        result = mammoth.convert_to_html(io.BytesIO(annotated), style_map=STYLE_MAP, external_file_access=False,
                                         convert_image=mammoth.images.img_element(lambda image: _keep(read, image)))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ExpatError):  # what mammoth raises on a broken file
        raise SourceError(NOT_WORD, name) from None
    if result.value.strip():
        for element in html.fragment_fromstring(result.value, create_parent="div"):
            _element(read, element)
    if not "".join(read.texts).strip() and not read.images:
        raise SourceError("Word 文件中没有正文，请放入会刊正文。", name)
    _doc_number_under_title(read.lines)
    notices = _notices(data) + (() if structured or _marked(read) else (NO_STRUCTURE,))
    if dangling:
        notices += ((0, f"文档中有 {dangling} 处脚注或尾注标记找不到注释内容（文件可能不完整），已略去这些标记。"
                        "请在 Word 中检查脚注，删去空的注号或重新插入脚注后保存"),)
    return read.lines, "\n".join(read.texts) + "\n", notices, read.notes


def _doc_number_under_title(lines: list[Line]) -> None:
    """A 发文字号 read before its 版头 (a text box anchored lower down) goes under it, so it
    opens that article instead of closing the one before."""
    for k in range(len(lines) - 1):
        if DOC_NUMBER.match(lines[k].text) and lines[k + 1].role == "title":
            lines[k], lines[k + 1] = lines[k + 1], lines[k]


def _marked(read: Read) -> bool:
    return any(line.role == "title" or (line.block is None and is_article_title(line.text)) for line in read.lines)


def _media_names(data: bytes, name: str) -> dict[str, str]:
    """Image bytes (by digest) → ``文件.docx#word/media/image1.png``; refuses zip bombs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _refuse_bombs(infos, name)
            media = [info.filename for info in infos if info.filename.startswith("word/media/")]
            return {hashlib.sha256(archive.read(m)).hexdigest(): f"{name}#{m}" for m in sorted(media)}
    except zipfile.BadZipFile:
        raise SourceError(NOT_WORD, name) from None


def _refuse_bombs(infos: list[zipfile.ZipInfo], name: str) -> None:
    """The members' declared sizes checked before anything is unpacked (zipfile stops reading a
    member at its declared size, so a lying header cannot unpack more)."""
    too_big = sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES or any(
        (info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_BYTES)
        or info.file_size > MAX_RATIO * max(info.compress_size, 1024) for info in infos)
    if too_big:
        raise SourceError(f"Word 文件解压后过大（超过 {MAX_UNPACKED_BYTES >> 20} MB，或正文超过 {MAX_XML_BYTES >> 20} MB），不像是会刊："
                          "请在 Word 中删去多余内容、压缩图片后另存为 .docx。", name)


def _keep(read: Read, image) -> dict[str, str]:
    with image.open() as stream:
        read.images.append(stream.read())
    return {"src": f"docx-image:{len(read.images) - 1}"}


def _notices(data: bytes) -> tuple[tuple[int, str], ...]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
        body = b"".join(archive.read(n) for n in names if n.startswith("word/document"))
        comments = b"".join(archive.read(n) for n in names if n.startswith("word/comments"))
    notices = []
    if _REVISION.search(body):
        notices.append((0, "文档中有未接受的修订：已按“全部接受”排版（保留插入，删去删除）。请在 Word 中接受或拒绝修订后再定稿（PDF/A 存档版附的原文件里仍有被删去的文字）"))
    if b"<w:comment " in comments:
        notices.append((0, "文档中有批注：批注不排入会刊，已略去（PDF/A 存档版附的原文件里仍有批注）"))
    linked = len(_LINKED_PICTURE.findall(body))
    if linked:
        notices.append((0, f"文档中有 {linked} 张“链接到文件”的图片：图片本身不在 Word 文件里，没有排入会刊。"
                           "请在 Word 中删去它，用“插入 → 图片”重新插入（不选“链接到文件”）后保存"))
    return tuple(notices)


def _element(read: Read, element) -> None:
    tag = element.tag
    if tag == "h1" and _continues_title(read, element):
        return
    if tag == "h1":
        _text_line(read, element, role="title")
    elif tag in ("h2", "h3"):
        _text_line(read, element, role="heading", level=int(tag[1]) - 1)
    elif tag == "ol" and _are_notes(element):
        for item in element.iterchildren("li"):
            _note(read, item)
    elif tag in ("ul", "ol"):
        for item in element.iterchildren("li"):
            _paragraph(read, item, role="item" if tag == "ul" else "")
            for inner in item.iterchildren("ul", "ol"):
                _element(read, inner)
    elif tag == "table":
        _table(read, element)
    else:
        _paragraph(read, element)


def _continues_title(read: Read, element) -> bool:
    """A title set by hand over two paragraphs (``关于……的`` / ``通知``) is one title: a
    formatted title line right after another is joined to it (its paragraph still counted)."""
    last = read.lines[-1] if read.lines else None
    if "continued" not in element.get("class", "") or last is None or last.role != "title":
        return False
    text, _ = inline(element)
    if text and last.number == len(read.texts):
        read.lines[-1] = replace(last, text=last.text + text)
        read.number(text)
        return True
    return False


def _are_notes(element) -> bool:
    return any(li.get("id", "").startswith(("footnote-", "endnote-")) for li in element.iterchildren("li"))


def _note(read: Read, item) -> None:
    """One footnote or endnote: its paragraphs (each counted) joined like a cell's."""
    texts = [inline(p) for p in (item.findall("p") or [item])]
    numbers = [read.number(text) for text, _ in texts if text]
    key = item.get("id", "")
    cell = _cell(texts)
    origin = Origin(read.name, numbers[0] if numbers else read.number(""))
    read.notes.append(Note(key.rsplit("-", 1)[-1], cell.text, origin, key=key, marks=cell.marks))


def _paragraph(read: Read, element, role: str = "") -> None:
    images = [img for img in element.iter("img") if img.get("src", "").startswith("docx-image:")]
    if images:
        pictures = tuple(_picture(read, img) for img in images)
        read.lines.append(Line(read.number(""), "", block=Figure(pictures, Origin(read.name, len(read.texts)))))
    text, _ = inline(element)
    if text and _is_caption(read, element, text):
        return _caption(read, text)
    _text_line(read, element, role)


def _picture(read: Read, img) -> Picture:
    data = read.images[int(img.get("src").split(":")[1])]
    source = read.media.get(hashlib.sha256(data).hexdigest(), f"{read.name}#{img.get('src')}")
    return Picture(source=source, caption="", data=data)


def _is_caption(read: Read, element, text: str) -> bool:
    last = read.lines[-1].block if read.lines else None
    if not isinstance(last, Figure) or last.pictures[-1].caption:
        return False
    return "caption" in element.get("class", "") or bool(_CAPTION_TEXT.match(text))


def _caption(read: Read, text: str) -> None:
    line = read.lines[-1]
    figure = line.block
    pictures = figure.pictures[:-1] + (replace(figure.pictures[-1], caption=text),)
    read.number(text)
    read.lines[-1] = replace(line, block=replace(figure, pictures=pictures))


def _text_line(read: Read, element, role: str = "", level: int = 0) -> None:
    text, marks = inline(element)
    if text:
        kept = marks if role in ("", "item") else ()  # a title or heading is bold by its style
        read.lines.append(Line(read.number(text), text, role=role, level=level, marks=kept))


def _issuing_lines(read: Read, element) -> bool:
    """A 公文's 版记 set as a small bordered table (``…秘书处　2026年3月2日印发``, perhaps a
    抄送 row above it) → one paragraph a row at the article's foot, flowing with its text."""
    rows = element.findall(".//tr")
    cells = [[inline(p) for td in tr.iterchildren("td", "th") for p in (td.findall("p") or [td])] for tr in rows]
    if not rows or len(rows) > 3 or not any(_ISSUED.search(text) for row in cells for text, _ in row):
        return False
    for row in cells:
        texts = [text for text, _ in row if text]
        numbers = [read.number(text) for text in texts]
        if texts:
            read.lines.append(Line(numbers[0], "\u3000\u3000".join(texts)))
    return True


def _table(read: Read, element) -> None:
    if _issuing_lines(read, element):
        return
    rows, first = [], 0
    for tr in element.iter("tr"):
        cells = []
        for td in tr.iterchildren("td", "th"):
            texts = [inline(p) for p in (td.findall("p") or [td])]
            numbers = [read.number(text) for text, _ in texts if text]
            first = first or (numbers[0] if numbers else 0)
            cells.append(_cell(texts))
        rows.append(tuple(cells))
    if rows:
        header = len(element.findall("thead/tr")) or 1
        origin = Origin(read.name, first or read.number(""))
        read.lines.append(Line(origin.line, "", block=Table(tuple(rows), origin, header_rows=header)))


def _cell(texts: list[tuple[str, tuple[Mark, ...]]]) -> Cell:
    """A cell's paragraphs, joined by newlines, with their marks moved along."""
    text, marks = "", []
    for part, part_marks in texts:
        if not part:
            continue
        if text:
            text += "\n"
        marks += [replace(m, start=m.start + len(text), end=m.end + len(text)) for m in part_marks]
        text += part
    return Cell(text, tuple(marks))


def inline(element) -> tuple[str, tuple[Mark, ...]]:
    """An element's text, indent and trailing blanks left out, with its bold and link marks."""
    pieces = list(_pieces(element, False, ""))
    text = "".join(piece for piece, _, _, _ in pieces)
    indent = len(text) - len(text.lstrip(BLANKS))
    stripped = text.strip(BLANKS)
    marks, pos = [], -indent
    for piece, strong, href, note in pieces:
        for kind, on in (("strong", strong), ("link", href), ("note", note)):
            if on:
                _extend(marks, Mark(max(pos, 0), min(pos + len(piece), len(stripped)), kind, "" if kind == "strong" else on))
        pos += len(piece)
    return stripped, tuple(m for m in marks if m.end > m.start)


def _extend(marks: list[Mark], mark: Mark) -> None:
    for index, other in enumerate(marks):
        if (other.kind, other.href) == (mark.kind, mark.href) and other.end == mark.start:
            marks[index] = replace(other, end=mark.end)
            return
    marks.append(mark)


def _url(href: str) -> str:
    """A link target as a valid URL: spaces, quotes and the like percent-encoded."""
    return _NOT_IN_URL.sub(lambda match: "".join(f"%{byte:02X}" for byte in match.group().encode()), href.strip())


def _pieces(element, strong: bool, href: str, note: str = ""):
    """(text, bold, link, note key) pieces in order; pictures, nested lists and tables are not text here."""
    if element.text:
        yield element.text.replace("\n", ""), strong, href, note
    for child in element:
        target = child.get("href", "") if child.tag == "a" else ""
        if target.startswith(_BACK_LINKS):
            pass
        elif target.startswith(_NOTE_REFS):
            yield from _pieces(child, strong, "", target[1:])
        elif child.tag not in ("img", "ul", "ol", "table") and isinstance(child.tag, str):
            link = _url(target)
            yield from _pieces(child, strong or child.tag in ("strong", "b"),
                               link if link.startswith(_LINK_SCHEMES) else href, note)
        if child.tail:
            yield child.tail.replace("\n", ""), strong, href, note
