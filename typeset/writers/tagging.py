"""Tagged PDFs (the print, press and archive editions): WeasyPrint's ``pdf_tags`` structure
tree, finished here where WeasyPrint 70 leaves it wrong.

WeasyPrint writes a ``/Figure``'s layout ``/BBox`` in CSS pixels measured from the top of the
page; PDF wants user space, points from the bottom-left corner (ISO 32000-1, 14.8.5.4.3), else a
screen reader or a PDF/UA checker finds most pictures outside their page. It also leaves the
page furniture drawn in the margin boxes (running heads, folios: ``/NonStruct`` elements) out of
the tree, naming ``/Document`` as their parent while ``/Document`` does not list them: their
marked content is reachable from nowhere. Page furniture is no content (PDF/UA-1, 7.8): it is
marked as an artifact here, and the ParentTree forgets it."""

from __future__ import annotations

CSS_PX_IN_PT = 0.75  # WeasyPrint draws at zoom 1: 1 CSS px = 0.75 pt


def finish_tags(document, pdf) -> None:
    """A ``write_pdf`` finisher for every tagged edition."""
    figure_boxes_in_user_space(document, pdf)
    furniture_as_artifacts(pdf)


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




def furniture_as_artifacts(pdf) -> None:
    """Every structure element its parent does not list (the margin boxes') leaves the tree:
    its marked content becomes ``/Artifact`` and its ParentTree entries ``null``."""
    import pydyf

    objects = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Object) and obj.number is not None}
    elements = [obj for obj in objects.values() if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"]
    orphans = [e for e in elements if e.reference not in (objects.get(e.get("P"), {}).get("K") or ())]
    pages = {reference: number for number, reference in enumerate(pdf.page_references)}
    furniture: dict[int, set[int]] = {}  # page number → its MCIDs to unmark
    for orphan in orphans:
        _collect_marks(orphan, objects, pages, furniture)
    parent_tree = _parent_tree(objects)
    for number, mcids in furniture.items():
        entries = parent_tree[2 * number + 1] if parent_tree else None
        for mcid in mcids:
            if isinstance(entries, pydyf.Array) and mcid < len(entries):
                entries[mcid] = "null"
        for stream in _page_streams(objects[pdf.page_references[number]], objects):
            stream.stream = _unmark(stream.stream, mcids)


def _collect_marks(element, objects, pages, furniture) -> None:
    for kid in element.get("K") or ():
        if isinstance(kid, int):
            furniture.setdefault(pages[element["Pg"]], set()).add(kid)
        elif kid in objects:
            _collect_marks(objects[kid], objects, pages, furniture)


def _parent_tree(objects):
    root = next((o for o in objects.values() if getattr(o, "get", None) and o.get("Type") == "/StructTreeRoot"), None)
    mapping = objects.get(root.get("ParentTree")) if root is not None else None
    return mapping.get("Nums") if mapping is not None else None


def _page_streams(page, objects) -> list:
    contents = page["Contents"]
    references = list(contents) if isinstance(contents, list) else [contents]
    return [objects[reference] for reference in references if reference in objects]


def _unmark(items: list, mcids: set[int]) -> list:
    """``/Span <</MCID n>> BDC`` → ``/Artifact BMC`` for the MCIDs given (the same EMC ends it)."""
    import pydyf

    out, unmarked = [], False
    for item in items:
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and out and str(out[-1]).startswith("/"):
            out[-1], unmarked = "/Artifact", True  # the tag before it; the property list goes
            continue
        if unmarked and item == b"BDC":
            out.append(b"BMC")
            unmarked = False
            continue
        out.append(item)
    return out
