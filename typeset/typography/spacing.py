"""Where a line of text may stretch: the character analysis behind inter-character
justification, free of WeasyPrint (pure functions on strings and Pango's spacing units)."""

from __future__ import annotations

import re
from functools import lru_cache

PANGO_SCALE = 1024  # Pango units per CSS px (``TO_UNITS``)

NONE, CJK, SPACE, LATIN = 0, 1, 2, 3

_CJK_RANGES = (
    "\u1100-\u11ff"          # Hangul Jamo
    "\u2e80-\u2fdf"          # CJK and Kangxi radicals
    "\u2ff0-\u303f"          # ideographic description, CJK symbols and punctuation
    "\u3041-\u33ff"          # kana, bopomofo, Hangul compatibility, enclosed, compatibility
    "\u3400-\u4dbf"          # Extension A
    "\u4e00-\u9fff"          # Unified Ideographs
    "\ua960-\ua97f"          # Hangul Jamo Extended-A
    "\uac00-\ud7ff"          # Hangul syllables, Jamo Extended-B
    "\uf900-\ufaff"          # compatibility ideographs
    "\ufe10-\ufe1f"          # vertical forms
    "\ufe30-\ufe4f"          # CJK compatibility forms
    "\uff01-\uff60"          # full-width ASCII variants and brackets
    "\uffe0-\uffe6"          # full-width signs
    "\U0001f200-\U0001f2ff"  # enclosed ideographic supplement
    "\U00020000-\U0003ffff"  # Extensions B to H, compatibility supplement
    "\u2018\u201c\u201d\u00b7"  # curly quotes and interpunct: full width in Chinese fonts
)
# Characters that belong to the character before them (one Pango cluster):
# combining marks, variation selectors, zero width joiner.
_EXTEND = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef"
# Dashes (——) and ellipses (……) are not listed: they must stay one unbroken
# stroke or dotted line, so they stretch like Latin letters (not at all).
# U+2019 is a closing quote, except between two Latin letters (it’s).
_OPPORTUNITY = re.compile(
    f"(?P<cjk>(?:(?:[{_CJK_RANGES}]|(?<![A-Za-z])\u2019|\u2019(?![A-Za-z]))[{_EXTEND}]*)+)"
    f"|(?P<space>(?:[ \u00a0][{_EXTEND}]*)+)"
    # Latin letters and digits: stretched only when a line's spaces would otherwise open
    # wider than half an em (a line of Chinese holding Latin words).
    f"|(?P<latin>(?:[A-Za-z0-9][{_EXTEND}]*)+)"
)
_CLASSES = {"cjk": CJK, "space": SPACE, "latin": LATIN}
_EXTENDERS = re.compile(f"[{_EXTEND}]")


@lru_cache(maxsize=8192)
def analyse(text: str) -> tuple[tuple[tuple[int, int, int, int], ...], int]:
    """Justification opportunities of ``text``.

    Returns ``(runs, length)``: ``runs`` are ``(start, end, class, count)``
    with UTF-8 byte offsets, ``class`` CJK, SPACE or LATIN and ``count`` the
    characters of the run (extenders not counted); ``length`` is the byte
    length of ``text``."""
    runs = []
    char_pos = byte_pos = 0
    for match in _OPPORTUNITY.finditer(text):
        start, end = match.span()
        byte_start = byte_pos + len(text[char_pos:start].encode())
        chunk = match.group()
        byte_end = byte_start + len(chunk.encode())
        count = len(chunk) - (len(_EXTENDERS.findall(chunk)) if _EXTENDERS.search(chunk) else 0)
        runs.append((byte_start, byte_end, _CLASSES[match.lastgroup], count))
        char_pos, byte_pos = end, byte_end
    return tuple(runs), byte_pos + len(text[char_pos:].encode())


def weights(text: str) -> tuple[int, int, int, int]:
    """(CJK characters, spaces, class of the first character, class of the last one)."""
    runs, length = analyse(text)
    cjk = sum(run[3] for run in runs if run[2] == CJK)
    spaces = sum(run[3] for run in runs if run[2] == SPACE)
    first = runs[0][2] if runs and runs[0][0] == 0 else NONE
    last = runs[-1][2] if runs and runs[-1][1] == length else NONE
    return cjk, spaces, first, last


def latin_letters(text: str) -> int:
    """Latin letters and digits of ``text`` (the last resort of a loose line's stretch)."""
    return sum(run[3] for run in analyse(text)[0] if run[2] == LATIN)


def split_spacing(spacing: int) -> tuple[int, int]:
    """Pango's split of a letter spacing (Pango units) into the part before and
    after a glyph (``distribute_letter_spacing`` in pango-layout.c)."""
    left = int(spacing / 2)
    if spacing % PANGO_SCALE == 0:  # whole pixels stay on the pixel grid
        left = (left + PANGO_SCALE // 2) & ~(PANGO_SCALE - 1)
    return left, spacing - left
