"""The bulletin text format: one reader, one paragraph per line.

- ``☆ 标题`` starts an article; ``★`` ``◆`` ``■`` work the same way (blanks or U+00A0 may
  precede the mark, a blank may follow it);
- ``一、小标题`` inside an article is a sub-heading, ``（一）小标题`` one level below (up to 40
  characters, no 。);
- ``一是……。`` opens a paragraph with a lead sentence: its complete first sentence (ending
  。！？, up to 40 characters, no ；); a paragraph enumerating inline (一是……；二是……。) is body text;
- ``*`` opens an item paragraph;
- ``【图】imgs/photo.jpg 图注`` is a picture (path relative to the issue folder, a blank, the
  caption); consecutive ``【图】`` lines form one figure, set side by side;
- an article whose first line is a numbered title is a news article: ``1、`` ``1.`` ``1．``
  ``(1)`` ``（1）`` ``①`` (digits half- or full-width, styles may be mixed) open news items; the
  label is kept as written. Inside an item, a list in another style that does not continue the
  item numbers (``（1）…（2）…`` under ``1、``) stays body text.

Blank lines, trailing blanks, U+3000 indents, U+00A0, CRLF and a BOM are tolerated. What the
reader can't classify stays a paragraph: nothing the editor wrote is dropped, and
``structure_doubt`` tells the checker which of those lines look like structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from typeset.model import Article, Block, Figure, Heading, Item, Mark, NewsItem, Origin, Paragraph, Picture

# Characters that may indent or trail a line: ASCII blanks, U+00A0, U+3000 and friends.
BLANKS = " \t\u00a0\u3000\u2002\u2003\u2009\x0b\x0c"  # zero-width characters are content, not blanks
ARTICLE_MARK = "☆"
ARTICLE_MARKS = "☆★◆■"
ITEM_MARKS = "*＊"
_CN_NUMERALS = "一二三四五六七八九十"
_HEADINGS = ((1, re.compile(rf"^[{_CN_NUMERALS}]+、")), (2, re.compile(rf"^[（(][{_CN_NUMERALS}]+[）)]")))
_LEAD = re.compile(rf"^[{_CN_NUMERALS}]+是")
_SENTENCE_END = re.compile(r"[。！？][”’」』）)]*")
_DIGITS = "0-9０-９"
_NEWS_LABEL = re.compile(rf"^(?:[{_DIGITS}]{{1,3}}(?:、|[.．](?![{_DIGITS}]))|[（(][{_DIGITS}]{{1,3}}[）)]|[①-⑳])")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
LINE_BREAK = re.compile(r"\r\n|\r|\n")
HEADING_MAX_CHARS = 40
LEAD_MAX_CHARS = 40
NEWS_TITLE_MAX_CHARS = 60
PICTURE_MARK = "【图】"
# The image path ends at its extension (a path may hold blanks); the caption follows a blank.
_PICTURE = re.compile(r"(?i)^(.+?\.(?:jpe?g|png|webp|tiff?|heic|heif))(?:[\s\u3000]+(.*))?$")


@dataclass(frozen=True)
class Line:
    """A paragraph to classify. Another reader (.docx) may say more than the text: ``role``
    (``title`` for an article title, ``heading`` with ``level`` for a sub-heading, ``item``
    for a bulleted entry, from Word's styles and lists), inline ``marks`` over ``text``, or a
    ready ``block`` (a figure, a table)."""

    number: int
    text: str  # stripped of indent and trailing blanks, never empty (but for a ready block)
    role: str = ""
    level: int = 0
    marks: tuple[Mark, ...] = ()
    block: Block | None = None


@dataclass(frozen=True)
class NewsTitle:
    """A numbered news title as written: ``label`` (``1、`` ``(2)`` ``③``), its number and title."""

    label: str
    number: int
    title: str

    @property
    def style(self) -> str:
        """The numbering style, digits left out: ``、`` ``.`` ``()`` ``①``."""
        if self.label in CIRCLED:
            return "①"
        return re.sub(rf"[{_DIGITS}]", "", self.label).translate(str.maketrans("．（）", ".()"))


def split_lines(text: str) -> list[Line]:
    """Physical lines (1-based numbers, as an editor counts them), blank ones left out."""
    lines = []
    for number, raw in enumerate(LINE_BREAK.split(text), start=1):
        stripped = raw.strip(BLANKS)
        if stripped:
            lines.append(Line(number, stripped))
    return lines


def is_article_title(line: str) -> bool:
    return bool(line) and line[0] in ARTICLE_MARKS


def article_title(line: str) -> str:
    return line[1:].strip(BLANKS)


def news_label(line: str) -> tuple[str, int] | None:
    """``("（2）", 2)`` for a line opening with a news number; None otherwise."""
    match = _NEWS_LABEL.match(line)
    if not match:
        return None
    label = match.group()
    if label in CIRCLED:
        return label, CIRCLED.index(label) + 1
    digits = re.sub(rf"[^{_DIGITS}]", "", label).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return label, int(digits)


def news_title(line: str) -> NewsTitle | None:
    """The news title of a line like ``2、杭州市两新组织……`` (up to 60 characters, not a
    sentence ending in 。); None otherwise."""
    labelled = news_label(line)
    if not labelled:
        return None
    title = line[len(labelled[0]):].strip(BLANKS)
    if not title or len(title) > NEWS_TITLE_MAX_CHARS or title.endswith("。"):
        return None
    return NewsTitle(labelled[0], labelled[1], title)


def heading_level(text: str) -> int:
    """1 for ``一、…``, 2 for ``（一）…`` when the line can be a sub-heading; 0 otherwise."""
    for level, pattern in _HEADINGS:
        if pattern.match(text) and len(text) <= HEADING_MAX_CHARS and "。" not in text:
            return level
    return 0


def lead_sentence(text: str) -> str:
    """The lead of a ``一是…`` paragraph: its complete first sentence when short and not an
    inline enumeration; ``""`` otherwise."""
    if not _LEAD.match(text):
        return ""
    end = _SENTENCE_END.search(text)
    if not end:
        return ""
    sentence = text[:end.end()]
    return sentence if len(sentence) <= LEAD_MAX_CHARS and "；" not in sentence else ""


def structure_doubt(text: str, news: bool = False) -> str:
    """Why a line kept as a paragraph looks like a sub-heading (or, with ``news``, a news
    title) that was not recognised; ``""`` when it does not."""
    for _level, pattern in _HEADINGS:
        match = pattern.match(text)
        if match and not heading_level(text):
            reason = f"超过 {HEADING_MAX_CHARS} 字" if len(text) > HEADING_MAX_CHARS else "含句号"
            return f"像小标题“{match.group()}”，但{reason}，按正文段落排"
    labelled = news_label(text) if news else None
    if labelled and not text.endswith("。") and len(text) - len(labelled[0]) > NEWS_TITLE_MAX_CHARS:
        return f"像动态标题“{labelled[0]}”，但标题超过 {NEWS_TITLE_MAX_CHARS} 字，按正文段落排"
    return ""


def picture_line(text: str) -> tuple[str, str] | None:
    """``("imgs/a.jpg", "图注")`` for a ``【图】`` line; None for any other line."""
    if not text.startswith(PICTURE_MARK):
        return None
    rest = text[len(PICTURE_MARK):].strip(BLANKS)
    match = _PICTURE.match(rest)
    source, caption = (match.group(1), match.group(2) or "") if match else (rest.split(maxsplit=1) + [""])[:2]
    return source.strip(BLANKS), caption.strip(BLANKS)


def grouped(blocks: list[Block]) -> tuple[Block, ...]:
    """Pictures on consecutive lines are one figure (a group, set side by side); a blank line,
    a caption paragraph or any other line between two pictures keeps them apart."""
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if isinstance(block, Figure) and isinstance(previous, Figure) and _adjacent(previous, block):
            result[-1] = Figure(previous.pictures + block.pictures, previous.origin)
        else:
            result.append(block)
    return tuple(result)


def _adjacent(previous: Figure, block: Figure) -> bool:
    last = previous.pictures[-1].line or previous.origin.line
    return block.origin.line == last + 1


def classify(line: Line, origin: Origin) -> Block:
    """One line of an article's body → a figure, a heading, an item or a paragraph."""
    text = line.text
    if line.block is not None:
        return line.block
    if line.role == "heading":
        return Heading(text, origin, level=line.level)
    if line.role == "item":
        return Item(text, origin, marks=line.marks)
    picture = picture_line(text)
    if picture and picture[0]:
        return Figure((Picture(*picture, line=origin.line),), origin)
    if text[0] in ITEM_MARKS:
        item = text[1:].lstrip(BLANKS)
        return Item(item, origin, marks=_shifted(line.marks, len(text) - len(item)))
    level = heading_level(text)
    if level:
        return Heading(text, origin, level=level)
    lead = lead_sentence(text)
    return Paragraph(text[len(lead):], origin, lead=lead, marks=line.marks)


def _shifted(marks: tuple[Mark, ...], by: int) -> tuple[Mark, ...]:
    """Marks over a text that lost its first ``by`` characters (an item's ``*``)."""
    moved = (Mark(max(m.start - by, 0), m.end - by, m.kind, m.href) for m in marks)
    return tuple(m for m in moved if m.end > m.start)


@dataclass
class _ArticleDraft:
    title: str
    origin: Origin
    mark: str = ""
    lines: list[Line] = field(default_factory=list)


def read_articles(text: str, file: str) -> tuple[Article, ...]:
    """Read one section file's text into articles, in order."""
    return read_lines(split_lines(text), file)


def read_lines(lines: list[Line], file: str) -> tuple[Article, ...]:
    """Paragraphs (from a text file or another reader) → articles, in order."""
    drafts: list[_ArticleDraft] = []
    for line in lines:
        if line.role == "title":
            drafts.append(_ArticleDraft(line.text, Origin(file, line.number)))
            continue
        if line.block is None and is_article_title(line.text):
            drafts.append(_ArticleDraft(article_title(line.text), Origin(file, line.number), line.text[0]))
            continue
        if not drafts:  # text before the first ☆: an untitled article, so nothing is lost
            drafts.append(_ArticleDraft("", Origin(file, line.number)))
        drafts[-1].lines.append(line)
    return tuple(_build_article(draft, file) for draft in drafts)


def _build_article(draft: _ArticleDraft, file: str) -> Article:
    lines = draft.lines
    if lines and lines[0].block is None and news_title(lines[0].text):
        return Article(draft.title, (), draft.origin, items=_news_items(lines, file), mark=draft.mark)
    blocks = grouped([classify(line, Origin(file, line.number)) for line in lines])
    return Article(draft.title, blocks, draft.origin, mark=draft.mark)


@dataclass
class _ItemDraft:
    head: NewsTitle
    origin: Origin
    blocks: list[Block] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # numbering styles used inside this item's body


def _news_items(lines: list[Line], file: str) -> tuple[NewsItem, ...]:
    items: list[_ItemDraft] = []
    for line in lines:
        origin = Origin(file, line.number)
        head = news_title(line.text) if line.block is None and not line.role else None
        if head and _opens_item(head, items):
            items.append(_ItemDraft(head, origin))
            continue
        if head:
            items[-1].listed.add(head.style)
        items[-1].blocks.append(classify(line, origin))
    return tuple(NewsItem(d.head.number, d.head.title, grouped(d.blocks), d.origin, label=d.head.label) for d in items)


def _opens_item(head: NewsTitle, items: list[_ItemDraft]) -> bool:
    """The first item's style always opens an item; another style does when it continues the
    numbering and is not a list already running inside the current item."""
    if not items or head.style == items[0].head.style:
        return True
    current = items[-1]
    return head.number == current.head.number + 1 and head.style not in current.listed
