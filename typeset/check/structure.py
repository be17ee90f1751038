"""Structure rules, read from the document model: an issue without articles, bare ☆ lines,
empty articles, news numbering, the order of sub-headings (一、二、) and lead sentences (一是、
二是), and lines that look like structure but were read as paragraphs."""

from __future__ import annotations

import re
from typing import Iterator

from typeset.check.findings import Finding
from typeset.model import Article, Block, Bulletin, Heading, Origin, Paragraph
from typeset.sources.text import CIRCLED, structure_doubt

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


def check_has_articles(bulletin: Bulletin) -> Iterator[Finding]:
    if bulletin.sections and not any(article.mark or article.title for article in bulletin.articles()):
        yield Finding(bulletin.sections[0].file, 1, 1, "no-article", "error",
                      "全期没有一篇文章：每篇文章以“☆ 标题”一行开头（★ ◆ ■ 也可以）",
                      "在每篇文章前加一行“☆ 文章标题”")


def check_bare_mark(article: Article) -> Iterator[Finding]:
    if article.mark and not article.title:
        yield _warning(article.origin, "bare-mark", f"这一行只有“{article.mark}”，没有文章标题",
                       f"在“{article.mark}”后写上标题；如不是新文章，删去这一行")


def check_untitled(article: Article) -> Iterator[Finding]:
    """Text before a file's first ☆ (or a file without one) is printed untitled and left out
    of the contents; an article a Word file titles (by style or formatting) has its title. A sub-heading opening it is reported by ``check_headings_outside``."""
    if not article.mark and not article.title and not (article.blocks and isinstance(article.blocks[0], Heading)):
        yield _warning(article.origin, "untitled-text", "这一段文字前面没有 ☆ 标题：印出来没有标题，也不进目录",
                       "在它前面加一行“☆ 文章标题”；如属于上一篇文章，请移到那篇文章里")


def check_headings_outside(article: Article) -> Iterator[Finding]:
    """Text before a file's first ☆ (or Word title) belongs to no article: a sub-heading there is misplaced."""
    if article.mark or article.title:
        return
    for block in article.blocks:
        if isinstance(block, Heading):
            yield _warning(block.origin, "heading-outside", f"小标题“{block.text[:12]}”不在任何文章里（前面没有 ☆ 标题行）",
                           "在它前面加上“☆ 文章标题”，或并入上一个文件的文章")


def check_structure_like(article: Article) -> Iterator[Finding]:
    """Lines read as paragraphs that look like a sub-heading or a news title."""
    candidates = [(block, article.is_news) for block in article.blocks]
    candidates += [(block, True) for item in article.items for block in item.blocks]
    for k, (block, news) in enumerate(candidates):
        if isinstance(block, Paragraph):
            doubt = structure_doubt(block.text, news=news or k == 0)
            if doubt:
                yield _warning(block.origin, "structure-like", doubt, "如是标题请缩短或删去句号；如是正文可不理会")


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
            written = item.label or f"{item.number}、"
            wanted = relabel(written, expected)
            yield _warning(item.origin, "news-numbering", f"动态编号{kind}：这里写的是“{written}”，应为“{wanted}”",
                           f"改为“{wanted}”")
        previous = item.number


def relabel(label: str, number: int) -> str:
    """``label``'s numbering style with another number: ``(3)`` → ``(4)``, ``③`` → ``④``."""
    if label in CIRCLED:
        return CIRCLED[number - 1] if number <= len(CIRCLED) else f"{number}、"
    return re.sub(r"[0-9０-９]+", str(number), label, count=1)


def _ordinal(text: str, mark: str) -> int | None:
    match = _ORDINAL.match(text)
    if not match or match.group(2) != mark:
        return None
    return chinese_number(match.group(1))


def check_block_order(blocks: tuple[Block, ...]) -> Iterator[Finding]:
    """Sub-headings count 一、二、… through the article and （一）（二）… under each of them;
    lead sentences 一是、二是… restart after each sub-heading."""
    counts = {1: 0, 2: 0, "lead": 0}
    for block in blocks:
        if isinstance(block, Heading):
            number = _heading_number(block)
            if number is not None:
                yield from _order(block.origin, "heading-order", "小标题", number, counts[block.level] + 1,
                                  _HEADING_FORMS[block.level])
                counts[block.level], counts["lead"] = number, 0
                if block.level == 1:
                    counts[2] = 0
        elif isinstance(block, Paragraph) and block.lead:
            number = _ordinal(block.lead, "是")
            if number is not None:
                yield from _order(block.origin, "lead-order", "导语", number, counts["lead"] + 1, "{}是")
                counts["lead"] = number


_HEADING_FORMS = {1: "{}、", 2: "（{}）"}
_SUB_ORDINAL = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")


def _heading_number(heading: Heading) -> int | None:
    if heading.level == 2:
        match = _SUB_ORDINAL.match(heading.text)
        return chinese_number(match.group(1)) if match else None
    return _ordinal(heading.text, "、")


def _order(origin: Origin, rule: str, label: str, number: int, expected: int, form: str) -> Iterator[Finding]:
    if number != expected and expected <= 99:
        written, wanted = form.format(chinese_numeral(number)), form.format(chinese_numeral(expected))
        yield _warning(origin, rule, f"{label}序号不连续：这里是“{written}”，应为“{wanted}”", f"改为“{wanted}”")


def check_structure(bulletin: Bulletin) -> Iterator[Finding]:
    yield from check_has_articles(bulletin)
    titled = any(article.mark or article.title for article in bulletin.articles())  # else check_has_articles said it
    for article in bulletin.articles():
        if titled:
            yield from check_untitled(article)
        yield from check_bare_mark(article)
        yield from check_headings_outside(article)
        yield from check_structure_like(article)
        yield from check_empty_article(article)
        yield from check_news_numbering(article)
        yield from check_block_order(article.blocks)
        for item in article.items:
            yield from check_block_order(item.blocks)
