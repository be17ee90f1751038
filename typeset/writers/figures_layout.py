"""Pictures in the print layout: the prepared pixels served to WeasyPrint (RGB, or CMYK with
the output intent's profile for the print shop), and figure deferral: WeasyPrint has no page
floats, so a figure that does not fit the rest of a page would leave it empty. The layout is
redone with the remedies a compositor would use, first that helps first:

1. scale the figure down (to no less than ``MIN_SCALE`` of its size, never above 450 dpi) so
   it fits the space left;
2. move it after the paragraphs that follow it in its article (at most ``MAX_MOVE``), so the
   text fills the page and the picture goes to the top of the next one.

A remedy is kept when the first hole (a page other than the last ending more than
``HOLE_SHARE`` of its type area empty) moves later or shrinks; of all the layouts passed
through, the one with the least hole in sum wins, so the remedies never make the layout worse.
They run on the body's first layout; copy fitting and padding then work on the result."""

from __future__ import annotations

import re

from typeset.writers import BuildContext
from typeset.writers.copyfit import content_height, find_box, line_pitch_px, used_height


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


HOLE_SHARE = 0.2  # a page ending more empty than this (of its type area) has a hole
MIN_SCALE = 2 / 3  # a figure shrinks to no less than this (300 dpi pictures stay under 450)
MAX_MOVE = 3  # paragraphs a figure may be moved past
MAX_TRIES = 8  # layouts spent on remedies, at most
_WIDTH = re.compile(r'style="width: ([0-9.]+)%"')
_PARAGRAPH = re.compile(r'\s*<p\b[^>]*>.*?</p>')
# Passed over without counting: article and section boundaries, titles (a figure may be
# deferred into the next article, as a compositor floats it to the next page's top).
_STRUCTURE = re.compile(r'\s*(?:</?(?:article|section)\b[^>]*>|<(h[1-6])\b[^>]*>.*?</\1>)')


def holes(pages) -> list[float]:
    """Each page's empty share at its foot, the last page's counted as 0."""
    shares = []
    for page in pages[:-1]:
        used, room = used_height(page), content_height(page)
        shares.append(max(0.0, 1 - used / room) if used is not None and room else 0.0)
    return shares + [0.0]


def hole_score(pages) -> float:
    return sum(share - HOLE_SHARE for share in holes(pages) if share > HOLE_SHARE)


def defer_figures(ctx: BuildContext, html: str, document, render):
    """Remedies for the holes figures leave, one hole at a time: (html, document, edit) where
    ``edit`` applies the same changes to another copy of the markup (the master)."""
    figure_ids = {block.id for block in ctx.bulletin.blocks() if block.kind == "figure"}
    edits: list = []
    best = (hole_score(document.pages), html, document, [])
    tries = 0
    while tries < MAX_TRIES:
        culprit = _pushed_figure(document.pages, figure_ids)
        if culprit is None:
            break
        index, figure_id = culprit
        for edit in _remedies(document.pages, index, figure_id, ctx):
            tries += 1
            candidate = render(edit(html))
            if _first_hole(candidate.pages) > _first_hole(document.pages):
                html, document, edits = edit(html), candidate, [*edits, edit]
                if hole_score(document.pages) < best[0]:
                    best = (hole_score(document.pages), html, document, edits)
                break
            if tries >= MAX_TRIES:
                break
        else:
            figure_ids.discard(figure_id)  # nothing helped: leave it where it is
    _, html, document, edits = best
    return html, document, lambda other: _apply(edits, other)


def _first_hole(pages) -> tuple[int, float]:
    """Where the first hole is and how small it is (greater is better)."""
    shares = holes(pages)
    index = next((k for k, share in enumerate(shares) if share > HOLE_SHARE), len(shares))
    return index, -(shares[index] if index < len(shares) else 0.0)


def _apply(edits, html: str) -> str:
    for edit in edits:
        html = edit(html)
    return html


def _pushed_figure(pages, figure_ids: set[str]) -> tuple[int, str] | None:
    """The first page with a hole whose next page opens with a figure written near its top."""
    shares = holes(pages)
    for index, share in enumerate(shares[:-1]):
        if share <= HOLE_SHARE:
            continue
        fresh = [fid for fid in figure_ids if fid in pages[index + 1].anchors and fid not in pages[index].anchors]
        if fresh:
            top = min(fresh, key=lambda fid: _top(pages[index + 1], fid))
            return index + 1, top
    return None


def _top(page, element_id: str) -> float:
    box = find_box(page, element_id)
    return box.position_y if box is not None else float("inf")


def _remedies(pages, index: int, figure_id: str, ctx: BuildContext):
    """Scale to fit the hole (when the pictures stay above ``MIN_SCALE``), then move past 1-3 paragraphs."""
    scale = _fitting_scale(pages, index, figure_id, ctx)
    if scale is not None:
        yield lambda html: _scaled(html, figure_id, scale)
    for count in range(1, MAX_MOVE + 1):
        yield lambda html, count=count: _moved(html, figure_id, count)


def _fitting_scale(pages, index: int, figure_id: str, ctx: BuildContext) -> float | None:
    page, before = pages[index], pages[index - 1]
    box, room = find_box(page, figure_id), content_height(before)
    used, top = used_height(before), getattr(getattr(page, "_page_box", None), "content_box_y", None)
    images = [p for p in ctx.rendered.figures.pictures(figure_id)]
    if box is None or room is None or used is None or top is None or not images:
        return None
    need = box.position_y + box.margin_height() - top()  # what must move up: the figure and what precedes it
    image_height = max(_image_height(box), 1.0)
    scale = 1 - (need - (room - used) + _line(ctx)) / image_height
    lowest = max(MIN_SCALE, *(min(1.0, p.print_width_px / (p.width_mm / 25.4) / 450) for p in images))
    return scale if lowest <= scale < 1 else None


def _image_height(box) -> float:
    heights = [child.height for child in _descendants(box) if type(child).__name__ in ("BlockReplacedBox", "InlineReplacedBox")]
    return max(heights, default=0.0)


def _descendants(box):
    for child in getattr(box, "children", ()) or ():
        yield child
        yield from _descendants(child)


def _line(ctx: BuildContext) -> float:
    return line_pitch_px(ctx.rendered.style)


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
    return html[:start] + part + html[end:]


def _moved(html: str, figure_id: str, count: int) -> str:
    """The figure after the next ``count`` paragraphs (unchanged if fewer follow before the end)."""
    span = _element(html, figure_id)
    if span is None:
        return html
    start, end = span
    position = end
    for _ in range(count):
        while (passed := _STRUCTURE.match(html, position)) is not None:
            position = passed.end()
        match = _PARAGRAPH.match(html, position)
        if match is None:
            return html
        position = match.end()
    return html[:start] + html[end:position].lstrip("\n") + "\n" + html[start:end] + html[position:]
