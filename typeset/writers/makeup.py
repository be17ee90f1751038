"""Page makeup (拼版) by arithmetic on one layout: the laid-out pages read as a flow of atoms (a
line of text, a figure, a table, the colophon) with their heights and the space above each, and
a small compositor that breaks that flow into pages again under the print style's rules (no
paragraph leaves fewer than 2 lines at a page's foot or head, a heading stays with what follows,
a figure is never split). It predicts, without another WeasyPrint layout, what a change would do:
a figure moved past the paragraphs that follow it or scaled down, the lines tightened by copy
fitting. On the measured flow it reproduces WeasyPrint's own page breaks (``agrees``); when it
does not, its predictions are not used.

Reads WeasyPrint's laid-out box tree (``page._page_box``, private): guarded, and a page it cannot
read makes the flow unknown (None) rather than a guess."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

EPS = 0.01  # px: rounding in WeasyPrint's layout
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
ORPHANS = WIDOWS = 2  # the print style's (p { orphans: 2; widows: 2 })


@dataclass(frozen=True)
class Atom:
    """One unbreakable piece of the flow. ``owner``: the element it belongs to (the lines of a
    paragraph share it); ``gap``: the space above it when it does not open a page; ``image``:
    a figure's picture height (what scaling shrinks)."""

    kind: str  # "line", "figure", "block"
    height: float
    gap: float
    owner: object
    page: int
    tag: str = ""
    figure: str = ""  # a figure's id
    image: float = 0.0
    margin_top: float = 0.0
    margin_bottom: float = 0.0

    @property
    def keeps_with_next(self) -> bool:
        return self.kind == "line" and self.tag in HEADINGS


@dataclass(frozen=True)
class Flow:
    atoms: tuple[Atom, ...]
    room: float  # the type area's height (px)
    starts: tuple[int, ...]  # index of each page's first atom, as laid out
    pages: int

    def fill(self) -> list[float]:
        """Each measured page's used share of the type area."""
        return [used / self.room for used in page_heights(self.atoms, self.starts, self.pages)]

    def agrees(self) -> bool:
        """The compositor breaks the measured flow where WeasyPrint did."""
        return paginate(self.atoms, self.room) == list(self.starts)


def read_flow(pages) -> Flow | None:
    """The flow of the laid-out ``pages``, or None when a page cannot be read."""
    atoms: list[Atom] = []
    starts: list[int] = []
    room = None
    for number, page in enumerate(pages):
        box = getattr(page, "_page_box", None)
        if box is None or not hasattr(box, "content_box_y"):
            return None
        room = box.height if room is None else room  # the body's (a blank page has no margins)
        starts.append(len(atoms))
        collected: list[Atom] = []
        _collect(box, None, number, collected)
        atoms.extend(_with_gaps(collected, box.content_box_y(), atoms[-1] if atoms else None))
    if room is None:
        return None
    return Flow(tuple(atoms), room, tuple(starts), len(pages))


def _with_gaps(collected: list[tuple[Atom, float]], top: float, before: Atom | None) -> list[Atom]:
    """The page's atoms with the measured space above each; the first's, lost at the page break,
    is estimated from the margins (the page's top is 0 in any case)."""
    result, bottom = [], top
    for atom, y in collected:
        gap = y - bottom if result else estimated_gap(before, atom)
        result.append(dataclasses.replace(atom, gap=gap))
        bottom = y + atom.height
    return result


def _collect(box, owner, page: int, out: list) -> None:
    """(atom, top) pairs of the box's content, in reading order."""
    for child in getattr(box, "children", ()) or ():
        kind = type(child).__name__
        if kind in ("MarginBox", "FootnoteAreaBox") or getattr(child, "is_absolutely_positioned", lambda: False)():
            continue
        element = getattr(child, "element", None)
        tag = getattr(element, "tag", "") if element is not None else ""
        classes = (element.get("class") or "").split() if element is not None else []
        if kind == "LineBox":
            out.append((Atom("line", child.height, 0.0, owner, page, tag=_tag(owner)), child.position_y))
        elif "figure" in classes or _atomic(child, kind) or _colophon(element):
            top = child.position_y + child.margin_top
            height = child.margin_height() - child.margin_top - child.margin_bottom
            figure = element.get("id", "") if "figure" in classes else ""
            out.append((Atom("figure" if figure else "block", height, 0.0, element, page, tag=tag, figure=figure,
                             image=_image_height(child) if figure else 0.0, margin_top=_margin(child, "top"),
                             margin_bottom=_margin(child, "bottom")), top))
        elif getattr(child, "children", None):
            start = len(out)
            _collect(child, element if _is_block(kind) else owner, page, out)
            _set_margins(out, start, child)


