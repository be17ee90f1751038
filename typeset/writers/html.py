"""The HTML master as a file: one self-contained page that reads well in a browser."""

from __future__ import annotations

from pathlib import Path

from typeset.outputs import atomic_write
from typeset.writers import BuildContext, Writer, register


def write_html(ctx: BuildContext) -> Path:
    return atomic_write(ctx.path(".html"), ctx.rendered.html.encode("utf-8"))


register(Writer("html", "网页（HTML 母版）", write_html))
