"""Limits a .docx must keep before mammoth reads it, checked by streaming its XML once.

mammoth walks the document recursively and keeps it all in memory: 47 nested tables, 3,000
nested content controls (``w:sdt``) or 2,000 nested hyperlinks exhaust Python's recursion, and
100,000 short paragraphs took more than 300 s and 2 GB. Each XML part is therefore read with
lxml's ``iterparse`` (elements cleared as they end), counting the nesting depth and the
paragraphs; what passes a limit is refused with one line naming the file and the limit. The
same pass notes a macro part (``vbaProject.bin``): it reaches the PDF/A inside the attached
original, so the editor hears of it. (Pictures only linked are the Word reader's notice.)"""

from __future__ import annotations

import io
import logging
import zipfile

from typeset.errors import SourceError

LOGGER = logging.getLogger("typeset")
MAX_DEPTH = 100  # XML elements nested in a Word part; a table in a text box in a table is ~25
MAX_PARAGRAPHS = 20_000  # a 100-page issue has ~2,000; mammoth takes ~1 s per 2,000
MAX_ELEMENTS = 2_000_000  # every element of every part (runs, properties, cells…)
MAX_PART_BYTES = 20 * 1024 * 1024  # one XML part, unpacked (the reader's own limit)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Counts:
    def __init__(self) -> None:
        self.paragraphs = self.elements = 0


def check_limits(data: bytes, name: str) -> None:
    """Refuse a .docx too deep or too long for the Word reader; warn of macros."""
    counts = Counts()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename.lower().endswith(".xml") and not info.filename.startswith("customXml/"):
                    _scan_part(archive, info, counts, name)
            _notice_macros(archive, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return  # not a sound zip: the Word reader says so, in its own words


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, counts: Counts, name: str) -> None:
    if info.file_size > MAX_PART_BYTES:
        return  # not worth streaming: the reader refuses a part this large before unpacking it
    with archive.open(info) as stream:
        _scan(stream, counts, name)


def _scan(stream, counts: Counts, name: str) -> None:
    from lxml import etree

    depth = 0
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                              no_network=True, huge_tree=False):
            if event == "end":
                depth -= 1
                element.clear(keep_tail=False)
                continue
            depth += 1
            counts.elements += 1
            counts.paragraphs += element.tag == W + "p"
            _check(depth, counts, name)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise too_deep(name) from None
        # a part mammoth does not read may be odd; a broken body is reported by the reader


def _check(depth: int, counts: Counts, name: str) -> None:
    if depth > MAX_DEPTH:
        raise too_deep(name)
    if counts.paragraphs > MAX_PARAGRAPHS:
        raise SourceError(f"Word 文件的段落超过 {MAX_PARAGRAPHS} 段，不像是一期会刊：请拆成几个栏目文件，或删去多余的空段落。", name)
    if counts.elements > MAX_ELEMENTS:
        raise SourceError(f"Word 文件的内容过于复杂（超过 {MAX_ELEMENTS // 10000} 万个元素）：请在 Word 中删去多余内容后另存为 .docx。", name)


def too_deep(name: str) -> SourceError:
    return SourceError(f"Word 文件的内容嵌套超过 {MAX_DEPTH} 层（表格套表格、内容控件或超链接层层嵌套），无法读取："
                       "请在 Word 中取消多余的嵌套后另存为 .docx。", name)


def _notice_macros(archive: zipfile.ZipFile, name: str) -> None:
    names = {info.filename.lower() for info in archive.infolist()}
    if any(part.endswith("vbaproject.bin") for part in names):
        LOGGER.warning("%s: Word 文件里带有宏（vbaProject.bin）：宏不会运行，也不排入会刊，但 PDF/A 存档版附的原文件里仍带着它。"
                       "如不想存档带宏，请在 Word 中另存为不含宏的 .docx", name)

