"""Structure rules, read from the document model: empty articles, news numbering, the order
of sub-headings (一、二、) and lead sentences (一是、二是)."""

from __future__ import annotations

import re
from typing import Iterator

from typeset.check.findings import Finding
from typeset.model import Article, Block, Bulletin, Heading, Origin, Paragraph

_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+)(、|是)")


def chinese_number(text: str) -> int | None:
    """``一`` → 1, ``十二`` → 12, ``二十`` → 20, ``九十九`` → 99; None when malformed."""
    if not text or len(text) > 3:
        return None
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def chinese_numeral(number: int) -> str:
    """The inverse of ``chinese_number`` for 1-99."""
    names = "一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if not tens:
        return names[ones - 1]
    return (names[tens - 1] if tens > 1 else "") + "十" + (names[ones - 1] if ones else "")


def _warning(origin: Origin, rule: str, message: str, suggestion: str = "") -> Finding:
    return Finding(origin.file, origin.line, 1, rule, "warning", message, suggestion)


def check_empty_article(article: Article) -> Iterator[Finding]:
    if article.title and not article.blocks and not article.items:
        yield _warning(article.origin, "empty-article", f"文章“{article.title}”只有标题，没有正文",
                       "补上正文，或删去这个标题")


def check_news_numbering(article: Article) -> Iterator[Finding]:
    previous = 0
    for item in article.items:
        expected = previous + 1
        if item.number != expected:
            kind = "重复" if item.number <= previous else "不连续"
            yield _warning(item.origin, "news-numbering", f"动态编号{kind}：这里写的是“{item.number}、”，应为“{expected}、”",
                           f"改为“{expected}、”")
        previous = item.number


def _ordinal(text: str, mark: str) -> int | None:
    match = _ORDINAL.match(text)
    if not match or match.group(2) != mark:
        return None
    return chinese_number(match.group(1))


def check_block_order(blocks: tuple[Block, ...]) -> Iterator[Finding]:
    """Sub-headings count 一、二、… through the article; lead sentences 一是、二是… restart after
    each sub-heading."""
    heading_count = lead_count = 0
    for block in blocks:
        if isinstance(block, Heading):
            number = _ordinal(block.text, "、")
            if number is not None:
                yield from _order(block.origin, "heading-order", "小标题", number, heading_count + 1, "、")
                heading_count, lead_count = number, 0
        elif isinstance(block, Paragraph) and block.lead:
            number = _ordinal(block.lead, "是")
            if number is not None:
                yield from _order(block.origin, "lead-order", "导语", number, lead_count + 1, "是")
                lead_count = number


def _order(origin: Origin, rule: str, label: str, number: int, expected: int, mark: str) -> Iterator[Finding]:
    if number != expected and expected <= 99:
        written, wanted = chinese_numeral(number) + mark, chinese_numeral(expected) + mark
        yield _warning(origin, rule, f"{label}序号不连续：这里是“{written}”，应为“{wanted}”", f"改为“{wanted}”")


def check_structure(bulletin: Bulletin) -> Iterator[Finding]:
    for article in bulletin.articles():
        yield from check_empty_article(article)
        yield from check_news_numbering(article)
        yield from check_block_order(article.blocks)
        for item in article.items:
            yield from check_block_order(item.blocks)
