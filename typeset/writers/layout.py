"""The print layout: the HTML master laid out once by WeasyPrint and shared by the PDF, the
archive and the EPUB's page list (where each print page begins)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typeset.environment import require_fast_subsetter
from typeset.resources import styles_dir, templates_dir
from typeset.writers import BuildContext


@dataclass(frozen=True)
class PageStart:
    """Print page ``number`` begins in the element ``anchor`` (an id of the model) at character
    ``offset`` of its text (0: at its start)."""

    number: int
    anchor: str
    offset: int = 0


def fetcher(ctx: BuildContext):
    from typeset.writers.fetcher import ConfinedFetcher

    roots = [Path(ctx.bulletin.root), styles_dir(), templates_dir()]
    return ConfinedFetcher([root for root in roots if str(root)])


def print_document(ctx: BuildContext):
    """The laid-out print edition (cached): content pages, padded to a multiple of ``pad_to``."""
    if "print_document" not in ctx.shared:
        ctx.shared["print_document"] = _lay_out(ctx)
    return ctx.shared["print_document"]


def _lay_out(ctx: BuildContext):
    require_fast_subsetter()
    from weasyprint import CSS, HTML

    from typeset.typography import install

    install()  # inter-character justification for CJK (guarded against other WeasyPrint versions)

    url_fetcher = fetcher(ctx)
    stylesheets = []
    color_profiles: dict = {}  # a user stylesheet's @color-profile reaches the PDF only through this
    if ctx.options.get("press"):
        from typeset.writers.press import press_css

        stylesheets.append(CSS(string=press_css(ctx), url_fetcher=url_fetcher, color_profiles=color_profiles))

    def render(html: str):
        return HTML(string=html, base_url=_base_url(ctx), url_fetcher=url_fetcher).render(
            stylesheets=stylesheets, color_profiles=color_profiles)

    document = render(ctx.rendered.html)
    pad_to = max(1, ctx.bulletin.meta.pad_to)
    if len(document.pages) % pad_to:
        document = _padded(ctx, render, document, pad_to)
    return document


COLOPHON = '<footer class="colophon"'
PAD_PAGE = '<div class="pad-page"></div>'


def _padded(ctx: BuildContext, render, document, pad_to: int):
    """Saddle stitching needs a multiple of ``pad_to`` pages. Blank pages (no folio) go before
    the colophon, which then stands alone on the last page; without one they go at the end."""
    master = ctx.rendered.html
    if COLOPHON not in master:
        blank = render(_blank_pages_html(ctx, -len(document.pages) % pad_to))
        return document.copy(document.pages + blank.pages)
    padding = -(len(document.pages) + 1) % pad_to  # +1: the colophon moves to a page of its own
    for _ in range(3):  # the guess is right unless the colophon already had a page to itself
        padded = render(master.replace(COLOPHON, PAD_PAGE * padding + '<footer class="colophon own-page"', 1))
        missing = -len(padded.pages) % pad_to
        if not missing:
            return padded
        padding += missing
    return padded


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
