"""Character rules: what an editor's proof-reader looks for line by line (GB/T 15834 标点符号用法).

Each ``rule_*`` function takes one ``SourceLine`` and yields ``Finding``s. The ``find_*``
detectors return positions and are shared with the fixer, so a fix never touches a place the
check would not report.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Iterator

from typeset.check.chars import (
    HALFWIDTH_TO_FULLWIDTH, INNER_BLANKS, INTERPUNCT, WRONG_INTERPUNCTS, SourceLine, code_point,
    is_chinese, is_fullwidth_punct, is_han, is_radical,
)
from typeset.check.findings import Finding
from typeset.sources.text import ARTICLE_MARKS, ITEM_MARKS

_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)")
_NUMBERING = re.compile(r"[0-9]+\.")
_PAIRS = ("“”", "‘’", "《》", "（）", "【】")
LINE_MARKS = ARTICLE_MARKS + ITEM_MARKS  # a blank after one of these at a line's start is syntax
_BLANK_NAMES = {" ": "空格", "\u3000": "全角空格", "\u00a0": "不换行空格", "\t": "制表符"}


def _finding(line: SourceLine, i: int, rule: str, severity: str, message: str, suggestion: str = "") -> Finding:
    return Finding(line.file, line.number, i + 1, rule, severity, message, suggestion)


def _dot_run(text: str, i: int) -> int:
    """Length of the run of ``.`` that contains index ``i``."""
    lo = hi = i
    while lo > 0 and text[lo - 1] == ".":
        lo -= 1
    while hi + 1 < len(text) and text[hi + 1] == ".":
        hi += 1
    return hi - lo + 1


def find_halfwidth_punct(line: SourceLine) -> list[int]:
    """Half-width , . ; : ? ! ( ) beside Chinese text; not decimals, times, numbering or ``...``.

    Marks are looked at in runs (marks and blanks between two other characters): a run beside
    Chinese is converted whole (``中,,``), and so is a run holding a mark already converted (the
    other half of a ( ) pair). The set is grown to a fixed point, so a second fix finds nothing."""
    runs = _mark_runs(line)
    chosen: set[int] = set()
    while True:
        grown: set[int] = set()
        for beside_chinese, marks, candidates in runs:
            if beside_chinese or not chosen.isdisjoint(marks):
                grown.update(candidates)
        grown |= _partners(line, chosen | grown)
        grown -= chosen
        if not grown:
            return sorted(chosen)
        chosen |= grown


def _mark_runs(line: SourceLine) -> list[tuple[bool, set[int], list[int]]]:
    """``(beside Chinese, every mark, convertible marks)`` for each run of half-width marks and blanks."""
    runs, text, i = [], line.text, line.lo
    skip = INNER_BLANKS + "".join(HALFWIDTH_TO_FULLWIDTH)
    while i < line.hi:
        if text[i] not in HALFWIDTH_TO_FULLWIDTH:
            i += 1
            continue
        start = i
        while start > line.lo and text[start - 1] in INNER_BLANKS:
            start -= 1
        end = i
        while end < line.hi and text[end] in skip:
            end += 1
        marks = {j for j in range(i, end) if text[j] in HALFWIDTH_TO_FULLWIDTH}
        beside = (start > line.lo and is_chinese(text[start - 1])) or (end < line.hi and is_chinese(text[end]))
        runs.append((beside, marks, [j for j in sorted(marks) if _eligible(line, j)]))
        i = end
    return runs


def _eligible(line: SourceLine, i: int) -> bool:
    text, ch = line.text, line.text[i]
    if ch not in HALFWIDTH_TO_FULLWIDTH:
        return False
    if 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
        return False  # 3.5, 10:30, 3,000
    if ch == "." and (_dot_run(text, i) >= 3 or _NUMBERING.fullmatch(text[line.lo:i + 1])):
        return False  # an ellipsis (its own rule) or a list number "1."
    return True


def _partners(line: SourceLine, chosen: set[int]) -> set[int]:
    """A ( ) pair is converted together, so a fix never leaves （3.5) behind."""
    partners, stack = set(), []
    for i in range(line.lo, line.hi):
        if line.text[i] == "(":
            stack.append(i)
        elif line.text[i] == ")" and stack:
            opening = stack.pop()
            if opening in chosen or i in chosen:
                partners |= {opening, i}
    return partners


def rule_halfwidth_punct(line: SourceLine) -> Iterator[Finding]:
    for i in find_halfwidth_punct(line):
        ch = line.text[i]
        full = HALFWIDTH_TO_FULLWIDTH[ch]
        extra = "，并删去旁边的空格" if line.blank_beside(i) else ""
        yield _finding(line, i, "halfwidth-punct", "error",
                       f"中文里用了半角标点“{ch}”", f"改为全角“{full}”{extra}")


def rule_ascii_quote(line: SourceLine) -> Iterator[Finding]:
    for i in range(line.lo, line.hi):
        ch = line.text[i]
        if ch in "\"'" and line.beside_chinese(i):
            marks = "“ ”" if ch == '"' else "‘ ’"
            yield _finding(line, i, "ascii-quote", "warning",
                           f"中文里用了英文引号 {ch}", f"改为中文引号 {marks}")


def rule_unbalanced_pair(line: SourceLine) -> Iterator[Finding]:
    """Each pair is counted on its own, so one missing mark gives one finding."""
    content = line.text[:line.hi]
    present = set(content[line.lo:])
    for pair in _PAIRS:
        if pair[0] not in present and pair[1] not in present:
            continue  # most lines hold two or three of the pairs: skip the scan for the rest
        opened: list[int] = []
        for i in range(line.lo, line.hi):
            if content[i] == pair[0]:
                opened.append(i)
            elif content[i] == pair[1]:
                if opened:
                    opened.pop()
                else:
                    yield _finding(line, i, "unbalanced-pair", "warning",
                                   f"“{pair[1]}”前面缺少对应的“{pair[0]}”", f"检查本段的{pair}是否成对")
        for i in opened[-1:]:
            yield _finding(line, i, "unbalanced-pair", "warning",
                           f"“{pair[0]}”在本段中没有对应的“{pair[1]}”", f"检查本段的{pair}是否成对")


def _blank_runs(line: SourceLine, text: str | None = None) -> Iterator[tuple[int, int]]:
    """Runs ``[start, end)`` of blanks inside the content (not indent, not trailing, not the
    blank after a line's ☆ or * mark, which is syntax)."""
    text = line.text if text is None else text
    i = line.lo
    if i < line.hi and text[i] in LINE_MARKS:
        i += 1
        while i < line.hi and text[i] in INNER_BLANKS:
            i += 1
    while i < line.hi:
        if text[i] not in INNER_BLANKS:
            i += 1
            continue
        end = i
        while end < line.hi and text[end] in INNER_BLANKS:
            end += 1
        yield i, end
        i = end


def find_stray_spaces(line: SourceLine, text: str | None = None) -> list[tuple[int, int]]:
    """Blank runs that touch a full-width mark: never meaningful, so the fixer removes them.
    ``text`` is the line after other fixes (same length), when the fixer asks."""
    text = line.text if text is None else text
    return [(i, end) for i, end in _blank_runs(line, text)
            if is_fullwidth_punct(text[i - 1]) or is_fullwidth_punct(text[end])]


def find_word_spaces(line: SourceLine) -> list[tuple[int, int]]:
    """Blank runs between two hanzi: a slip, or a deliberate gap (a headline's two phrases, a
    byline's fields 作者：… 加入时间：…). Reported, never removed."""
    text = line.text
    return [(i, end) for i, end in _blank_runs(line)
            if is_han(text[i - 1]) and is_han(text[end])]


def rule_stray_space(line: SourceLine) -> Iterator[Finding]:
    for start, end in find_stray_spaces(line):
        names = _blank_names(line.text[start:end])
        context = line.text[max(line.lo, start - 2):min(line.hi, end + 2)]
        yield _finding(line, start, "stray-space", "warning",
                       f"多了{names}：{context}（全角标点旁不留空格）", "删去空格")


def rule_word_space(line: SourceLine) -> Iterator[Finding]:
    for start, end in find_word_spaces(line):
        names = _blank_names(line.text[start:end])
        context = line.text[max(line.lo, start - 2):min(line.hi, end + 2)]
        yield _finding(line, start, "word-space", "warning", f"中文字之间有{names}：{context}",
                       "如是有意分隔（标题的两部分、署名的各项）可保留，否则删去；自动修正不会删除")


def _blank_names(blanks: str) -> str:
    return "、".join(dict.fromkeys(_BLANK_NAMES.get(ch, "空白") for ch in blanks))


def find_wrong_interpuncts(line: SourceLine) -> list[int]:
    """``•`` / ``・`` between words (a bullet at either end of a line is left alone)."""
    return [i for i in range(line.lo + 1, line.hi - 1) if line.text[i] in WRONG_INTERPUNCTS]


def rule_interpunct(line: SourceLine) -> Iterator[Finding]:
    for i in find_wrong_interpuncts(line):
        ch = line.text[i]
        yield _finding(line, i, "interpunct", "warning",
                       f"间隔号用了“{ch}”（{code_point(ch)}）", f"改为间隔号“{INTERPUNCT}”（U+00B7）")


def rule_dash(line: SourceLine) -> Iterator[Finding]:
    """A single ``—`` is right as the 一字线 of a range or a link (GB/T 15834 §4.13: 2019—2021年,
    1—8月, 北京—上海, 区委—街道—社区); it is reported only where it reads as half a 破折号
    (beside a mark or a blank), and a numeric range of quantities is pointed to ``～``."""
    text = line.text
    for i in range(line.lo, line.hi):
        if text[i] != "—" or text[i - 1:i] == "—" or text[i + 1:i + 2] == "—":
            continue
        left, right = text[i - 1:i] if i > line.lo else "", text[i + 1:i + 2] if i + 1 < line.hi else ""
        if left.isdigit() and right.isdigit() and not _time_range(text, i):
            yield _finding(line, i, "range-dash", "warning", "数值范围用了一字线“—”", "数值范围宜用浪纹线“～”，如 5～10 吨")
        elif not (left.isalnum() and right.isalnum()):
            yield _finding(line, i, "dash", "warning", "破折号只写了一半“—”", "破折号应为两个字宽“——”")


_TIME_UNITS = set("年月日时点号周季期届:：")


def _time_range(text: str, i: int) -> bool:
    """``2019—2021``, ``1—8月``, ``3—10日``, ``8:00—10:00``: a time range takes the 一字线."""
    before = re.search(r"\d+$", text[:i])
    after = re.match(r"(\d+)(\D?)", text[i + 1:])
    if not before or not after:
        return False
    return (len(before.group()) == 4 and len(after.group(1)) == 4) or after.group(2) in _TIME_UNITS


def rule_ellipsis(line: SourceLine) -> Iterator[Finding]:
    for match in _ELLIPSIS.finditer(line.text, line.lo, line.hi):
        start, last = match.start(), match.end() - 1
        if match.group()[0] == "." and not (is_chinese(line.left(start) or " ") or is_chinese(line.right(last) or " ")):
            continue  # English text: "and so on..."
        yield _finding(line, match.start(), "ellipsis", "warning",
                       f"省略号写成了“{match.group()}”", "省略号应为六个点“……”")


def rule_radical(line: SourceLine) -> Iterator[Finding]:
    for i in range(line.lo, line.hi):
        ch = line.text[i]
        if is_radical(ch):
            plain = unicodedata.normalize("NFKC", ch)
            advice = f"改为普通汉字“{plain}”（{code_point(plain)}）" if plain != ch else "改为对应的普通汉字"
            yield _finding(line, i, "radical", "error",
                           f"“{ch}”（{code_point(ch)}）是部首符号，不是普通汉字，印出来字形可能不对", advice)


LINE_RULES: tuple[Callable[[SourceLine], Iterator[Finding]], ...] = (
    rule_halfwidth_punct, rule_ascii_quote, rule_unbalanced_pair, rule_stray_space, rule_word_space,
    rule_interpunct, rule_dash, rule_ellipsis, rule_radical,
)


def check_line(line: SourceLine) -> Iterator[Finding]:
    from typeset.check.pictures import caption_only

    line = caption_only(line)  # a 【图】 line's image path is a file name, not text
    if line.lo >= line.hi:
        return
    for rule in LINE_RULES:
        yield from rule(line)
