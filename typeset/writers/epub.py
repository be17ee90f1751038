"""The EPUB edition for members' phones: a reflowable EPUB 3.3 built from the document model
(never from the PDF), with embedded font subsets, a cover drawn from the masthead, the print
edition's page numbers and accessibility metadata. Rebuilds are byte-identical."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from ebooklib import epub

from typeset.epub import documents as docs
from typeset.epub.cover import Cover, make_cover
from typeset.epub.fonts import FontFile, embed, font_face_css, role_characters
from typeset.epub.package import new_book, write
from typeset.epub.pagebreaks import insert_markers
from typeset.outputs import atomic_write
from typeset.render import render_css
from typeset.writers import BuildContext, Writer, register


def write_epub(ctx: BuildContext) -> Path:
    return atomic_write(ctx.path(".epub"), epub_bytes(ctx))


def epub_bytes(ctx: BuildContext) -> bytes:
    bulletin = ctx.bulletin
    env = docs.environment(ctx)
    chapters = docs.chapters(ctx, env)
    articles = [doc for _, _, doc in chapters]
    pages = insert_markers(articles, print_page_starts(ctx), {b.id: b.text for b in bulletin.blocks()})
    cover = make_cover(bulletin.meta, ctx.rendered.style, bulletin.root)
    front = [docs.cover_page(env, cover.file_name, cover.alt)]
    nav = docs.nav_page(env, toc_entries(chapters), landmarks(articles), pages)
    colophon = docs.colophon_page(env, bulletin)
    spine = front + [nav] + articles + ([colophon] if colophon else [])
    fonts = embed(ctx.rendered.style, role_characters(spine))
    css = font_face_css(fonts) + render_css(ctx.rendered.style, "epub", bulletin.meta.paper)
    book = new_book(bulletin.meta, has_cover=True, has_pages=bool(pages), has_pictures=bool(ctx.rendered.figures.all()))
    _add_items(book, spine, css, fonts, cover)
    _add_pictures(book, ctx.rendered.figures)
    book.toc = ncx_toc(toc_entries(chapters))
    return write(book, bulletin.meta)


def print_page_starts(ctx: BuildContext):
    from typeset.writers.layout import page_starts

    return page_starts(ctx)


def toc_entries(chapters) -> list[dict]:
    """Sections (when titled) → articles → news items, as dicts of label, href and children."""
    entries: list[dict] = []
    for _, group in groupby(chapters, key=lambda chapter: id(chapter[0])):
        group = list(group)
        section = group[0][0]
        articles = [_article_entry(article, doc) for _, article, doc in group]
        if docs.shows_section_title(section) and articles:
            href = f"{articles[0]['href'].partition('#')[0]}#{section.id}"
            entries.append({"label": docs.strip_forbidden(section.title), "href": href, "children": articles})
        else:
            entries.extend(articles)
    return entries


def _article_entry(article, doc) -> dict:
    items = [{"label": f"{item.number}、{docs.strip_forbidden(item.title)}", "href": f"{doc.file_name}#{item.id}",
              "children": []} for item in article.items]
    return {"label": doc.title, "href": f"{doc.file_name}#{article.id}", "children": items}


def landmarks(articles) -> list[dict]:
    marks = [{"type": "cover", "href": "cover.xhtml", "label": "封面"},
             {"type": "toc", "href": "nav.xhtml#toc", "label": "目录"}]
    if articles:
        marks.append({"type": "bodymatter", "href": articles[0].file_name, "label": "正文"})
    return marks


def ncx_toc(entries: list[dict], prefix: str = "navpoint") -> list:
    """The same tree for ebooklib's NCX (unique ids from the position)."""
    toc = []
    for number, entry in enumerate(entries, 1):
        uid = f"{prefix}-{number}"
        link = epub.Link(entry["href"], entry["label"], uid)
        toc.append((link, ncx_toc(entry["children"], uid)) if entry["children"] else link)
    return toc


def _add_items(book: epub.EpubBook, spine, css: str, fonts: list[FontFile], cover: Cover) -> None:
    book.add_item(epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=css.encode("utf-8")))
    image = epub.EpubCover(uid="cover-image", file_name=cover.file_name)
    image.media_type, image.content = cover.media_type, cover.data
    book.add_item(image)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    for font in fonts:
        book.add_item(epub.EpubItem(uid=f"font-{font.role}", file_name=font.file_name,
                                    media_type=font.media_type, content=font.data))
    for doc in spine:
        item = epub.EpubItem(uid=doc.uid, file_name=doc.file_name, media_type="application/xhtml+xml",
                             content=doc.to_bytes())
        item.properties = list(doc.properties)
        book.add_item(item)
    book.spine = [doc.uid for doc in spine]
    book.add_item(epub.EpubNcx())


def _add_pictures(book: epub.EpubBook, figures) -> None:
    """Each prepared picture once (the same picture twice is one file)."""
    added: set[str] = set()
    for placed in figures.all():
        name = docs.picture_file(figures, placed)
        if name not in added:
            added.add(name)
            prepared = figures.prepared(placed, "screen")
            book.add_item(epub.EpubItem(uid=f"picture-{len(added)}", file_name=name, media_type=prepared.media_type,
                                        content=prepared.data))


register(Writer("epub", "EPUB 电子书", write_epub))
