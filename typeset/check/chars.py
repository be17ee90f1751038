"""Character classes shared by the proof-reading rules and the fixer."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from typeset.sources.text import BLANKS, LINE_BREAK

LINE_BREAK_KEPT = re.compile(r"(\r\n|\r|\n)")
# Blanks that count as a stray space inside a line (zero-width ones are not visible spaces).
INNER_BLANKS = " \t\u00a0\u3000\u2002\u2003\u2009"
HALFWIDTH_TO_FULLWIDTH = {",": "，", ".": "。", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
WRONG_INTERPUNCTS = "\u2022\u30fb"  # • and ・ written for the 间隔号
INTERPUNCT = "\u00b7"
_HAN_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F),
    (0x2E80, 0x2FDF),  # radicals: wrong, but they read as Chinese to the eye
)
_EXTRA_FULLWIDTH_PUNCT = "“”‘’…—·"


@functools.lru_cache(maxsize=8192)
def is_han(ch: str) -> bool:
    cp = ord(ch)
    return ch == "〇" or any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


@functools.lru_cache(maxsize=8192)
def is_fullwidth_punct(ch: str) -> bool:
    if ch in _EXTRA_FULLWIDTH_PUNCT:
        return True
    cp = ord(ch)
    if 0x3001 <= cp <= 0x303F or 0xFE10 <= cp <= 0xFE4F or 0xFF01 <= cp <= 0xFF65:
        return unicodedata.category(ch)[0] in "PS"
    return False


@functools.lru_cache(maxsize=8192)
def is_chinese(ch: str) -> bool:
    """A character that makes its neighbourhood Chinese text: a hanzi or a full-width mark
    (a misused 间隔号 included: the fixer turns it into one)."""
    return is_han(ch) or is_fullwidth_punct(ch) or ch in WRONG_INTERPUNCTS


def is_radical(ch: str) -> bool:
    return 0x2E80 <= ord(ch) <= 0x2FDF


@dataclass(frozen=True)
class SourceLine:
    """One physical line of a source file; ``lo:hi`` is its content without indent and trailing blanks."""

    file: str
    number: int
    text: str
    lo: int
    hi: int

    def left(self, i: int) -> str:
        """The nearest non-blank character before index ``i`` in the content, or ``""``."""
        j = i - 1
        while j >= self.lo and self.text[j] in INNER_BLANKS:
            j -= 1
        return self.text[j] if j >= self.lo else ""

    def right(self, i: int) -> str:
        """The nearest non-blank character after index ``i`` in the content, or ``""``."""
        j = i + 1
        while j < self.hi and self.text[j] in INNER_BLANKS:
            j += 1
        return self.text[j] if j < self.hi else ""

    def beside_chinese(self, i: int) -> bool:
        return is_chinese(self.left(i) or " ") or is_chinese(self.right(i) or " ")

    def blank_beside(self, i: int) -> bool:
        before = i > self.lo and self.text[i - 1] in INNER_BLANKS
        after = i + 1 < self.hi and self.text[i + 1] in INNER_BLANKS
        return before or after


def source_lines(file: str, text: str) -> list[SourceLine]:
    """Every physical line (numbered as an editor counts them), blank ones included."""
    lines = []
    for number, raw in enumerate(LINE_BREAK.split(text), start=1):
        hi = len(raw.rstrip(BLANKS))
        lo = min(len(raw) - len(raw.lstrip(BLANKS)), hi)
        lines.append(SourceLine(file, number, raw, lo, hi))
    return lines


def code_point(ch: str) -> str:
    return f"U+{ord(ch):04X}"
