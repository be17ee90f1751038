"""The EPUB package: ebooklib writes the OPF, the NCX and the container; the result is then
re-zipped reproducibly (fixed timestamps, stable order, ``mimetype`` first and stored) with the
few things ebooklib cannot say (``xml:lang`` on ``<package>``, Apple's display options)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile

from ebooklib import epub
from lxml import etree

from typeset.model import IssueMeta
from typeset.render import date_label

OPF_PATH = "EPUB/content.opf"
NCX_PATH = "EPUB/toc.ncx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "zh-CN"
APPLE_OPTIONS_PATH = "META-INF/com.apple.ibooks.display-options.xml"
APPLE_OPTIONS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<display_options>\n<platform name="*">\n'
                 b'<option name="specified-fonts">true</option>\n</platform>\n</display_options>\n')
FIRST = ("mimetype", "META-INF/container.xml", APPLE_OPTIONS_PATH, OPF_PATH)


def book_title(meta: IssueMeta) -> str:
    return f"{meta.title} {meta.issue_label}"


def identifier(meta: IssueMeta) -> str:
    """A stable ``urn:uuid:`` from 刊名 and 总期号 (or year and number without one)."""
    number = f"serial:{meta.serial}" if meta.serial else f"issue:{meta.year}-{meta.number}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:typeset:bulletin:{meta.title}:{number}')}"


def new_book(meta: IssueMeta, has_cover: bool, has_pages: bool, has_pictures: bool = False) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier(identifier(meta))
    book.set_title(book_title(meta))
    book.set_language(LANGUAGE)
    book.add_author(meta.publisher)
    book.add_metadata("DC", "publisher", meta.publisher)
    book.add_metadata("DC", "date", meta.date.isoformat())
    serial = meta.serial_label
    book.add_metadata("DC", "description", f"{meta.title} {meta.issue_label}{serial}，{meta.publisher}编印，{date_label(meta.date)}。")
    _collection(book, meta)
    _accessibility(book, meta, has_cover, has_pages, has_pictures)
    return book


def _meta(book: epub.EpubBook, value: str, **attributes: str) -> None:
    attributes = {key.replace("_", "-"): val for key, val in attributes.items()}
    book.add_metadata(None, "meta", value, attributes)


def _collection(book: epub.EpubBook, meta: IssueMeta) -> None:
    _meta(book, meta.title, property="belongs-to-collection", id="collection")
    _meta(book, "series", refines="#collection", property="collection-type")
    if meta.serial:
        _meta(book, str(meta.serial), refines="#collection", property="group-position")


def _accessibility(book: epub.EpubBook, meta: IssueMeta, has_cover: bool, has_pages: bool,
                   has_pictures: bool = False) -> None:
    """EPUB Accessibility 1.1 metadata, with the print edition as the page break source."""
    modes = ["textual"] + (["visual"] if has_cover or has_pictures else [])
    for mode in modes:
        _meta(book, mode, property="schema:accessMode")
    _meta(book, "textual", property="schema:accessModeSufficient")
    features = ["tableOfContents", "readingOrder"] + (["printPageNumbers"] if has_pages else [])
    features += ["structuralNavigation"]
    features += ["alternativeText"] if has_cover or has_pictures else []
    for feature in features:
        _meta(book, feature, property="schema:accessibilityFeature")
    _meta(book, "none", property="schema:accessibilityHazard")
    _meta(book, accessibility_summary(meta, has_cover, has_pages, has_pictures), property="schema:accessibilitySummary")
    _meta(book, "EPUB Accessibility 1.1 - WCAG 2.1 Level AA", property="dcterms:conformsTo")
    if has_pages:
        _meta(book, print_edition(meta), property="pageBreakSource")


def print_edition(meta: IssueMeta) -> str:
    return f"《{meta.title}》{meta.issue_label}印刷版（PDF，{meta.paper}）"


def accessibility_summary(meta: IssueMeta, has_cover: bool, has_pages: bool, has_pictures: bool = False) -> str:
    pages = f"，标有{print_edition(meta)}的页码" if has_pages else ""
    cover = "封面图片附有文字说明；" if has_cover else ""
    cover += "文中图片以图注作为替代文字；" if has_pictures else ""
    content = "全书以文字为主，另有配图" if has_pictures else "全书为文字内容"
    return (f"本书是《{meta.title}》{meta.issue_label}的电子版，与印刷版文字相同。{content}，"
            f"按阅读顺序排列，有目录和分级标题{pages}；{cover}不含闪烁、声音或动态内容。")


def write(book: epub.EpubBook, meta: IssueMeta) -> bytes:
    """ebooklib's EPUB, re-zipped reproducibly."""
    raw = io.BytesIO()
    modified = meta.moment.replace(tzinfo=None)
    options = {"mtime": modified, "epub2_guide": False, "epub3_landmark": False, "epub3_pages": False}
    writer = epub.EpubWriter(raw, book, options)
    writer.process()
    writer.write()
    return rezip(raw.getvalue(), meta.date)


def rezip(data: bytes, date: dt.date) -> bytes:
    # A ZIP entry's date runs from 1980 to 2107 (config keeps issue dates within that, too).
    stamp = min(max((date.year, date.month, date.day, 0, 0, 0), (1980, 1, 1, 0, 0, 0)), (2107, 12, 31, 0, 0, 0))
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries[APPLE_OPTIONS_PATH] = APPLE_OPTIONS
    entries[OPF_PATH] = _set_language(entries[OPF_PATH])
    entries[NCX_PATH] = _set_language(entries[NCX_PATH])
    order = [name for name in FIRST if name in entries] + sorted(set(entries) - set(FIRST))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name], compresslevel=None if stored else 9)
    return out.getvalue()


def _set_language(xml: bytes) -> bytes:
    """``xml:lang`` on the root element (ebooklib writes none on ``<package>`` and ``<ncx>``)."""
    tree = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    tree.set(XML_LANG, LANGUAGE)
    doctype = tree.getroottree().docinfo.doctype
    return etree.tostring(tree.getroottree(), xml_declaration=True, encoding="utf-8", doctype=doctype or None)
