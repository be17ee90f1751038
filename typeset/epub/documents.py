"""XHTML content documents from the document model: one per article (a news article is one
document, its items are anchors in it), plus the cover page, the navigation document and the
end block (版记). Documents are kept as lxml trees so that page markers can be inserted and the
characters each font role needs can be collected before serialising."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import jinja2
from lxml import etree

from typeset.model import Article, Bulletin, Section
from typeset import sandbox
from typeset.render import date_label, overrides_root, template_env

LOGGER = logging.getLogger("typeset.epub")
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
# Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; U+FFFE/U+FFFF),
# plus DEL and the C1 controls, which HTML calls parse errors.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)


@dataclass
class Document:
    """An XHTML content document of the EPUB."""

    uid: str
    file_name: str
    title: str
    tree: etree._ElementTree
    properties: list[str] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return etree.tostring(self.tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def strip_forbidden(text: str) -> str:
    return FORBIDDEN.sub("", text)


def environment(ctx) -> jinja2.Environment:
    env = template_env(ctx.rendered.style, overrides_root(ctx.bulletin), paged=False)
    figures = ctx.rendered.figures
    env.globals.update(figures=figures, figure_src=lambda placed: picture_file(figures, placed))
    return env


def picture_file(figures, placed) -> str:
    """A picture's file in the EPUB, prepared for screens: ``images/<content hash>.jpg``."""
    return f"images/{placed.source.digest}{figures.prepared(placed, 'screen').suffix}"


def render_document(env: jinja2.Environment, template: str, uid: str, file_name: str, title: str,
                    properties: list[str] | None = None, **values) -> Document:
    """Render a template, drop the characters XML forbids (with a warning) and parse it."""
    text = sandbox.render(env, template, title=title, **values)
    found = sorted(set(FORBIDDEN.findall(text)))
    if found:
        codes = "、".join(f"U+{ord(ch):04X}" for ch in found)
        LOGGER.warning("%s（%s）含有 XML 不允许的控制字符 %s，EPUB 中已删去。", file_name, title, codes)
        text = strip_forbidden(text)
    tree = etree.ElementTree(etree.fromstring(text.encode("utf-8"), _PARSER))
    return Document(uid, file_name, title, tree, properties or [])


def article_file(article: Article, index: int) -> str:
    """``a1.xhtml`` from the model's id; an ASCII fallback if an id is ever unusable."""
    name = article.id if _SAFE_NAME.fullmatch(article.id or "") else f"article{index}"
    return f"{name}.xhtml"


def article_label(article: Article) -> str:
    """The title shown in the table of contents (an untitled article gets its opening words)."""
    if article.title:
        return strip_forbidden(article.title)
    first = next((b.text for b in article.blocks), "") or next((i.title for i in article.items), "")
    first = strip_forbidden(first).strip()
    return (first[:12] + "……") if len(first) > 12 else (first or "正文")


def shows_section_title(section: Section) -> bool:
    """A titled section shows its title, unless its only article has the same title (协会动态)."""
    only_same = len(section.articles) == 1 and section.articles[0].title == section.title
    return bool(section.title) and not only_same


def chapters(ctx, env: jinja2.Environment) -> list[tuple[Section, Article, Document]]:
    """One document per article, in reading order; a titled section opens with its title."""
    result = []
    index = 0
    for section in ctx.bulletin.sections:
        for position, article in enumerate(section.articles):
            index += 1
            name = article_file(article, index)
            opens_section = position == 0 and shows_section_title(section)
            doc = render_document(
                env, "epub/chapter.xhtml.j2", name.removesuffix(".xhtml"), name, article_label(article),
                a=article,
                section_title=section.title if opens_section else "",
                section_id=section.id,
            )
            result.append((section, article, doc))
    return result


def cover_page(env: jinja2.Environment, image: str, alt: str) -> Document:
    return render_document(env, "epub/cover.xhtml.j2", "cover", "cover.xhtml", "封面", image=image, alt=alt)


def colophon_page(env: jinja2.Environment, bulletin: Bulletin) -> Document | None:
    c = bulletin.meta.colophon
    if not (c.report_to or c.copy_to or c.send_to or c.print_run):
        return None
    return render_document(env, "epub/colophon.xhtml.j2", "colophon", "colophon.xhtml", "版记", c=c, meta=bulletin.meta,
                           date_label=date_label(bulletin.meta.date))


def nav_page(env: jinja2.Environment, toc: list[dict], landmarks: list[dict], pages: list[dict]) -> Document:
    return render_document(env, "epub/nav.xhtml.j2", "nav", "nav.xhtml", "目录", properties=["nav"],
                           toc=toc, landmarks=landmarks, pages=pages)
