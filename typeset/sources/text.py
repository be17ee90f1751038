"""The bulletin text format: one reader, one paragraph per line.

- ``☆ 标题`` starts an article (blanks or U+00A0 may precede the ☆, a blank may follow it);
- ``一、小标题`` inside an article is a sub-heading;
- ``一是……。`` opens a paragraph with a lead sentence (up to the first 。);
- ``*`` opens an item paragraph;
- an article whose first line is ``1、标题`` is a news article: each ``N、标题`` opens a news item.

Blank lines, trailing blanks, U+3000 indents, U+00A0, CRLF and a BOM are tolerated. What the
reader can't classify stays a paragraph: nothing the editor wrote is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from typeset.model import Article, Block, Heading, Item, NewsItem, Origin, Paragraph

# Characters that may indent or trail a line: ASCII blanks, U+00A0, U+3000 and friends.
BLANKS = " \t\u00a0\u3000\u2002\u2003\u2009\x0b\x0c"  # zero-width characters are content, not blanks
ARTICLE_MARK = "☆"
ARTICLE_MARKS = "☆★◆■"
ITEM_MARKS = "*＊"
_CN_NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(rf"^[{_CN_NUMERALS}]+、")
_LEAD = re.compile(rf"^[{_CN_NUMERALS}]+是")
_NEWS_TITLE = re.compile(r"^([0-9０-９]{1,3})、(.*)$")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
HEADING_MAX_CHARS = 40
NEWS_TITLE_MAX_CHARS = 60


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # stripped of indent and trailing blanks, never empty


def split_lines(text: str) -> list[Line]:
    """Physical lines (1-based numbers, as an editor counts them), blank ones left out."""
    lines = []
    for number, raw in enumerate(LINE_BREAK.split(text), start=1):
        stripped = raw.strip(BLANKS)
        if stripped:
            lines.append(Line(number, stripped))
    return lines


def is_article_title(line: str) -> bool:
    return line.startswith(ARTICLE_MARK)


def article_title(line: str) -> str:
    return line[len(ARTICLE_MARK):].strip(BLANKS)


def news_title(line: str) -> tuple[int, str] | None:
    """``(number, title)`` for a line like ``2、杭州市两新组织……``; None otherwise."""
    match = _NEWS_TITLE.match(line)
    if not match:
        return None
    title = match.group(2).strip(BLANKS)
    if len(title) > NEWS_TITLE_MAX_CHARS or title.endswith("。"):
        return None
    return int(match.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789"))), title


def classify(line: Line, origin: Origin) -> Block:
    """One line of an article's body → a heading, an item or a paragraph."""
    text = line.text
    if text[0] in ITEM_MARKS:
        return Item(text[1:].lstrip(BLANKS), origin)
    if _HEADING.match(text) and len(text) <= HEADING_MAX_CHARS and "。" not in text:
        return Heading(text, origin)
    if _LEAD.match(text) and "。" in text:
        end = text.index("。") + 1
        return Paragraph(text[end:], origin, lead=text[:end])
    return Paragraph(text, origin)


@dataclass
class _ArticleDraft:
    title: str
    origin: Origin
    lines: list[Line] = field(default_factory=list)


def read_articles(text: str, file: str) -> tuple[Article, ...]:
    """Read one section file's text into articles, in order."""
    drafts: list[_ArticleDraft] = []
    for line in split_lines(text):
        if is_article_title(line.text):
            drafts.append(_ArticleDraft(article_title(line.text), Origin(file, line.number)))
            continue
        if not drafts:  # text before the first ☆: an untitled article, so nothing is lost
            drafts.append(_ArticleDraft("", Origin(file, line.number)))
        drafts[-1].lines.append(line)
    return tuple(_build_article(draft, file) for draft in drafts)


def _build_article(draft: _ArticleDraft, file: str) -> Article:
    lines = draft.lines
    if lines and news_title(lines[0].text):
        return Article(draft.title, (), draft.origin, items=_news_items(lines, file))
    blocks = tuple(classify(line, Origin(file, line.number)) for line in lines)
    return Article(draft.title, blocks, draft.origin)


def _news_items(lines: list[Line], file: str) -> tuple[NewsItem, ...]:
    items: list[tuple[int, str, Origin, list[Block]]] = []
    for line in lines:
        origin = Origin(file, line.number)
        numbered = news_title(line.text)
        if numbered:
            items.append((numbered[0], numbered[1], origin, []))
        else:
            items[-1][3].append(classify(line, origin))
    return tuple(NewsItem(number, title, tuple(blocks), origin) for number, title, origin, blocks in items)
