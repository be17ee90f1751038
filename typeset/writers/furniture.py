"""Page furniture that CSS alone cannot fit: a running head wider than the measure is
shortened to one line ending in "……" (the 刊名 is fitted by the print CSS itself)."""

from __future__ import annotations

import html
import re
import unicodedata

from typeset.styles import Style

ELLIPSIS = "……"
_RUNNING_HEAD = re.compile(r'data-running-head="([^"]*)"')


def running_head_limit(style: Style, paper: str) -> float:
    """How many em of the running head's size fit the measure (one em kept free)."""
    geo = style.geometry(paper)
    size = float(style.type.get("running_head_pt", 9))
    return geo["measure_pt"] / size - 1


def width_em(text: str) -> float:
    """Width in em: Chinese and full-width characters 1, everything else about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def shorten(text: str, limit: float) -> str:
    if width_em(text) <= limit:
        return text
    kept = ""
    for ch in text:
        if width_em(kept + ch + ELLIPSIS) > limit:
            break
        kept += ch
    return kept.rstrip() + ELLIPSIS


def shorten_running_heads(master: str, limit: float) -> str:
    """The master with every ``data-running-head`` attribute shortened to ``limit`` em."""
    def one(match: re.Match) -> str:
        text = html.unescape(match.group(1))
        short = shorten(text, limit)
        return match.group(0) if short == text else f'data-running-head="{html.escape(short)}"'

    return _RUNNING_HEAD.sub(one, master)