def _atomic(box, kind: str) -> bool:
    """A table, a flex row or a replaced element: kept whole on its page."""
    return getattr(box, "is_table_wrapper", False) or kind in ("TableBox", "FlexBox", "BlockReplacedBox")


def _margin(box, side: str) -> float:
    """The box's declared margin (px): WeasyPrint sets a margin truncated at a page break to 0."""
    value = getattr(box, "style", {})[f"margin_{side}"] if hasattr(box, "style") else None
    if getattr(value, "unit", None) == "px":
        return float(value.value)
    return float(getattr(box, f"margin_{side}", 0) or 0)


def _tag(element) -> str:
    return getattr(element, "tag", "") if element is not None else ""


def _colophon(element) -> bool:
    return element is not None and element.get("id") == "colophon"


def _is_block(kind: str) -> bool:
    return kind in ("BlockBox", "ListMarkerBox") or kind.endswith("BlockBox")


def _set_margins(out: list, start: int, box) -> None:
    """The block's margins go to its first and last atom (the space they add when the flow
    is broken anew: estimated where the measured space is lost at a page break)."""
    if start >= len(out):
        return
    first, top = out[start]
    out[start] = (dataclasses.replace(first, margin_top=max(first.margin_top, _margin(box, "top"))), top)
    last, top = out[-1]
    out[-1] = (dataclasses.replace(last, margin_bottom=max(last.margin_bottom, _margin(box, "bottom"))), top)


def _image_height(box) -> float:
    heights = [child.height for child in _descendants(box) if type(child).__name__ in ("BlockReplacedBox", "InlineReplacedBox")]
    return max(heights, default=0.0)


def _descendants(box):
    for child in getattr(box, "children", ()) or ():
        yield child
        yield from _descendants(child)


# --- The compositor ------------------------------------------------------------------------

def estimated_gap(before: Atom | None, atom: Atom) -> float:
    """The space above ``atom`` after ``before`` where it was not measured (collapsed margins)."""
    if before is None:
        return 0.0
    if atom.kind == "line" and before.kind == "line" and atom.owner is before.owner:
        return 0.0
    return max(before.margin_bottom, atom.margin_top)


def paginate(atoms, room: float) -> list[int]:
    """The index of each page's first atom when ``atoms`` are broken into pages of ``room``."""
    starts, i, count = [], 0, len(atoms)
    while i < count:
        starts.append(i)
        y, j = 0.0, i
        while j < count:
            step = atoms[j].height + (atoms[j].gap if j > i else 0.0)
            if j > i and y + step > room + EPS:
                break
            y, j = y + step, j + 1
        i = _adjusted_break(atoms, i, j) if j < count else count
    return starts


def _adjusted_break(atoms, start: int, j: int) -> int:
    """Move the break before ``j`` up for widows, orphans and headings; never to ``start``."""
    atom = atoms[j]
    if atom.kind == "line" and atoms[j - 1].kind == "line" and atoms[j - 1].owner is atom.owner:
        first = j
        while first > start and atoms[first - 1].kind == "line" and atoms[first - 1].owner is atom.owner:
            first -= 1
        last = j
        while last + 1 < len(atoms) and atoms[last + 1].kind == "line" and atoms[last + 1].owner is atom.owner:
            last += 1
        after = last - j + 1
        if after < WIDOWS:
            j -= WIDOWS - after
        if j - first < ORPHANS and (first > start):
            j = first
        elif j - first < ORPHANS:
            j = max(j, first + min(ORPHANS, j - first))
    kept = j
    while kept - 1 > start and atoms[kept - 1].keeps_with_next:
        kept -= 1
    if kept - 1 > start or not atoms[start].keeps_with_next:
        j = kept  # else the page holds titles only: break after them all the same (as WeasyPrint does)
    return max(j, start + 1)


