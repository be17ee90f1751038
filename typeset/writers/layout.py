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

    url_fetcher = fetcher(ctx)
    stylesheets = []
    color_profiles: dict = {}  # a user stylesheet's @color-profile reaches the PDF only through this
    overlay = ""
    if press:
        from typeset.writers.press import output_intent_css, press_overlay_css

        stylesheets.append(CSS(string=output_intent_css(ctx), url_fetcher=url_fetcher, color_profiles=color_profiles))
        overlay = press_overlay_css(ctx.rendered.style, ctx.bulletin.meta.paper)

    def render(html: str):
        html = with_overlay(html, overlay)
        return HTML(string=html, base_url=_base_url(ctx), url_fetcher=url_fetcher).render(
            stylesheets=stylesheets, color_profiles=color_profiles)

    return _paginate(ctx, render, max(1, ctx.bulletin.meta.pad_to))


def with_overlay(html: str, css: str) -> str:
    """The master with ``css`` as its last style sheet (same origin as the master's own, so
    it wins where a user stylesheet would lose)."""
    if not css:
        return html
    return html.replace("</head>", f"<style>\n@media print {{\n{css}\n}}\n</style>\n</head>", 1)


COLOPHON = '<footer class="colophon"'
COLOPHON_END = "</footer>"


def _paginate(ctx: BuildContext, render, pad_to: int):
    """Saddle stitching needs a multiple of ``pad_to`` pages. The colophon (版记) shares the
    last page when that makes the count right; otherwise blank pages (no folio) go before it
    and it stands alone on the last page, without folio (GB/T 9704 §7.5). The content is laid
    out once; the colophon's page and the blank pages are tiny documents of their own."""
    master = ctx.rendered.html
    start = master.find(COLOPHON)
    if start < 0 or pad_to == 1:
        document = render(master)
        return _with_blank_pages(ctx, render, document.pages, document, -len(document.pages) % pad_to)
    end = master.index(COLOPHON_END, start) + len(COLOPHON_END)
    body = render(master[:start] + master[end:])
    if len(body.pages) % pad_to == 0:  # the colophon could only share the last page: try it
        shared = render(master)
        if len(shared.pages) == len(body.pages):
            return shared
    back = render(_back_page_html(master, start, end))
    padding = -(len(body.pages) + len(back.pages)) % pad_to
    return _with_blank_pages(ctx, render, body.pages, body, padding, back.pages)


def _with_blank_pages(ctx: BuildContext, render, pages, document, count: int, after=()):
    if not count and not after:
        return document
    blank = render(_blank_pages_html(ctx, count)).pages if count else []
    return document.copy([*pages, *blank, *after])


def _back_page_html(master: str, start: int, end: int) -> str:
    """The master's head and styles with only the colophon in its body, on its own page."""
    head = master[: master.index("<body>")]
    colophon = master[start:end].replace(COLOPHON, '<footer class="colophon own-page"', 1)
    return f"{head}<body>\n{colophon}\n</body>\n</html>\n"


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
