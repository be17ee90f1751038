"""The print layout: the HTML master laid out once by WeasyPrint and shared by the PDF, the
archive and the EPUB's page list (where each print page begins)."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from typeset.environment import require_fast_subsetter
from typeset.render import render_css
from typeset.resources import styles_dir, templates_dir
from typeset.styles import Style
from typeset.writers import BuildContext
from typeset.writers.copyfit import (FitReport, can_tighten, find_box, fit_bounds, fitted_style, fitting_level,
                                     line_pitch_px, lines, lines_to_save, move_to_foot, remove_box)
from typeset.writers.figures_layout import plan_figures
from typeset.writers.furniture import running_head_limit, shorten_running_heads
from typeset.writers.makeup import hole_score, page_heights, paginate, read_flow
from typeset.writers.glyphs import with_placeholders

LOGGER = logging.getLogger("typeset")


@dataclass(frozen=True)
class PageStart:
    """Print page ``number`` begins in the element ``anchor`` (an id of the model) at character
    ``offset`` of its text (0: at its start)."""

    number: int
    anchor: str
    offset: int = 0


def fetcher(ctx: BuildContext, press: bool = False):
    from typeset.writers.fetcher import ConfinedFetcher
    from typeset.writers.figures_layout import figure_server

    roots = [Path(ctx.bulletin.root), styles_dir(), templates_dir()]
    return ConfinedFetcher([root for root in roots if str(root)], figures=figure_server(ctx, press))


def print_document(ctx: BuildContext, press: bool | None = None):
    """The laid-out print edition (cached): content pages, padded to a multiple of ``pad_to``.

    ``press``: the print shop's variant (CMYK colours, bleed); by default the build's choice.
    The archive asks for the plain one even in a ``--press`` build: it never has bleed."""
    press = bool(ctx.options.get("press")) if press is None else press
    key = "press_document" if press else "print_document"
    if key not in ctx.shared:
        ctx.shared[key] = _lay_out(ctx, press)
    return ctx.shared[key]


def _lay_out(ctx: BuildContext, press: bool):
    require_fast_subsetter()
    from weasyprint import CSS, HTML

    from typeset.typography import install

    install()  # inter-character justification for CJK (guarded against other WeasyPrint versions)

    url_fetcher = fetcher(ctx, press)
    stylesheets = []
    color_profiles: dict = {}  # a user stylesheet's @color-profile reaches the PDF only through this
    if press:
        from typeset.writers.press import output_intent_css

        stylesheets.append(CSS(string=output_intent_css(ctx), url_fetcher=url_fetcher, color_profiles=color_profiles))
    style, paper = ctx.rendered.style, ctx.bulletin.meta.paper

    def render(html: str, level: float = 0.0, full: bool = True):
        """One WeasyPrint layout; ``full``: of the body (counted in ``ctx.shared["layouts"]``),
        not of the colophon's own page or the blank pages."""
        ctx.shared["layouts"] = ctx.shared.get("layouts", 0) + full
        html = with_overlay(html, overlay_css(style, paper, press, level))
        document = HTML(string=html, base_url=_base_url(ctx), url_fetcher=url_fetcher).render(
            stylesheets=stylesheets, color_profiles=color_profiles)
        return without_link_attachments(document)

    master = with_placeholders(ctx.rendered.html, style)
    master = shorten_running_heads(master, running_head_limit(style, paper))
    document, report = _paginate(ctx, master, render, max(1, ctx.bulletin.meta.pad_to))
    ctx.shared["fit_report"] = report
    return document


def overlay_css(style: Style, paper: str, press: bool, level: float) -> str:
    """What the print layout adds to the master's CSS: the style tightened by copy fitting
    (``level`` > 0) and, for the print shop, in CMYK."""
    if level:
        style = fitted_style(style, level)
    if press:
        from typeset.writers.press import press_overlay_css

        return press_overlay_css(style, paper)
    return "\n".join(render_css(style, name, paper) for name in ("common", "print")) if level else ""


def with_overlay(html: str, css: str) -> str:
    """The master with ``css`` as its last style sheet (same origin as the master's own, so
    it wins where a user stylesheet would lose)."""
    if not css:
        return html
    return html.replace("</head>", f"<style>\n@media print {{\n{css}\n}}\n</style>\n</head>", 1)


COLOPHON = '<footer class="colophon"'
COLOPHON_END = "</footer>"
COLOPHON_ID = "colophon"


