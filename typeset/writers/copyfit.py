"""Copy fitting (拼版): how full the laid-out pages are, how far an issue spills onto a new
block of pages, how much the style allows to tighten, and the one-line report of every build.

Page measurements read WeasyPrint's laid-out box tree (``page._page_box``, private): each
helper is guarded and answers "unknown" (None) rather than guessing on another version.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from typeset.styles import Style

PX_PER_PT = 96 / 72
GRID_TOLERANCE = 0.05  # px: a length this close to whole pitches is on the grid
PREDICTION_MARGIN = 1.0  # px a predicted page keeps free: WeasyPrint's sums differ by a few hundredths a line


@dataclass(frozen=True)
class FitReport:
    """The print layout in numbers: ``pages`` in all, ``blank`` padding pages, ``spill_lines``
    the lines that ran over the last full block before fitting (0: none), ``tightened`` the
    fitting level used (0: none), ``cut_lines`` how many lines to cut to save ``pad_to`` pages
    (0: nothing to gain), ``fill`` each page's used share of the type area, ``short`` the pages
    holding 4 lines or fewer: (page, lines, the first line's text)."""

    pages: int
    blank: int
    spill_lines: int = 0
    tightened: float = 0.0
    cut_lines: int = 0
    pad_to: int = 4
    fill: tuple[float, ...] = ()
    short: tuple[tuple[int, int, str], ...] = ()

    @property
    def note(self) -> str:
        """One line for the editor: pages, blank pages, every near-empty page and what to do."""
        blank = f"空白 {self.blank} 页" if self.blank else "无空白页"
        text = f"印刷版共 {self.pages} 页，{blank}"
        if self.tightened:
            text += "（已在版式允许的范围内略收紧行距和标题间距）"
        for page, count, first in self.short:
            text += f"；第 {page} 页只有 {count} 行：“{_excerpt(first)}”，删去约 {count} 行可省去这一页，或补充内容填满它"
        if self.blank >= 2:
            cut = f"再删约 {self.cut_lines} 行省去 {self.pad_to} 页，或" if self.cut_lines else ""
            text += (f"；{self.blank} 页空白是为凑足 {self.pad_to} 的倍数：可{cut}补充内容填满，"
                     "或平订、双面打印时在 issue.toml 中写 pad_to = 2")
        elif self.blank and self.cut_lines:
            text += f"；再删约 {self.cut_lines} 行可减少 {self.pad_to} 页"
        return text + "。"


def _excerpt(text: str, size: int = 12) -> str:
    return text if len(text) <= size else text[:size] + "……"


def fit_bounds(style: Style) -> dict[str, float]:
    fit = style.manifest.get("fit", {})
    return {
        "line_height_min": float(fit.get("line_height_min", style.type.get("line_height", 1.7))),
        "space_min": float(fit.get("space_min", 1.0)),
        "max_spill_lines": float(fit.get("max_spill_lines", 0)),
    }


def can_tighten(style: Style) -> bool:
    bounds = fit_bounds(style)
    normal = float(style.type.get("line_height", 1.7))
    return bounds["max_spill_lines"] > 0 and (bounds["line_height_min"] < normal or bounds["space_min"] < 1)


def fitted_style(style: Style, level: float) -> Style:
    """The style tightened by ``level`` (0: as declared, 1: to the declared minimums): line
    height and the space around titles (``space_scale``, used by the CSS templates)."""
    bounds = fit_bounds(style)
    normal = float(style.type.get("line_height", 1.7))
    line_height = round(normal - level * (normal - bounds["line_height_min"]), 4)
    space = round(1 - level * (1 - bounds["space_min"]), 4)
    kind = {**style.type, "line_height": line_height, "space_scale": space}
    return dataclasses.replace(style, manifest={**style.manifest, "type": kind})


def tightened(atoms, style: Style, level: float) -> list:
    """The flow as the style tightened by ``level`` would set it, on its baseline grid
    (print.css.j2): whatever takes whole pitches — lines, titles, the masthead, the colophon,
    the space between them — takes as many of the tighter pitch; the space above the colophon
    is ``lines(2)``, 2 × space_scale rounded to whole pitches (a title's ``lines(1)`` stays one
    line at any space_scale ≥ ½); a figure's frame is its picture and caption rounded up to
    whole pitches again; a table is its rows of one pitch and its rules, the block after it
    making the rules up to whole pitches; space off the grid (em-based) keeps its size (what
    each level gains, by arithmetic on the pitch)."""
    if not level:
        return list(atoms)
    pitch, tight = line_pitch_px(style), fitted_style(style, level)
    new, space = line_pitch_px(tight), float(tight.type["space_scale"])
    result = []
    for k, atom in enumerate(atoms):
        scale = space if _is_colophon(atom) else 1.0
        gap = _grid_gap(atom.gap, pitch, new, scale, atoms[k - 1] if k else None)
        result.append(dataclasses.replace(atom, height=_grid_height(atom, pitch, new), gap=gap))
    return result


def _pitches(length: float, pitch: float) -> int | None:
    """``length`` in whole pitches, or None when it is off the grid."""
    count = round(length / pitch)
    return count if abs(length - count * pitch) < GRID_TOLERANCE else None


def _grid_height(atom, pitch: float, new: float) -> float:
    content = _figure_content_px(atom)
    if content is not None:  # .fh<pt>: the frame is (content + 0.9 pitch) rounded up to whole pitches
        content -= max(0.0, _frame(content, pitch) - atom.height)  # scaled down by figure placement
        return _frame(content, new)
    count = _pitches(atom.height, pitch)
    if count is not None:
        return count * new
    rows, rules = _rows_and_rules(atom, pitch)
    return rows * new + rules if rows is not None else atom.height


def _frame(content: float, pitch: float) -> float:
    return math.ceil(round((content + 0.9 * pitch) / pitch, 6)) * pitch


def _rows_and_rules(atom, pitch: float) -> tuple[int | None, float]:
    """An off-grid block (a table): its rows of one pitch and what its rules add (< 1 pitch)."""
    if atom.kind != "block" or _is_colophon(atom):
        return None, 0.0
    rows = int(atom.height / pitch + 1e-6)
    return rows, atom.height - rows * pitch


def _grid_gap(gap: float, pitch: float, new: float, space: float, before) -> float:
    """A gap of n whole pitches: ``lines(n)`` at ``space`` (1: not a scaled space); half a pitch
    (a table's top) stays half; after a table, the block that makes its rules up to whole
    pitches; any other gap (em-based) keeps its size."""
    count = _pitches(gap, pitch)
    if count is not None:
        return (int(count * space + 0.5) if count > 0 else count) * new
    if abs(gap - pitch / 2) < GRID_TOLERANCE:
        return new / 2
    rows, rules = _rows_and_rules(before, pitch) if before is not None else (None, 0.0)
    if rows is not None:
        made_up = _made_up(rules, pitch)
        rest = _pitches(gap - made_up, pitch)
        if rest is not None:
            return _made_up(rules, new) + rest * new
    return gap


def _made_up(rules: float, pitch: float) -> float:
    """The .table-end padding: the table's rules and its half-pitch top made up to whole pitches."""
    return math.ceil(round((rules + pitch / 2) / pitch, 6)) * pitch - rules - pitch / 2


def _figure_content_px(atom) -> float | None:
    classes = (atom.owner.get("class") or "").split() if atom.kind == "figure" and atom.owner is not None else []
    found = [c[2:] for c in classes if c.startswith("fh") and c[2:].isdigit()]
    return int(found[0]) * PX_PER_PT if found else None


def _is_colophon(atom) -> bool:
    owner = atom.owner
    return atom.kind == "block" and owner is not None and hasattr(owner, "get") and owner.get("id") == "colophon"


def fitting_level(atoms, room: float, style: Style, target: int) -> float:
    """The gentlest level (to 1/100, by bisection on the compositor) at which the flow ends the
    block of pages that closes on page ``target``, or 0 when none does: then no layout is spent
    on trying. On the baseline grid a tighter pitch gains a whole line on every page at once,
    so a long issue can gain more than it spilled: its text may then end on the page before
    ``target`` (``ends_block``)."""
    from typeset.writers.makeup import page_heights, paginate

    def pages(level: float) -> tuple[int, bool]:
        flow = tightened(atoms, style, level)
        starts = paginate(flow, room - PREDICTION_MARGIN)
        return len(starts), page_heights(flow, starts)[-1] <= room - line_pitch_px(style) / 2

    def fits(level: float) -> bool:
        count, spare = pages(level)
        return count < target or (count == target and spare)

    low, high = 0.0, 1.0
    if not fits(high):
        return 0.0
    while high - low > 0.01:
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    level = math.ceil(high * 100) / 100
    if not ends_block(tightened(atoms, style, level), room, target):
        return 0.0  # a whole page less would break the block again
    return _without_new_holes(atoms, room, style, target, level)


def ends_block(flow, room: float, target: int) -> bool:
    """The flow's pages make the block ending on page ``target``: its last page is ``target``,
    or the one before, the block then closed by the colophon (版记) on a page of its own or,
    without one, by a single blank page (a tighter pitch on the grid gains a line on every page
    at once: a long issue spilling a few lines may gain a page and more)."""
    from typeset.writers.makeup import paginate

    return len(paginate(flow, room - PREDICTION_MARGIN)) in (target - 1, target)


def _without_new_holes(atoms, room: float, style: Style, target: int, level: float) -> float:
    """From ``level`` up in steps of 0.05, the first level that ends the block on page ``target``
    and leaves no more hole than the untightened flow (a tighter pitch can leave a title and
    its two lines just short of a page's foot); ``level`` itself when none does."""
    from typeset.writers.makeup import hole_score

    before = hole_score(atoms, room)
    step = level
    while step <= 1.0:
        flow = tightened(atoms, style, step)
        if ends_block(flow, room, target) and hole_score(flow, room - PREDICTION_MARGIN) <= before + 1e-6:
            return step
        step = round(step + 0.05, 2)
    return level


def lines_to_save(atoms, room: float, style: Style, target: int, spilled: int) -> int:
    """How many lines of text to cut so that the flow, tightened as far as the style allows,
    ends on page ``target``: the fewest last body lines whose removal does it (bisection on
    the compositor, no layout), and enough to bring the spill within ``max_spill_lines``;
    0 when cutting text alone cannot do it. Counted from the end, it holds wherever the lines
    are cut: on the baseline grid a cut before a page that ends a title's 3–4 lines short can
    win those lines back and need fewer (the sample: 7 from its end, 4 from its longest
    paragraph); one line more at the end always asks for one line more."""
    from typeset.writers.makeup import paginate

    level = 1.0 if can_tighten(style) else 0.0
    flow = tightened(atoms, style, level)
    body = [k for k, atom in enumerate(flow) if atom.kind == "line" and atom.tag == "p"]

    def fits(count: int) -> bool:
        cut = set(body[len(body) - count:])
        return len(paginate([atom for k, atom in enumerate(flow) if k not in cut], room - PREDICTION_MARGIN)) <= target

    if not body or not fits(len(body)):
        return 0  # cutting text alone does not do it
    low, high = 0, len(body)
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if fits(middle) else (middle + 1, high)
    gate = spilled - int(fit_bounds(style)["max_spill_lines"]) if level else 0
    return max(low, gate, 1)


def line_pitch_px(style: Style) -> float:
    geo = style.geometry("A4")
    return geo["size_pt"] * geo["line_height"] * PX_PER_PT


def lines(height_px: float, style: Style) -> int:
    return math.ceil(round(height_px / line_pitch_px(style), 2))


# --- The laid-out pages (WeasyPrint's private box tree, guarded) ---------------------------

def find_box(page, element_id: str):
    """The block box of the element with ``element_id`` on the page, or None."""
    stack = [getattr(page, "_page_box", None)]
    while stack:
        box = stack.pop()
        if box is None or type(box).__name__ == "MarginBox":
            continue
        element = getattr(box, "element", None)
        if element is not None and element.get("id") == element_id and type(box).__name__ in ("BlockBox", "AbsolutePlaceholder"):
            return box
        stack.extend(getattr(box, "children", ()) or ())
    return None


def move_to_foot(page, element_id: str) -> bool:
    """Move the element's box down to the foot of the page's content area (版记: GB/T 9704).
    Only downwards, and only a box that is the last thing on the page."""
    box, page_box = find_box(page, element_id), getattr(page, "_page_box", None)
    if box is None or page_box is None:
        return False
    foot = page_box.content_box_y() + page_box.height
    shift = foot - (box.position_y + box.margin_height())
    if shift <= 0:
        return False
    box.translate(dy=shift)
    return True


def remove_box(page, element_id: str) -> bool:
    """Take the element's box off the laid-out page (and its anchor); False when not there."""
    stack = [getattr(page, "_page_box", None)]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None) if box is not None else None
        if not children or type(box).__name__ == "MarginBox":
            continue
        for child in children:
            element = getattr(child, "element", None)
            if element is not None and element.get("id") == element_id and type(child).__name__ == "BlockBox":
                box.children = [c for c in children if c is not child]
                getattr(page, "anchors", {}).pop(element_id, None)
                return True
        stack.extend(children)
    return False
