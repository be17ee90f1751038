"""The HTML master as a file: one self-contained page that reads well in a browser (its
pictures inlined, prepared for screens)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from typeset.outputs import atomic_write
from typeset.writers import BuildContext, Writer, register

_FIGURE_SRC = re.compile(r'src="figure:([0-9a-f]+-w[0-9]+)"')


def self_contained(ctx: BuildContext) -> str:
    """The master with each ``figure:`` picture as a ``data:`` URL of its screen version."""
    figures = ctx.rendered.figures

    def inline(match: re.Match) -> str:
        placed = figures.by_key(match.group(1))
        if placed is None:
            return match.group(0)
        prepared = figures.prepared(placed, "screen")
        return f'src="data:{prepared.media_type};base64,{base64.b64encode(prepared.data).decode("ascii")}"'

    return _FIGURE_SRC.sub(inline, ctx.rendered.html)


def write_html(ctx: BuildContext) -> Path:
    return atomic_write(ctx.path(".html"), self_contained(ctx).encode("utf-8"))


register(Writer("html", "网页（HTML 母版）", write_html))