def page_heights(atoms, starts, pages: int | None = None) -> list[float]:
    """The used height of each page (from the type area's top to its last atom's foot)."""
    bounds = list(starts) + [len(atoms)]
    heights = []
    for k in range(len(starts)):
        segment = atoms[bounds[k]:bounds[k + 1]]
        heights.append(sum(a.height + a.gap for a in segment[1:]) + (segment[0].height if segment else 0.0))
    if pages is not None:
        heights += [0.0] * (pages - len(heights))
    return heights


# --- Holes, and the changes the compositor weighs ------------------------------------------

HOLE_SHARE = 0.08  # a page ending more than this share of its type area short has a hole (~3 lines)


def fills(atoms, room: float, starts=None) -> list[float]:
    """The used share of each page when ``atoms`` are broken into pages."""
    starts = paginate(atoms, room) if starts is None else starts
    return [height / room for height in page_heights(atoms, starts)]


def text_pages(atoms, starts) -> int:
    """How many pages hold text: a last page with only the colophon is not one."""
    last = list(atoms[starts[-1]:]) if starts else []
    return len(starts) - 1 if last and all(_colophon(a.owner) for a in last) else len(starts)


def hole_score(atoms, room: float) -> float:
    """How much the pages other than the last of text end short, beyond ``HOLE_SHARE``."""
    starts = paginate(atoms, room)
    shares = fills(atoms, room, starts)[: max(0, text_pages(atoms, starts) - 1)]
    return sum(max(0.0, 1 - share - HOLE_SHARE) for share in shares)


def first_hole(atoms, room: float, skip=frozenset()) -> tuple[int, int] | None:
    """(page, index of the atom that opens the next page after its titles) of the first hole
    on a page not in ``skip``."""
    starts = paginate(atoms, room)
    shares = fills(atoms, room, starts)
    for page in range(max(0, text_pages(atoms, starts) - 1)):
        if 1 - shares[page] <= HOLE_SHARE or page in skip:
            continue
        index = starts[page + 1]
        while index + 1 < len(atoms) and atoms[index].keeps_with_next:
            index += 1
        return page, index
    return None


def figures_on(atoms, room: float, page: int) -> list[int]:
    """The indexes of the figures on ``page``."""
    starts = paginate(atoms, room) + [len(atoms)]
    return [k for k in range(starts[page], starts[page + 1]) if atoms[k].kind == "figure"] if page + 1 < len(starts) else []


def with_gap(atoms: list, index: int) -> None:
    """Re-estimate the space above ``atoms[index]`` after a change of its neighbour."""
    if 0 <= index < len(atoms):
        atoms[index] = dataclasses.replace(atoms[index], gap=estimated_gap(atoms[index - 1] if index else None, atoms[index]))


def moved(atoms, index: int, count: int) -> list | None:
    """The flow with the figure at ``index`` after the next ``count`` paragraphs (headings passed
    over), as ``figures_layout.moved_markup`` moves it; None when fewer paragraphs follow."""
    position, passed = index + 1, 0
    while passed < count:
        while position < len(atoms) and atoms[position].keeps_with_next:
            position += 1
        if position >= len(atoms) or atoms[position].kind != "line" or atoms[position].tag != "p":
            return None
        owner = atoms[position].owner
        while position < len(atoms) and atoms[position].kind == "line" and atoms[position].owner is owner:
            position += 1
        passed += 1
    result = list(atoms[:index]) + list(atoms[index + 1:position]) + [atoms[index]] + list(atoms[position:])
    for k in (index, position - 1, position):
        with_gap(result, k)
    return result


def moved_back(atoms, index: int, count: int) -> list | None:
    """The flow with the figure at ``index`` before the ``count`` paragraphs that precede it
    (never past a title); None when fewer do."""
    position = index
    for _ in range(count):
        if position == 0 or atoms[position - 1].kind != "line" or atoms[position - 1].tag != "p":
            return None
        owner = atoms[position - 1].owner
        while position > 0 and atoms[position - 1].kind == "line" and atoms[position - 1].owner is owner:
            position -= 1
    result = list(atoms[:position]) + [atoms[index]] + list(atoms[position:index]) + list(atoms[index + 1:])
    for k in (position, position + 1, index + 1):
        with_gap(result, k)
    return result


def scaled(atoms, index: int, scale: float) -> list:
    """The flow with the figure at ``index`` scaled (its picture; the caption keeps its size)."""
    atom = atoms[index]
    result = list(atoms)
    result[index] = dataclasses.replace(atom, height=atom.height - atom.image * (1 - scale), image=atom.image * scale)
    return result
