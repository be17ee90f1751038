"""Tagged PDFs (the print, press and archive editions): WeasyPrint's ``pdf_tags`` structure
tree, finished here where WeasyPrint 70 leaves it wrong.

WeasyPrint writes a ``/Figure``'s layout ``/BBox`` in CSS pixels measured from the top of the
page; PDF wants user space, points from the bottom-left corner (ISO 32000-1, 14.8.5.4.3), else a
screen reader or a PDF/UA checker finds most pictures outside their page. It also leaves the
page furniture drawn in the margin boxes (running heads, folios: ``/NonStruct`` elements) out of
the tree, naming ``/Document`` as their parent while ``/Document`` does not list them: their
marked content is reachable from nowhere. They are adopted at the end of ``/Document``.
(Marking them as artifacts instead would mean rewriting the content streams.)"""

from __future__ import annotations

CSS_PX_IN_PT = 0.75  # WeasyPrint draws at zoom 1: 1 CSS px = 0.75 pt


def finish_tags(document, pdf) -> None:
    """A ``write_pdf`` finisher for every tagged edition."""
    figure_boxes_in_user_space(document, pdf)
    adopt_orphans(pdf)


def figure_boxes_in_user_space(document, pdf) -> None:
    """A ``write_pdf`` finisher: every ``/Figure``'s ``/BBox`` moved into its page's user space,
    through the same transform WeasyPrint draws the page with (y flipped at the page height)."""
    import pydyf

    pages = {str(reference): number for number, reference in enumerate(pdf.page_references)}
    for element in pdf.objects:
        if not (isinstance(element, pydyf.Dictionary) and element.get("S") == "/Figure"):
            continue
        layout = element.get("A")
        if not isinstance(layout, pydyf.Dictionary) or "BBox" not in layout or "Pg" not in element:
            continue
        height = document.pages[pages[str(element["Pg"])]].height
        x1, y1, x2, y2 = (float(value) for value in layout["BBox"])
        layout["BBox"] = pydyf.Array([round(v * CSS_PX_IN_PT, 3) for v in (x1, height - y2, x2, height - y1)])



def adopt_orphans(pdf) -> None:
    """Every structure element listed in its parent's ``/K``, in the order they were made."""
    import pydyf

    elements = [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"]
    by_reference = {element.reference: element for element in elements}
    for element in elements:
        parent = by_reference.get(element.get("P"))
        kids = parent.get("K") if parent is not None else None
        if isinstance(kids, pydyf.Array) and element.reference not in kids:
            kids.append(element.reference)
