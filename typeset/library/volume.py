"""The annual volume (合订本): one PDF per year bound from the issues' laid-out PDFs.

Nothing is laid out again: WeasyPrint sets only the volume's own pages (title page, contents,
栏目 index) and a transparent stamp per issue page carrying the volume's running page number
(in the bottom centre, which the issue styles leave free); pypdf then copies every page of every
issue in order, stamps it, and adds the outline year → issue → articles. The contents' volume
page numbers are ``target-counter()``s of the stamps, so they are right in one pass.

A second file attaches every issue's sources. It is *not* labelled PDF/A: pages copied out of
several PDF/A-3 issues into a new file keep their fonts and colours, but nothing here can prove
the result conforms (no validator on this machine, the issues' structure trees are not merged),
so the volume claims nothing it cannot show. Each issue's own ``-存档.pdf`` stays the PDF/A copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from typeset.errors import OutputError, StyleError
from typeset.library.catalog import IssueView
from typeset.library.pages import render_page
from typeset.model import Article
from typeset.render import overrides_root
from typeset.resources import templates_dir
from typeset.styles import Style, load_style

FOLDER = "合订本"  # the volumes' folder in the site
SOURCES_SUFFIX = "-附原稿"
MEDIA_TYPES = {".txt": "text/plain", ".toml": "text/plain", ".md": "text/plain",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
UNSAFE = '/\\:*?"<>|'


@dataclass(frozen=True)
class Placed:
    """An article of an issue and the issue page (1-based) its title is on."""

    title: str
    page: int
    section: str


@dataclass(frozen=True)
class BoundIssue:
    """One issue as bound into the volume: its laid-out PDF and where its articles are."""

    view: IssueView
    pdf: bytes
    pages: int
    width: float
    height: float
    articles: tuple[Placed, ...]
    first: int  # issue pages bound before this one

    @property
    def label(self) -> str:
        meta = self.view.meta
        return f"{meta.issue_label}{meta.serial_label}" if meta.serial else meta.issue_label

    @property
    def short_label(self) -> str:
        return f"第{self.view.meta.number}期"

    @property
    def page_name(self) -> str:
        return f"issue-{self.view.issue_id}"


@dataclass(frozen=True)
class Volume:
    name: str  # 刊名
    year: int
    publisher: str
    issues: tuple[BoundIssue, ...]

    @property
    def title(self) -> str:
        return f"{self.name} {self.year}年合订本"

    @property
    def file_name(self) -> str:
        return volume_file_name(self.name, self.year)

    @property
    def moment(self) -> str:
        return max(issue.view.meta.moment for issue in self.issues).isoformat()

    @property
    def width(self) -> float:
        return self.issues[0].width

    @property
    def height(self) -> float:
        return self.issues[0].height

    @property
    def pages(self) -> int:
        return sum(issue.pages for issue in self.issues)

    @property
    def sections(self) -> list[tuple[str, list[tuple[BoundIssue, Placed]]]]:
        """Articles grouped by 栏目 (first appearance order); empty when no issue names its 栏目."""
        groups: dict[str, list[tuple[BoundIssue, Placed]]] = {}
        for issue in self.issues:
            for article in issue.articles:
                if article.section:
                    groups.setdefault(article.section, []).append((issue, article))
        return list(groups.items())


@dataclass(frozen=True)
class BoundVolume:
    """The volume's bytes, and the counts a reader (or a test) checks them by."""

    volume: Volume
    pdf: bytes
    with_sources: bytes
    front_pages: int
    back_pages: int


def volume_file_name(title: str, year: int) -> str:
    """``两新党建2020年合订本.pdf``; a 刊名 is the editors' text: nothing in it makes a folder."""
    safe = "".join("_" if ch in UNSAFE or ord(ch) < 32 else ch for ch in title).lstrip(".")
    return f"{safe}{year}年合订本.pdf"


def issues_by_year(views: list[IssueView]) -> dict[int, list[IssueView]]:
    """The issues with a print PDF, by year (oldest first), in issue order."""
    years: dict[int, list[IssueView]] = {}
    for view in sorted(views, key=lambda v: (v.meta.year, v.meta.number)):
        if view.download("pdf"):
            years.setdefault(view.meta.year, []).append(view)
    return dict(sorted(years.items()))


def bind_year(site: Path, year: int, views: list[IssueView]) -> Volume:
    """The year's issues read from their print PDFs; an unreadable one is the editor's to rebuild."""
    from pypdf.errors import PyPdfError

    issues, first = [], 0
    for view in views:
        path = site / view.download("pdf").path
        try:
            issue = read_issue(view, path.read_bytes(), first)
        except (PyPdfError, OSError, ValueError, KeyError) as exc:
            raise OutputError(f"这一期的 PDF 无法读取（{type(exc).__name__}），{year}年合订本没有生成。"
                              "请运行 huikan library --rebuild 重排。", path) from None
        issues.append(issue)
        first += issue.pages
    meta = views[-1].meta
    return Volume(meta.title, year, meta.publisher, tuple(issues))


def read_issue(view: IssueView, pdf: bytes, first: int) -> BoundIssue:
    """Page count, page size and each article's page, from the issue PDF and its outline."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    found = outline_pages(reader)
    placed = []
    for section in view.bulletin.sections:
        for article in (a for a in section.articles if a.title):
            placed.append(Placed(article.title, place(article, found, placed), section.title))
    return BoundIssue(view, pdf, len(reader.pages), float(box.width), float(box.height), tuple(placed), first)


def outline_pages(reader) -> list[tuple[str, int]]:
    """Every outline entry of the issue PDF, depth first, as (plain title, 1-based page)."""
    flat: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                flat.append((plain(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return flat


def place(article: Article, found: list[tuple[str, int]], before: list[Placed]) -> int:
    """The article's page: its title's outline entry at or after the previous article's page."""
    floor = before[-1].page if before else 1
    title = plain(article.title)
    return next((page for name, page in found if name == title and page >= floor), floor)