def _paginate(ctx: BuildContext, master: str, render, pad_to: int):
    """Saddle stitching needs a multiple of ``pad_to`` pages, and the colophon (版记) belongs
    at the foot of the last page (GB/T 9704). The master is laid out once and read as a flow
    (``makeup``); from that flow alone are decided the figure changes that fill holes and the
    copy-fitting level that saves a block of pages (when it will succeed). Only then, and only
    if something changes, is it laid out once more. An issue that still runs over a block gets
    blank pages (no folio) before the colophon, alone on the last page."""
    style = ctx.rendered.style
    document = render(master)
    flow = read_flow(document.pages)
    if flow is None or not flow.agrees():
        return _finish(ctx, render, master, document, Plan(len(document.pages), pad_to), pad_to)
    atoms, edits = plan_figures(ctx, flow)
    plan = _fit_plan(atoms, flow.room, style, pad_to)
    if edits or plan.level:  # one more layout, for figures and fitting together
        again = render(_apply(edits, master), plan.level)
        if plan.level and len(again.pages) not in plan.endings:
            LOGGER.debug("copy fitting predicted %d pages, got %d", plan.target, len(again.pages))
            plan = dataclasses.replace(plan, level=0.0)
        elif hole_total(again.pages) <= hole_total(document.pages) + 1e-6 or plan.level:
            document = again
    return _finish(ctx, render, master, document, plan, pad_to)


@dataclass(frozen=True)
class Plan:
    """What the first layout's flow says: ``pages`` as planned, the block's last page
    (``target``), the lines spilled past it, the fitting level (0: none) and the lines to cut."""

    pages: int
    pad_to: int
    spilled: int = 0
    level: float = 0.0
    cut: int = 0

    @property
    def target(self) -> int:
        return self.pages - self.pages % self.pad_to

    @property
    def endings(self) -> tuple[int, int]:
        """The page counts of a fitted layout that make the block: ending on the target page or
        on the page before (``copyfit.ends_block``)."""
        return self.target, self.target - 1


def _fit_plan(atoms, room: float, style: Style, pad_to: int) -> Plan:
    starts = paginate(atoms, room)
    plan = Plan(len(starts), pad_to)
    if plan.pages % pad_to == 0 or not plan.target:
        return plan
    heights = page_heights(atoms, starts)
    # what runs over, with the space above its first atom (lost at the page break, needed back on the page before)
    over = sum(heights[plan.target:]) + atoms[starts[plan.target]].gap
    spilled = max(1, lines(over - (room - heights[plan.target - 1]), style))
    level = 0.0
    if spilled <= fit_bounds(style)["max_spill_lines"] and can_tighten(style):
        level = fitting_level(atoms, room, style, plan.target)
    cut = lines_to_save(atoms, room, style, plan.target, spilled)  # said only if it comes to padding
    return Plan(plan.pages, pad_to, spilled, level, cut)


def _apply(edits, html: str) -> str:
    for edit in edits:
        html = edit(html)
    return html


def hole_total(pages) -> float:
    flow = read_flow(pages)
    return hole_score(flow.atoms, flow.room) if flow is not None else 0.0


def _finish(ctx: BuildContext, render, master: str, document, plan: Plan, pad_to: int):
    """The colophon at the foot of the last page when the pages fill whole blocks; otherwise
    taken off the body and given its own last page, blank pages before it."""
    if len(document.pages) % pad_to == 0:
        if document.pages:
            move_to_foot(document.pages[-1], COLOPHON_ID)
        return document, _report(ctx, document.pages, 0, plan)
    start = master.find(COLOPHON)
    pages = list(document.pages)
    if start >= 0:
        pages = _without_colophon(pages)
    after = render(_back_page_html(master, start), full=False).pages if start >= 0 else []
    count = -(len(pages) + len(after)) % pad_to
    blank = render(_blank_pages_html(ctx, count), full=False).pages if count else []
    document = document.copy([*pages, *blank, *after])
    return document, _report(ctx, document.pages, count, plan)


def _without_colophon(pages) -> list:
    """The body's pages: the colophon's box taken off its page, which goes if nothing else is on it."""
    for index in range(len(pages) - 1, -1, -1):
        if remove_box(pages[index], COLOPHON_ID):
            flow = read_flow([pages[index]])
            if flow is not None and not flow.atoms:
                return pages[:index] + pages[index + 1:]
            return pages
    return pages


def _report(ctx: BuildContext, pages, blank: int, plan: Plan) -> FitReport:
    style = ctx.rendered.style
    flow = read_flow(pages)
    pitch = line_pitch_px(fitted_style(style, plan.level) if plan.level else style)
    shares = tuple(round(share, 3) for share in flow.fill()) if flow is not None else ()
    short = _short_pages(pages, flow, pitch) if flow is not None else ()
    cut = plan.cut if blank and not plan.level else 0  # a fitted issue's blank page closes a block it gained
    return FitReport(len(pages), blank, plan.spilled, plan.level, cut, plan.pad_to, shares, short)


