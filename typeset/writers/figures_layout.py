"""Pictures in the print layout: the prepared pixels served to WeasyPrint (RGB, or CMYK with
the output intent's profile for the print shop), and figure deferral: WeasyPrint has no page
floats, so a figure that does not fit the rest of a page would leave it empty. The layout is
redone with the remedies a compositor would use, first that helps first:

1. scale the figure down (to no less than ``MIN_SCALE`` of its size) so it fits the space left;
2. move it after the paragraphs that follow it in its article (at most ``MAX_MOVE`` blocks),
   so the text fills the page and the picture tops the next one.

A remedy is kept only when the layout's worst hole (a page other than the last ending more than
``HOLE_SHARE`` of its type area empty) shrinks."""

from __future__ import annotations

import re

from typeset.writers import BuildContext


def figure_server(ctx: BuildContext, press: bool):
    """``name`` (a ``figure:`` URL's) → (bytes, media type) of the edition's prepared picture."""
    figures = ctx.rendered.figures

    def serve(name: str):
        placed = figures.by_key(name)
        if placed is None:
            return None
        profile = _profile(ctx) if press else b""
        prepared = figures.prepared(placed, "press" if press else "print", profile)
        return prepared.data, prepared.media_type

    return serve


def _profile(ctx: BuildContext) -> bytes:
    from typeset.writers.press import icc_profile

    return icc_profile(ctx).read_bytes()
