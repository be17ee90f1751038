"""The print layout: the HTML master laid out once by WeasyPrint and shared by the PDF, the
archive and the EPUB's page list (where each print page begins)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from typeset.environment import require_fast_subsetter
from typeset.render import render_css
from typeset.resources import styles_dir, templates_dir
from typeset.styles import Style
from typeset.writers import BuildContext
from typeset.writers.copyfit import (FIT_LEVELS, FitReport, box_height, can_tighten, content_height, fit_bounds,
                                     fitted_style, line_pitch_px, lines, lines_to_cut, move_to_foot, used_height)
from typeset.writers.furniture import running_head_limit, shorten_running_heads
from typeset.writers.figures_layout import defer_figures
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

    def render(html: str, level: float = 0.0):
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
    at the foot of the last page (GB/T 9704). The body is laid out first; when it and the
    colophon run a little over a block of pages, the layout is tightened within the style's
    bounds (copy fitting). Otherwise blank pages (no folio) go before the colophon, alone on
    the last page. The colophon's page and the blank pages are tiny documents of their own."""
    start = master.find(COLOPHON)
    if pad_to == 1:
        return _on_last_page(defer_figures(ctx, master, render(master), render)[1], 0, pad_to)
    body_html = master if start < 0 else master[:start] + master[master.index(COLOPHON_END, start) + len(COLOPHON_END):]
    body_html, body, edit = defer_figures(ctx, body_html, render(body_html), render)
    master = edit(master)
    start = master.find(COLOPHON)
    back = render(_back_page_html(master, start)) if start >= 0 else None
    style = ctx.rendered.style
    colophon = box_height(back.pages[0], COLOPHON_ID) if back else 0.0
    spill = _spill_px(body.pages, pad_to, colophon, style)
    spilled = max(0, lines(spill, style)) if spill else 0
    if back is not None and len(body.pages) % pad_to == 0 and (spill is None or spill <= 0):
        shared = render(master)  # the colophon should fit the last page
        if len(shared.pages) == len(body.pages):
            return _on_last_page(shared, 0, pad_to)
        spilled = max(spilled, 1)  # it did not, by a hair: a line or so to fit
    if spill is not None and 0 < spilled <= fit_bounds(style)["max_spill_lines"] and can_tighten(style):
        target = len(body.pages) - len(body.pages) % pad_to or len(body.pages)
        fitted = _tightened(master, render, target)
        if fitted is not None:
            document, level = fitted
            return _on_last_page(document, spilled, pad_to, level)

    def cut() -> int:
        return lines_to_cut(spilled, _tight_spill(master, start, body_html, render, len(body.pages), pad_to, style), style)

    return _padded(ctx, render, body, back, pad_to, spilled, cut)


def _spill_px(pages, pad_to: int, colophon: float | None, style: Style) -> float | None:
    """How far the body and the colophon run over the last full block of ``pad_to`` pages
    (px; 0 or less: they fit), or None when the pages can't be measured."""
    count = len(pages)
    target = count - count % pad_to
    if not target or colophon is None:
        return None
    gap = line_pitch_px(style)  # the colophon's space above it, about a line
    over = [used_height(page) for page in pages[target:]]
    if any(height is None for height in over):
        return None
    if over:
        return sum(over) + (colophon + gap if colophon else 0)
    last_used, last_room = used_height(pages[target - 1]), content_height(pages[target - 1])
    if last_used is None or last_room is None:
        return None
    return (colophon + gap if colophon else 0) - (last_room - last_used)


def _tight_spill(master: str, start: int, body_html: str, render, count: int, pad_to: int, style: Style) -> int | None:
    """How many lines the body and colophon laid out at the tightest fitting level run over
    the block of pages the normal layout fills (``count`` pages); None when not measurable."""
    level = FIT_LEVELS[-1]
    tight, pages = fitted_style(style, level), render(body_html, level).pages
    colophon = box_height(render(_back_page_html(master, start), level).pages[0], COLOPHON_ID) if start >= 0 else 0.0
    if len(pages) < count - count % pad_to:
        return 0  # ends inside the block before, with room to spare
    spill = _spill_px(pages, pad_to, colophon, tight)
    return None if spill is None else max(0, lines(spill, tight))


def _tightened(master: str, render, target: int):
    """The first fitting level, gentlest first, whose layout ends on page ``target``, with
    that level; None when even the tightest runs over (or a level drops a whole page, which
    would break the block of pages again)."""
    for level in FIT_LEVELS:
        document = render(master, level)
        if len(document.pages) <= target:
            return (document, level) if len(document.pages) == target else None
    return None


def _on_last_page(document, spilled: int, pad_to: int, level: float = 0.0):
    """The colophon shares the last content page: it goes to the page's foot."""
    if document.pages:
        move_to_foot(document.pages[-1], COLOPHON_ID)
    return document, FitReport(len(document.pages), 0, spilled, level, pad_to=pad_to)


def _padded(ctx: BuildContext, render, body, back, pad_to: int, spilled: int, cut):
    """Blank pages before the colophon's own page; ``cut()`` measures the lines to cut."""
    after = back.pages if back is not None else []
    count = -(len(body.pages) + len(after)) % pad_to
    blank = render(_blank_pages_html(ctx, count)).pages if count else []
    document = body.copy([*body.pages, *blank, *after]) if (blank or after) else body
    report = FitReport(len(document.pages), count, spilled, 0.0, cut() if count and spilled else 0, pad_to)
    return document, report


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
