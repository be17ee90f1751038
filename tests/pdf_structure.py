"""A walk of a tagged PDF's structure tree (pypdf): what a screen reader or a PDF/UA checker
follows from the catalogue's /StructTreeRoot to the marked content of each page."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject, NumberObject

MCID = re.compile(rb"/MCID\s+(\d+)")
ARTIFACT = re.compile(rb"/Artifact\s+BMC")


@dataclass
class Structure:
    lang: str
    types: Counter = field(default_factory=Counter)
    reached: set[tuple[int, int]] = field(default_factory=set)  # (page, MCID) under the tree
    marked: set[tuple[int, int]] = field(default_factory=set)  # (page, MCID) in the content streams
    artifacts: int = 0  # /Artifact marked-content sequences (page furniture)
    parent_tree: set[tuple[int, int]] = field(default_factory=set)  # (page, MCID) the ParentTree maps
    figures: list[tuple[str, list[float], list[float]]] = field(default_factory=list)  # alt, BBox, MediaBox

    @property
    def outside(self) -> list:
        """Figures whose box is not inside their page's media box."""
        return [(alt, box) for alt, box, media in self.figures
                if not (media[0] <= box[0] <= box[2] <= media[2] and media[1] <= box[1] <= box[3] <= media[3])]


def walk(path: Path) -> Structure:
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    found = Structure(str(root.get("/Lang", "")))
    for number, page in enumerate(reader.pages):
        content = page.get_contents().get_data()
        found.marked |= {(number, int(m)) for m in MCID.findall(content)}
        found.artifacts += len(ARTIFACT.findall(content))
    tree = root["/StructTreeRoot"].get_object()
    _element(tree, None, pages, found, reader)
    _parent_tree(tree["/ParentTree"].get_object(), reader, found)
    return found


def _element(element, page, pages, found: Structure, reader) -> None:
    if isinstance(element, IndirectObject):
        element = element.get_object()
    if isinstance(element, NumberObject) or isinstance(element, int):
        found.reached.add((page, int(element)))
        return
    if not isinstance(element, DictionaryObject):
        return
    if "/Pg" in element:
        page = pages[element.raw_get("/Pg").idnum]
    if element.get("/Type") == "/MCR":
        found.reached.add((page, int(element["/MCID"])))
        return
    kind = element.get("/S")
    if kind:
        found.types[str(kind)[1:]] += 1
    if kind == "/Figure":
        box = [float(v) for v in element.get("/A", {}).get("/BBox", [])]
        media = [float(v) for v in reader.pages[page].mediabox]
        found.figures.append((str(element.get("/Alt", "")), box, media))
    kids = element.get("/K")
    for kid in kids if isinstance(kids, ArrayObject) else ([kids] if kids is not None else []):
        _element(kid, page, pages, found, reader)


def _parent_tree(tree, reader, found: Structure) -> None:
    """The ParentTree's entry of each page: MCID n → the element holding it."""
    structure_parents = {int(p["/StructParents"]): n for n, p in enumerate(reader.pages) if "/StructParents" in p}
    nums = tree.get("/Nums", [])
    for key, value in zip(nums[::2], nums[1::2]):
        value = value.get_object()
        if int(key) in structure_parents and isinstance(value, ArrayObject):
            page = structure_parents[int(key)]
            found.parent_tree |= {(page, mcid) for mcid, parent in enumerate(value)
                                  if not isinstance(parent.get_object(), (NullObject, type(None)))}
