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
import zlib
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from typeset.errors import OutputError, StyleError
from typeset.library.catalog import IssueView
from typeset.library.inflate import Budget, TooLarge
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
    """The year's issues read from their print PDFs; an unreadable or damaged one (no page, a
    stream inflating past the limits) is the editor's to rebuild: the year is not bound."""
    issues, first = [], 0
    for view in views:
        path = site / view.download("pdf").path
        try:
            issue = read_issue(view, _issue_pdf(path), first)
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
            raise OutputError(f"这一期的 PDF 已损坏或无法读取（{_reason(exc)}），{year}年合订本没有生成。"
                              "请运行 huikan library --rebuild 重排。", path) from None
        issues.append(issue)
        first += issue.pages
    return Volume(volume_title(views), year, views[-1].meta.publisher, tuple(issues))


def volume_title(views: list[IssueView]) -> str:
    """The 刊名 most of the year's issues carry (the latest of equally common ones): one issue
    printed under another name does not rename the volume."""
    counts: dict[str, int] = {}
    for view in views:
        counts[view.meta.title] = counts.get(view.meta.title, 0) + 1
    return max(reversed([view.meta.title for view in views]), key=lambda title: counts[title])


MAX_ISSUE_PDF = 512 * 1024 * 1024


def _issue_pdf(path: Path) -> bytes:
    if path.stat().st_size > MAX_ISSUE_PDF:
        raise TooLarge(f"超过 {MAX_ISSUE_PDF // 1048576} MB")
    return path.read_bytes()


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, (TooLarge, EmptyIssue)) else type(exc).__name__


class EmptyIssue(ValueError):
    pass


def read_issue(view: IssueView, pdf: bytes, first: int) -> BoundIssue:
    """Page count, page size and each article's page, from the issue PDF and its outline; every
    page's content is decoded once (within ``inflate``'s limits) before anything is bound."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    if not reader.pages:
        raise EmptyIssue("没有页面")
    budget = Budget()
    for page in reader.pages:
        contents = page.get_contents()
        budget.spend(len(contents.get_data()) if contents is not None else 0)
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
    from pypdf.errors import PyPdfError

    own, front, back = volume_pages(volume)
    try:
        return BoundVolume(volume, assemble(volume, own, front, {}), assemble(volume, own, front, sources), front, back)
    except (PyPdfError, zlib.error, ValueError, KeyError, IndexError) as exc:  # an issue PDF damaged past its pages
        raise OutputError(f"{volume.year}年合订本无法装订：有一期的 PDF 已损坏（{type(exc).__name__}）。"
                          "请运行 huikan library --rebuild 重排。") from None


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
            stamp(writer.pages[starts[-1] + k], stamps.pages[front + issue.first + k])
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


def stamp(page, stamp_page) -> None:
    """The stamp (its number at the bottom centre) on ``page``, centred on the page's own box
    whatever its size or origin: an issue may mix paper sizes, the stamps follow its first page."""
    from pypdf import Transformation

    box, own = page.mediabox, stamp_page.mediabox
    dx = float(box.left) + (float(box.width) - float(own.width)) / 2 - float(own.left)
    dy = float(box.bottom) - float(own.bottom)
    if abs(dx) < 0.01 and abs(dy) < 0.01:
        page.merge_page(stamp_page)
    else:
        page.merge_transformed_page(stamp_page, Transformation().translate(dx, dy))


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
