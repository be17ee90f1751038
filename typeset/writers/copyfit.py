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
FIT_LEVELS = (0.5, 1.0)  # the gentlest first: most small spills need no more


@dataclass(frozen=True)
class FitReport:
    """The print layout in numbers: ``pages`` in all, ``blank`` padding pages, ``spill_lines``
    the body lines that ran over the last full block before fitting (0: none), ``tightened``
    the fitting level used (0: none), ``cut_lines`` how many lines to cut to save ``pad_to``
    pages (0: nothing to gain)."""

    pages: int
    blank: int
    spill_lines: int = 0
    tightened: float = 0.0
    cut_lines: int = 0
    pad_to: int = 4

    @property
    def note(self) -> str:
        """One line for the editor."""
        blank = f"空白 {self.blank} 页" if self.blank else "无空白页"
        text = f"印刷版共 {self.pages} 页，{blank}"
        if self.tightened:
            text += "（已在版式允许的范围内略收紧行距和标题间距）"
        if self.blank and self.cut_lines:
            text += f"；再删约 {self.cut_lines} 行可减少 {self.pad_to} 页"
        return text + "。"


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


def lines_to_cut(spilled: int, tight_spilled: int | None, style: Style) -> int:
    """How many body lines to cut so that the layout saves a block of pages: the tightening
    absorbs the rest, once the spill is within ``max_spill_lines`` and the tightest level
    (``tight_spilled``: its own spill, measured; None: not measured) ends on the block."""
    if tight_spilled is None or not can_tighten(style):
        return spilled
    over_gate = spilled - int(fit_bounds(style)["max_spill_lines"])
    return max(over_gate, tight_spilled, 1)


def fitted_style(style: Style, level: float) -> Style:
    """The style tightened by ``level`` (0: as declared, 1: to the declared minimums): line
    height and the space around titles (``space_scale``, used by the CSS templates)."""
    bounds = fit_bounds(style)
    normal = float(style.type.get("line_height", 1.7))
    line_height = round(normal - level * (normal - bounds["line_height_min"]), 4)
    space = round(1 - level * (1 - bounds["space_min"]), 4)
    kind = {**style.type, "line_height": line_height, "space_scale": space}
    return dataclasses.replace(style, manifest={**style.manifest, "type": kind})


def line_pitch_px(style: Style) -> float:
    geo = style.geometry("A4")
    return geo["size_pt"] * geo["line_height"] * PX_PER_PT


def lines(height_px: float, style: Style) -> int:
    return math.ceil(round(height_px / line_pitch_px(style), 2))


# --- The laid-out pages (WeasyPrint's private box tree, guarded) ---------------------------

def used_height(page) -> float | None:
    """From the top of the page's content area to the bottom of its last line (px)."""
    box = getattr(page, "_page_box", None)
    if box is None:
        return None
    bottoms = [line.position_y + line.height for line in _line_boxes(box)]
    return max(bottoms, default=box.content_box_y()) - box.content_box_y()


def content_height(page) -> float | None:
    box = getattr(page, "_page_box", None)
    return getattr(box, "height", None)


def _line_boxes(box):
    for child in getattr(box, "children", ()) or ():
        kind = type(child).__name__
        if kind == "MarginBox":
            continue
        if kind == "LineBox":
            yield child
        else:
            yield from _line_boxes(child)


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


def box_height(page, element_id: str) -> float | None:
    box = find_box(page, element_id)
    return box.margin_height() if box is not None else None


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
