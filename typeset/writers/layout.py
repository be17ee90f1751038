"""The print layout: the HTML master laid out once by WeasyPrint and shared by the PDF, the
archive and the EPUB's page list (where each print page begins)."""

from __future__ import annotations

import datetime as dt
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
    html = HTML(string=ctx.rendered.html, base_url=_base_url(ctx), url_fetcher=url_fetcher)
    document = html.render(stylesheets=stylesheets, color_profiles=color_profiles)
    ctx.shared["content_pages"] = len(document.pages)
    padding = -len(document.pages) % max(1, ctx.bulletin.meta.pad_to)
    if padding:
        blank = HTML(string=_blank_pages_html(ctx, padding), url_fetcher=url_fetcher).render(
            stylesheets=stylesheets, color_profiles=color_profiles)
        document = document.copy(document.pages + blank.pages)
    return document


def _base_url(ctx: BuildContext) -> str:
    return Path(ctx.bulletin.root).as_uri() + "/"


def _blank_pages_html(ctx: BuildContext, count: int) -> str:
    geo = ctx.rendered.style.geometry(ctx.bulletin.meta.paper)
    pages = '<div style="break-before: page"></div>' * (count - 1)
    return (f'<html lang="zh-CN"><style>@page {{ size: {geo["width_mm"]}mm {geo["height_mm"]}mm; margin: 0 }}</style>'
            f"<body><div></div>{pages}</body></html>")


def issue_datetime(ctx: BuildContext) -> dt.datetime:
    date = ctx.bulletin.meta.date
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)


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
    """For each content page, the first model element on it and where in its text the page begins.

    A paragraph split over two pages is in both pages' anchors; the offset of its continuation
    is found from the page's first text box (WeasyPrint's private box tree, guarded)."""
    document = print_document(ctx)
    order = model_ids(ctx)
    containers = {a.id for a in ctx.bulletin.articles()} | {i.id for i in ctx.bulletin.news_items()}
    starts: list[PageStart] = []
    previous: set[str] = set()
    for number, page in enumerate(document.pages[: ctx.shared["content_pages"]], start=1):
        # An article or news item carried over from the previous page is not where this page begins.
        fresh = (anchor for anchor in order if anchor in page.anchors and not (anchor in containers and anchor in previous))
        first = next(fresh, None)
        if first is not None:
            starts.append(PageStart(number, first, _continued_offset(ctx, page, first)))
        previous = set(page.anchors)
    return starts


def _continued_offset(ctx: BuildContext, page, anchor: str) -> int:
    """Characters of ``anchor``'s text laid out on earlier pages (0 when it starts on this page)."""
    text = _block_text(ctx, anchor)
    first_text = _first_text(getattr(page, "_page_box", None))
    if not text or not first_text:
        return 0
    position = text.find(first_text.strip())
    return max(position, 0)


def _block_text(ctx: BuildContext, anchor: str) -> str:
    for block in ctx.bulletin.blocks():
        if block.id == anchor:
            return block.text
    return ""


def _first_text(box) -> str:
    """The text of the first text box of a page, skipping margin boxes (running heads, folios)."""
    if box is None:
        return ""
    if type(box).__name__ == "MarginBox":
        return ""
    text = getattr(box, "text", None)
    if isinstance(text, str) and text.strip():
        return text
    for child in getattr(box, "children", ()) or ():
        found = _first_text(child)
        if found:
            return found
    return ""
