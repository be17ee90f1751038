"""Pictures in the print layout: the prepared pixels served to WeasyPrint (RGB, or CMYK with
the output intent's profile for the print shop), and figure placement. WeasyPrint has no page
floats: a figure that does not fit the rest of a page goes whole to the next one and leaves a
hole. The remedies a compositor would use are weighed on the first layout's measured flow
(``makeup``: no layout per try), the least change that helps first:

1. move the figure after the paragraphs that follow it (at most ``MAX_MOVE``; titles are passed
   over), so the text fills the page and the picture tops the next one;
2. scale it down (a group of QR codes as a unit), to no less than ``MIN_SCALE`` of its size and
   never above ``MAX_DPI``.

A change is kept when it leaves less hole in sum over the pages (other than the last of text)
and the figure stays within a page of where it was written. The chosen changes are applied to
the markup together, and the layout is made once more."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from typeset.writers import BuildContext
from typeset.figures.plan import refit_frame
from typeset.writers.makeup import (HOLE_SHARE, Flow, figures_on, fills, first_hole, hole_score, moved, moved_back,
                                    paginate, scaled)


def figure_server(ctx: BuildContext, press: bool):
    """``name`` (a ``figure:`` URL's) → (bytes, media type) of the edition's prepared picture."""
    figures = ctx.rendered.figures

    def serve(name: str):
        placed = figures.by_key(name)
        if placed is None:
            return None
        profile = _profile(ctx) if press else b""
        prepared = figures.prepared(placed, "press" if press else "print", profile)
        return prepared.data, prepared.media_type

    return serve


def _profile(ctx: BuildContext) -> bytes:
    from typeset.writers.press import icc_profile_bytes

    return icc_profile_bytes(ctx)


MIN_SCALE = 2 / 3  # a figure shrinks to no less than this (300 dpi pictures stay under 450)
MAX_DPI = 450
MAX_MOVE = 4  # paragraphs a figure may be moved past
SCALES = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, MIN_SCALE)
_WIDTH = re.compile(r'style="width: ([0-9.]+)%"')
_PARAGRAPH = re.compile(r'\s*<p\b[^>]*>.*?</p>', re.S)
# Passed over without counting: article and section boundaries, titles (a figure may be
# deferred into the next article, as a compositor floats it to the next page's top).
_STRUCTURE = re.compile(r'\s*(?:</?(?:article|section)\b[^>]*>|<(h[1-6])\b[^>]*>.*?</\1>)', re.S)


@dataclass(frozen=True)
class Edit:
    """A change to one figure of the markup: moved past ``value`` paragraphs, or scaled by it."""

    kind: str  # "move" or "scale"
    figure: str
    value: float

    def __call__(self, html: str) -> str:
        if self.kind == "move":
            return moved_markup(html, self.figure, int(self.value))
        return _scaled(html, self.figure, self.value)


@dataclass(frozen=True)
class Edits:
    """Several figures changed together (a page's figures shrunk as a unit)."""

    edits: tuple[Edit, ...]

    @property
    def figure(self) -> str:
        return self.edits[0].figure

    def __call__(self, html: str) -> str:
        for edit in self.edits:
            html = edit(html)
        return html


def plan_figures(ctx: BuildContext, flow: Flow) -> tuple[list, list[Edit]]:
    """The better of two plans (``_plan``): closing each hole first, or the least hole in sum."""
    plans = [_plan(ctx, flow, closing) for closing in (True, False)]
    return min(plans, key=lambda plan: (hole_score(plan[0], flow.room), len(plan[1])))


def _plan(ctx: BuildContext, flow: Flow, closing: bool) -> tuple[list, list[Edit]]:
    """The changes that fill the holes figures leave, weighed by the compositor on the measured
    flow (no layout). Page by page: of the changes that fill the hole (its page ends fuller,
    no earlier page gets a hole), one that closes it first, then the one leaving the least hole
    in sum (``closing``; otherwise the least hole in sum); a hole it pushes on is met in turn. Of the states passed through, the one with the least hole in sum is returned
    (the flow with its changes, and the changes): never worse than the flow measured."""
    atoms, edits, handled = list(flow.atoms), [], set()
    best = (hole_score(atoms, flow.room), atoms, edits)
    while (found := first_hole(atoms, flow.room, frozenset(handled))) is not None:
        page, index = found
        handled.add(page)
        before = fills(atoms, flow.room)
        options = []
        for order, (edit, candidate) in enumerate(_candidates(ctx, atoms, flow.room, page, index)):
            after = fills(candidate, flow.room)
            if _fills(after, before, page) and _near(candidate, flow.room, edit.figure, page + 1):
                closed = 1 - after[page] <= HOLE_SHARE
                options.append((closing and not closed, hole_score(candidate, flow.room), order, edit, candidate))
        if not options:
            continue
        _, score, _, edit, atoms = min(options, key=lambda option: option[:3])
        edits = [*edits, edit]
        if score < best[0] - 1e-6:
            best = (score, atoms, edits)
    return best[1], best[2]


def _fills(after: list[float], before: list[float], page: int) -> bool:
    """The page with the hole ends fuller, and no page before it gets a hole."""
    if len(after) <= page or after[page] <= before[page] + 1e-3:
        return False
    return all(1 - share <= HOLE_SHARE or share >= old for share, old in zip(after[:page], before[:page]))


def _candidates(ctx: BuildContext, atoms, room: float, page: int, index: int):
    """For a hole on ``page`` before the atom ``index``: a figure there moved past 1-4 of the
    paragraphs that follow it (the picture keeps its size) or before 1-2 that precede it, then
    scaled down; a figure on the page itself scaled down to make room."""
    if atoms[index].kind == "figure":
        figure = atoms[index].figure
        for count in range(1, MAX_MOVE + 1):
            if (candidate := moved(atoms, index, count)) is not None:
                yield Edit("move", figure, count), candidate
        for count in (1, 2):
            if (candidate := moved_back(atoms, index, count)) is not None:
                yield Edit("move", figure, -count), candidate
    on_page = figures_on(atoms, room, page)
    for k in [index] * (atoms[index].kind == "figure") + on_page:
        lowest = _lowest_scale(ctx, atoms[k].figure)
        if atoms[k].image > 0:
            for scale in SCALES:
                if scale >= lowest:
                    yield Edit("scale", atoms[k].figure, scale), scaled(atoms, k, scale)
    if len(on_page) > 1:  # the page's figures shrunk together, each within its own bounds
        for scale in SCALES:
            edits = [Edit("scale", atoms[k].figure, max(scale, _lowest_scale(ctx, atoms[k].figure))) for k in on_page]
            candidate = atoms
            for k, edit in zip(on_page, edits):
                candidate = scaled(candidate, k, edit.value)
            yield Edits(tuple(edits)), candidate


def _near(atoms, room: float, figure_id: str, page: int) -> bool:
    """The figure stays on the page it was pushed to, or comes back to the one before."""
    starts = paginate(atoms, room)
    index = next(k for k, atom in enumerate(atoms) if atom.figure == figure_id)
    return bisect.bisect_right(starts, index) - 1 <= page


def _lowest_scale(ctx: BuildContext, figure_id: str) -> float:
    """How far the figure's pictures may shrink: to ``MIN_SCALE``, never above ``MAX_DPI``."""
    images = list(ctx.rendered.figures.pictures(figure_id))
    if not images:
        return 1.0
    return max(MIN_SCALE, *(min(1.0, p.print_width_px / (p.width_mm / 25.4) / MAX_DPI) for p in images))


def _element(html: str, figure_id: str) -> tuple[int, int] | None:
    """Start and end of the figure's markup (``<figure …>`` or a group's ``<div …>``)."""
    for tag in ("figure", "div"):
        start = html.find(f'<{tag} class="figure')
        while start >= 0:
            head_end = html.index(">", start)
            if f'id="{figure_id}"' in html[start:head_end]:
                return start, _closing(html, tag, start)
            start = html.find(f'<{tag} class="figure', start + 1)
    return None


def _closing(html: str, tag: str, start: int) -> int:
    depth, position = 0, start
    pattern = re.compile(rf"<{tag}[\s>]|</{tag}>")
    for match in pattern.finditer(html, start):
        depth += -1 if match.group().startswith("</") else 1
        if depth == 0:
            return match.end()
        position = match.end()
    return position


def _scaled(html: str, figure_id: str, scale: float) -> str:
    span = _element(html, figure_id)
    if span is None:
        return html
    start, end = span
    part = _WIDTH.sub(lambda m: f'style="width: {float(m.group(1)) * scale:.2f}%"', html[start:end])
    return html[:start] + refit_frame(part, scale) + html[end:]  # its whole lines on the grid shrink too


def moved_markup(html: str, figure_id: str, count: int) -> str:
    """The figure after the next ``count`` paragraphs, or before the ``-count`` that precede it
    (unchanged if fewer follow before the end, or precede it in its article)."""
    span = _element(html, figure_id)
    if span is None:
        return html
    start, end = span
    if count < 0:
        return _moved_back(html, start, end, -count)
    position = end
    for _ in range(count):
        while (passed := _STRUCTURE.match(html, position)) is not None:
            position = passed.end()
        match = _PARAGRAPH.match(html, position)
        if match is None:
            return html
        position = match.end()
    return html[:start] + html[end:position].lstrip("\n") + "\n" + html[start:end] + html[position:]


_PARAGRAPH_BEFORE = re.compile(r'<p\b[^>]*>(?:(?!<p\b|</p>).)*</p>\s*$', re.S)


def _moved_back(html: str, start: int, end: int, count: int) -> str:
    position = start
    for _ in range(count):
        match = _PARAGRAPH_BEFORE.search(html, max(0, position - 20000), position)
        if match is None:
            return html
        position = match.start()
    return html[:position] + html[start:end] + "\n" + html[position:start].rstrip() + "\n" + html[end:].lstrip("\n")