def _short_pages(pages, flow, pitch: float) -> tuple:
    """(page number, lines, first line's text) of each page holding 4 lines or fewer of text."""
    found = []
    heights = page_heights(flow.atoms, flow.starts, flow.pages)
    for number, (page, height) in enumerate(zip(pages, heights), start=1):
        count = round(height / pitch)
        colophon_only = find_box(page, COLOPHON_ID) is not None
        if 0 < count <= SHORT_PAGE_LINES and not colophon_only:
            found.append((number, count, _first_line_text(getattr(page, "_page_box", None)).translate(_HINTS).strip()))
    return tuple(found)


SHORT_PAGE_LINES = 4


def _back_page_html(master: str, start: int) -> str:
    """The master's head and styles with only the colophon in its body, on its own page."""
    end = master.index(COLOPHON_END, start) + len(COLOPHON_END)
    head = master[: master.index("<body>")]
    colophon = master[start:end].replace(COLOPHON, '<footer class="colophon own-page"', 1)
    return f'{head}<body class="back-page">\n{colophon}\n</body>\n</html>\n'


def without_link_attachments(document):
    """Attachments come only from the archive writer (the issue's sources): a ``rel=attachment``
    link in an issue's own template is dropped with a warning (WeasyPrint 70 also crashes on them)."""
    dropped = len(document.metadata.attachments)
    document.metadata.attachments = []
    for page in document.pages:
        kept = [link for link in page.links if link[0] != "attachment"]
        dropped += len(page.links) - len(kept)
        page.links[:] = kept
    if dropped:
        LOGGER.warning("忽略了模板中的 %d 个附件链接（rel=\"attachment\"）：存档版只附原稿。", dropped)
    return document


def _base_url(ctx: BuildContext) -> str:
    return Path(ctx.bulletin.root).as_uri() + "/"


def _blank_pages_html(ctx: BuildContext, count: int) -> str:
    geo = ctx.rendered.style.geometry(ctx.bulletin.meta.paper)
    pages = '<div style="break-before: page"></div>' * (count - 1)
    return (f'<html lang="zh-CN"><style>@page {{ size: {geo["width_mm"]}mm {geo["height_mm"]}mm; margin: 0 }}</style>'
            f"<body><div></div>{pages}</body></html>")


def model_ids(ctx: BuildContext) -> list[str]:
    """Every id the model gives an element, in reading order (articles, news items, blocks)."""
    ids: list[str] = []
    for article in ctx.bulletin.articles():
        ids.append(article.id)
        ids.extend(block.id for block in article.blocks)
        for item in article.items:
            ids.append(item.id)
            ids.extend(block.id for block in item.blocks)
    return ids


def page_starts(ctx: BuildContext) -> list[PageStart]:
    """For each page, the first model element on it and where in its text the page begins.

    A paragraph split over pages is in both pages' anchors; where its continuation starts is
    found from the text of the page's first line (WeasyPrint's private box tree, guarded).
    Padding pages and the colophon's page hold no model element and get no entry."""
    document = print_document(ctx)
    order = model_ids(ctx)
    containers = {a.id for a in ctx.bulletin.articles()} | {i.id for i in ctx.bulletin.news_items()}
    texts = {block.id: block.text for block in ctx.bulletin.blocks()}
    starts: list[PageStart] = []
    previous: set[str] = set()
    for number, page in enumerate(document.pages, start=1):
        # An article or news item carried over from the previous page is not where this page begins.
        fresh = (anchor for anchor in order if anchor in page.anchors and not (anchor in containers and anchor in previous))
        first = next(fresh, None)
        if first is not None:
            offset = 0
            if first in previous:  # the block continues from the previous page
                since = next((s.offset for s in reversed(starts) if s.anchor == first), 0)
                offset = _continued_offset(texts.get(first, ""), page, since)
            starts.append(PageStart(number, first, offset))
        previous = set(page.anchors)
    return starts


_HINTS = str.maketrans("", "", "\u2060\u200b")  # the markup's line-break hints are not text


def _continued_offset(text: str, page, since: int) -> int:
    """Where in ``text`` the page's first line begins, searching after ``since``."""
    line = _first_line_text(getattr(page, "_page_box", None)).translate(_HINTS).strip()
    if not text or not line:
        return 0
    position = text.find(line, since + 1)
    return position if position > 0 else 0


def _first_line_text(box) -> str:
    """The text of the first line box of a page, margin boxes (running heads, folios) skipped."""
    if box is None or type(box).__name__ == "MarginBox":
        return ""
    if type(box).__name__ == "LineBox":
        return "".join(_texts(box))
    for child in getattr(box, "children", ()) or ():
        found = _first_line_text(child)
        if found:
            return found
    return ""


def _texts(box):
    text = getattr(box, "text", None)
    if isinstance(text, str):
        yield text
    for child in getattr(box, "children", ()) or ():
        yield from _texts(child)