def plain(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in "\u2060\u200b\u00ad")


def bind(volume: Volume, sources: dict[str, list]) -> BoundVolume:
    """``sources``: issue id → the issue's ``SourceFile``s, attached to the second file only."""
    own, front, back = volume_pages(volume)
    return BoundVolume(volume, assemble(volume, own, front, {}), assemble(volume, own, front, sources), front, back)


def volume_pages(volume: Volume) -> tuple[bytes, int, int]:
    """The volume's own pages as one PDF (front matter, one stamp per issue page, index) and the
    counts of front and back pages, found from where the first stamp and the index begin."""
    from weasyprint import HTML

    from typeset.writers.fetcher import ConfinedFetcher

    style = volume_style(volume.issues[0].view.bulletin)
    html = render_page(
        "library/volume.html.j2", volume=volume, body=Markup(style.font_family("body")),
        heading=Markup(style.font_family("heading")))  # the bundled style's font names, quoted for CSS
    fetcher = ConfinedFetcher([templates_dir()])
    document = HTML(string=html, base_url=str(templates_dir()), url_fetcher=fetcher).render()
    front = next(i for i, page in enumerate(document.pages) if "p1" in page.anchors)
    back = len(document.pages) - front - volume.pages
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    buffer = io.BytesIO()
    document.write_pdf(buffer, pdf_identifier=digest[:32].encode("ascii"))
    return buffer.getvalue(), front, back


def volume_style(bulletin) -> Style:
    """The fonts of the year's first issue (its own style folder first), else the default's."""
    try:
        return load_style(bulletin.meta.style, overrides_root(bulletin))
    except StyleError:
        return load_style("default")


def assemble(volume: Volume, own: bytes, front: int, sources: dict[str, list]) -> bytes:
    """Front matter, every issue page stamped with its volume page number, the index; the
    outline; the sources attached when given. Same inputs, same bytes."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    stamps = PdfReader(io.BytesIO(own))
    writer = PdfWriter()
    writer.append(stamps, pages=(0, front), import_outline=False)
    starts = []
    for issue in volume.issues:
        starts.append(len(writer.pages))
        writer.append(PdfReader(io.BytesIO(issue.pdf)), import_outline=False)
        for k in range(issue.pages):
            writer.pages[starts[-1] + k].merge_page(stamps.pages[front + issue.first + k])
    if front + volume.pages < len(stamps.pages):
        writer.append(stamps, pages=(front + volume.pages, len(stamps.pages)), import_outline=False)
    add_outline(writer, volume, starts)
    for issue_id, files in sorted(sources.items()):
        for source in files:
            attach(writer, volume, issue_id, source)
    writer.add_metadata(info(volume, bool(sources)))
    digest = volume_digest(own, volume, sources)
    writer._ID = ArrayObject([ByteStringObject(digest[:16]), ByteStringObject(digest[16:32])])  # no random ID
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def add_outline(writer, volume: Volume, starts: list[int]) -> None:
    root = writer.add_outline_item(title=f"{volume.year}年", page_number=0)
    for issue, start in zip(volume.issues, starts):
        parent = writer.add_outline_item(title=issue.label, page_number=start, parent=root)
        for article in issue.articles:
            writer.add_outline_item(title=article.title, page_number=start + article.page - 1, parent=parent)


def attach(writer, volume: Volume, issue_id: str, source) -> None:
    from pypdf.generic import NameObject, create_string_object

    name = f"{issue_id}-{source.name.replace('/', '-')}"
    embedded = writer.add_attachment(name, source.raw or source.text.encode("utf-8"))
    embedded.alternative_name = create_string_object(name)  # /UF: the name in Unicode
    embedded.description = create_string_object(f"{volume.name} {issue_id} 原稿：{source.name}")
    embedded.associated_file_relationship = NameObject("/Source")
    embedded.subtype = NameObject("/" + media_type(source.name))  # "/text/plain" is written /text#2Fplain
    when = dt.datetime.fromisoformat(volume.moment)
    embedded.creation_date = embedded.modification_date = when


def media_type(name: str) -> str:
    """From a fixed table, not the machine's mime.types: the same volume on every machine."""
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def info(volume: Volume, with_sources: bool) -> dict[str, str]:
    stamp = dt.datetime.fromisoformat(volume.moment).strftime("D:%Y%m%d%H%M%S+00'00'")
    subject = "各期原稿作为附件" if with_sources else "各期版面原样合订"
    return {"/Title": volume.title, "/Author": volume.publisher, "/Subject": subject,
            "/Creator": "huikan", "/Producer": "huikan (WeasyPrint, pypdf)",
            "/CreationDate": stamp, "/ModDate": stamp}


def volume_digest(own: bytes, volume: Volume, sources: dict[str, list]) -> bytes:
    digest = hashlib.sha256(own)
    for issue in volume.issues:
        digest.update(hashlib.sha256(issue.pdf).digest())
    for issue_id, files in sorted(sources.items()):
        for source in files:
            digest.update(f"{issue_id}/{source.name}\0".encode() + (source.raw or source.text.encode("utf-8")))
    return digest.digest()
