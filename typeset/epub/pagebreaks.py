"""Print page numbers in the EPUB: a ``pagebreak`` marker where each page of the print edition
begins (``typeset.writers.layout.page_starts``), and the entries of the ``page-list`` nav."""

from __future__ import annotations

import logging

from lxml import etree

from typeset.epub.documents import EPUB_NS, XHTML_NS, Document, strip_forbidden

LOGGER = logging.getLogger("typeset.epub")


def marker(number: int) -> etree._Element:
    """``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>``."""
    span = etree.Element(f"{{{XHTML_NS}}}span")
    span.set(f"{{{EPUB_NS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", f"page-{number}")
    span.set("aria-label", str(number))
    return span


def insert_markers(documents: list[Document], starts, texts: dict[str, str]) -> list[dict]:
    """Put a marker at each page start; return the page-list entries (label, href) in order.

    ``texts`` maps block ids to the model's text, whose offsets ``starts`` counts in."""
    index = _index(documents)
    pages = []
    for start in starts:
        found = index.get(start.anchor)
        if found is None:
            LOGGER.warning("纸质版第 %s 页的起点（%s）在 EPUB 中找不到，页码表中略去这一页。", start.number, start.anchor)
            continue
        doc, element = found
        element = _with_section_title(element) if start.offset == 0 else element
        offset = len(strip_forbidden(texts.get(start.anchor, "")[: start.offset]))
        _place(element, marker(start.number), offset)
        pages.append({"label": str(start.number), "href": f"{doc.file_name}#page-{start.number}"})
    return pages


def _with_section_title(element: etree._Element) -> etree._Element:
    """An article opening its section: the page begins before the section's title."""
    before = element.getprevious()
    if before is not None and "section-title" in (before.get("class") or "").split():
        return element.getparent()
    return element


def _index(documents: list[Document]) -> dict[str, tuple[Document, etree._Element]]:
    index = {}
    for doc in documents:
        for element in doc.tree.getroot().iter():
            anchor = element.get("id") if isinstance(element.tag, str) else None
            if anchor and anchor not in index:
                index[anchor] = (doc, element)
    return index


TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr"})  # where no span may stand


def _place(element: etree._Element, span: etree._Element, offset: int) -> None:
    """Insert ``span`` before character ``offset`` of ``element``'s text (descendants included).
    A table takes markers only inside its cells, or else just before it."""
    table = _local(element) == "table"
    if offset <= 0:
        element.addprevious(span) if table else _insert_at_start(element, span)
        return
    seen = 0
    for owner, is_tail, text in _text_nodes(element):
        if _local(owner.getparent() if is_tail else owner) in TABLE_PARTS:
            continue  # the white space between rows and cells
        if seen + len(text) > offset:
            split = offset - seen
            if is_tail:
                _insert_into_tail(owner, span, split)
            else:
                _insert_into_text(owner, span, split)
            return
        seen += len(text)
    if table:
        element.addnext(span)
    else:
        element.append(span)  # past the end: the page begins right after this element's text


def _local(element: etree._Element | None) -> str:
    return etree.QName(element).localname if element is not None and isinstance(element.tag, str) else ""


def _insert_at_start(element: etree._Element, span: etree._Element) -> None:
    """Before the element's content, but after markers already there (pages keep their order)."""
    position = 0
    if not (element.text or "").strip():
        while position < len(element) and _is_marker(element[position]):
            position += 1
            if (element[position - 1].tail or "").strip():
                break
    if position == 0:
        _insert_into_text(element, span, 0)
    else:
        _insert_into_tail(element[position - 1], span, 0)


def _is_marker(element: etree._Element) -> bool:
    return element.get(f"{{{EPUB_NS}}}type") == "pagebreak"


def _text_nodes(element: etree._Element):
    """(element, is_tail, text) for every piece of text inside ``element``, in document order."""
    if element.text:
        yield element, False, element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _text_nodes(child)
        if child.tail:
            yield child, True, child.tail


def _insert_into_text(element: etree._Element, span: etree._Element, split: int) -> None:
    text = element.text or ""
    element.text, span.tail = (text[:split] or None), (text[split:] or None)
    element.insert(0, span)


def _insert_into_tail(element: etree._Element, span: etree._Element, split: int) -> None:
    tail = element.tail or ""
    element.tail, span.tail = (tail[:split] or None), (tail[split:] or None)
    element.addnext(span)
