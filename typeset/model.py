"""The document model: one immutable tree that every reader produces and every writer consumes.

Bulletin → sections (栏目) → articles → blocks; a news article (协会动态) holds news items,
each with its own blocks. Every node remembers where it came from (file and line) so that
checks and errors can point at the editor's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import ClassVar, Iterator, Union


@dataclass(frozen=True)
class Origin:
    """Where a node was written: a source file (relative name) and a 1-based line."""

    file: str
    line: int


@dataclass(frozen=True)
class Mark:
    """Inline emphasis over ``text[start:end]`` of a paragraph, an item or a table cell: bold
    (``strong``), a hyperlink (``link``, with its ``href``) or a note reference (``note``, its
    ``href`` the note's id, over the reference as shown: ``[1]``). The text itself stays plain,
    so checks and offsets never see markup."""

    start: int
    end: int
    kind: str = "strong"
    href: str = ""


@dataclass(frozen=True)
class Run:
    """A stretch of text under the same marks, for rendering (see ``runs``)."""

    text: str
    strong: bool = False
    href: str = ""
    note: str = ""  # the id of the note this text refers to


def runs(text: str, marks: tuple[Mark, ...] = (), start: int = 0) -> list[Run]:
    """``text`` (which begins at offset ``start`` of its paragraph) cut where marks begin or end."""
    cuts = sorted({0, len(text)} | {min(max(p - start, 0), len(text)) for m in marks for p in (m.start, m.end)})
    pieces = []
    for lo, hi in zip(cuts, cuts[1:]):
        over = [m for m in marks if m.start - start <= lo and hi <= m.end - start]
        href = next((m.href for m in over if m.kind == "link"), "")
        note = next((m.href for m in over if m.kind == "note"), "")
        pieces.append(Run(text[lo:hi], any(m.kind == "strong" for m in over), href, note))
    return pieces


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside an article: level 1 ``一、围绕主线抓调研，查摆问题``, level 2
    ``（一）…`` (the numbering is part of ``text``, as written)."""

    text: str
    origin: Origin
    id: str = ""
    level: int = 1
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``lead`` is its opening lead sentence (``一是…。``) when it has one.

    ``lead + body`` is the full paragraph text.
    """

    body: str
    origin: Origin
    lead: str = ""
    id: str = ""
    marks: tuple[Mark, ...] = ()
    kind: ClassVar[str] = "paragraph"

    @property
    def text(self) -> str:
        return self.lead + self.body


@dataclass(frozen=True)
class Item:
    """An item paragraph, written with a leading ``*`` (the marker is not part of ``text``)."""

    text: str
    origin: Origin
    id: str = ""
    marks: tuple[Mark, ...] = ()
    kind: ClassVar[str] = "item"


@dataclass(frozen=True)
class Picture:
    """One picture of a figure: where its pixels come from and its caption (a photo credit such
    as ``（摄影：…）`` stays part of the caption).

    ``source`` is the image's path relative to the issue folder as the editor wrote it, or, for
    a picture embedded in a source document (a .docx), ``文件.docx#word/media/image1.png`` with
    the bytes in ``data``. Writers never open ``source`` themselves: the figures stage prepares
    the pixels once for every edition."""

    source: str
    caption: str
    data: bytes = field(default=b"", repr=False, compare=False)
    line: int = 0  # the picture's own source line (a group's pictures are written on several)


@dataclass(frozen=True)
class Figure:
    """A picture or a group of pictures set side by side (consecutive ``【图】`` lines)."""

    pictures: tuple[Picture, ...]
    origin: Origin
    id: str = ""
    kind: ClassVar[str] = "figure"

    @property
    def text(self) -> str:
        """The captions, the figure's only text (searched, checked and kept in the text layer)."""
        return "\n".join(picture.caption for picture in self.pictures if picture.caption)


@dataclass(frozen=True)
class Cell:
    """A table cell: its text (paragraphs joined by newlines) and inline marks."""

    text: str
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table (from a .docx): rows of cells; the first ``header_rows`` rows are its header,
    repeated when the table breaks across pages."""

    rows: tuple[tuple[Cell, ...], ...]
    origin: Origin
    header_rows: int = 1
    id: str = ""
    kind: ClassVar[str] = "table"

    @property
    def head(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[: self.header_rows]

    @property
    def body(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[self.header_rows:]

    @property
    def text(self) -> str:
        """Every cell's text, row by row (searched, checked and kept in the text layer)."""
        return "\n".join(cell.text for row in self.rows for cell in row if cell.text)


Block = Union[Heading, Paragraph, Item, Figure, Table]


def heading_levels_never_skip(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with each heading one level below the headings it falls under, never more:
    ``（一）`` with no ``一、`` before it in the article becomes level 1, the next level under the
    title (HTML h3, not h4 straight after the h2 title), and so do the ``（二）`` after it. One
    place for every reader (text, Word); a heading's text, numbering included, stays as written."""
    open_levels: list[int] = []  # the written levels of the headings the next one falls under
    normal = []
    for block in blocks:
        if isinstance(block, Heading):
            while open_levels and open_levels[-1] >= block.level:
                open_levels.pop()
            open_levels.append(block.level)
            block = replace(block, level=len(open_levels))
        normal.append(block)
    return tuple(normal)


@dataclass(frozen=True)
class NewsItem:
    """One news item of a news article: ``N、标题`` and the paragraphs after it. ``label`` is
    the numbering as the editor wrote it (``1、`` ``2.`` ``（3）`` ``④``), ``number`` its value."""

    number: int
    title: str
    blocks: tuple[Block, ...]
    origin: Origin
    id: str = ""
    label: str = ""

    @property
    def heading(self) -> str:
        """The item's title line as written: ``1、夏宝龙考察南都电源``."""
        return f"{self.label or f'{self.number}、'}{self.title}"


@dataclass(frozen=True)
class Note:
    """A footnote or endnote (from a .docx), closing the article that refers to it: ``label``
    is its number as the reference shows it (``1`` for ``[1]``), ``key`` the reference's name
    in its source (``footnote-1``), ``text`` the note itself."""

    label: str
    text: str
    origin: Origin
    key: str = ""
    id: str = ""
    marks: tuple[Mark, ...] = ()
    kind: ClassVar[str] = "note"


@dataclass(frozen=True)
class Article:
    """An article (``☆ 标题``). A news article also has ``items``; its ``blocks`` are any
    paragraphs written before its first numbered item. ``mark`` is the article mark as written
    (``☆`` ``★`` ``◆`` ``■``); text before a file's first mark is an article without one."""

    title: str
    blocks: tuple[Block, ...]
    origin: Origin
    items: tuple[NewsItem, ...] = ()
    id: str = ""
    mark: str = ""
    notes: tuple[Note, ...] = ()  # footnotes and endnotes, printed where the article ends

    @property
    def is_news(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class Section:
    """A section (栏目): one source file of an issue folder; ``title`` may be empty."""

    title: str
    articles: tuple[Article, ...]
    file: str
    id: str = ""


@dataclass(frozen=True)
class Colophon:
    """The end block (版记): 报送/抄送/发送 lines and the print run (印数)."""

    report_to: str = ""
    copy_to: str = ""
    send_to: str = ""
    print_run: int | None = None


@dataclass(frozen=True)
class IssueMeta:
    """Everything about the issue that is not its text (issue.toml, options or defaults)."""

    title: str  # 刊名
    year: int
    number: int  # 期号
    serial: int | None  # 总期号
    date: dt.date  # 出版日期
    publisher: str  # 编印单位
    colophon: Colophon = field(default_factory=Colophon)
    style: str = "default"
    paper: str = "A4"
    cover: str | None = None
    pad_to: int = 4
    icc_profile: str | None = None

    @property
    def issue_label(self) -> str:
        """``2014年第5期``."""
        return f"{self.year}年第{self.number}期"

    @property
    def serial_label(self) -> str:
        """``（总第25期）``, or nothing when the issue has no serial number."""
        return f"（总第{self.serial}期）" if self.serial else ""

    @property
    def moment(self) -> dt.datetime:
        """The issue date at 00:00 UTC: every date written into an output comes from here,
        never from the clock."""
        return dt.datetime(self.date.year, self.date.month, self.date.day, tzinfo=dt.timezone.utc)

    @property
    def issue_id(self) -> str:
        """An ASCII name for the output folder and files: ``2014-05``."""
        return f"{self.year}-{self.number:02d}"


@dataclass(frozen=True)
class SourceFile:
    """A source text as read (decoded), kept for the archive's attachments and for checks."""

    name: str
    path: str
    text: str
    encoding: str
    raw: bytes = b""
    notices: tuple[tuple[int, str], ...] = ()  # what the reader noticed (line, message), for check


@dataclass(frozen=True)
class Bulletin:
    """One issue of the bulletin: metadata, sections and the sources it was read from."""

    meta: IssueMeta
    sections: tuple[Section, ...]
    sources: tuple[SourceFile, ...] = ()
    root: str = ""  # the issue folder (or the text file's folder): the only place resources come from

    def articles(self) -> Iterator[Article]:
        for section in self.sections:
            yield from section.articles

    def news_items(self) -> Iterator[NewsItem]:
        for article in self.articles():
            yield from article.items

    def blocks(self) -> Iterator[Block]:
        """Every block, in reading order (news items' blocks included)."""
        for article in self.articles():
            yield from article.blocks
            for item in article.items:
                yield from item.blocks
